#include "witness/etcd_client.hpp"

#include <curl/curl.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "util/base64.hpp"

namespace twinsms::witness {
namespace json = boost::json;
namespace {

void curl_global() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t collect(char* p, std::size_t size, std::size_t n, void* userdata) {
    auto* out = static_cast<std::string*>(userdata);
    if (out->size() + size * n > 1'000'000) return 0; // etcd answers are small; a stream without end is not
    out->append(p, size * n);
    return size * n;
}

// int64 fields come as JSON strings from the gateway (proto3 JSON mapping).
std::int64_t number(const json::object& o, std::string_view a, std::string_view b = {}) {
    const auto* v = o.if_contains(a);
    if (!v && !b.empty()) v = o.if_contains(b);
    if (!v) return 0;
    if (v->is_string()) try {
            return std::stoll(std::string{v->as_string()});
        } catch (const std::exception&) {
            return 0;
        }
    return v->is_int64() ? v->as_int64() : v->is_uint64() ? static_cast<std::int64_t>(v->as_uint64()) : 0;
}

std::string b64(std::string_view s) { return base64_encode(s); }

struct reply {
    std::string error; // transport error, or etcd's error message
    json::object body;
    std::string endpoint;
};

// One HTTP connection per endpoint, the auth token, the endpoint in use.
class gateway {
public:
    explicit gateway(const config::witness_settings& s) : s_{s} {
        curl_global();
        for (std::size_t i = 0; i < s_.endpoints.size(); ++i) easy_.push_back(curl_easy_init());
    }
    ~gateway() {
        for (auto* e : easy_) curl_easy_cleanup(e);
    }

    // POSTs `body` to `path`, on the endpoint in use, then the next ones.
    reply call(const std::string& path, const json::object& body) {
        reply r;
        for (std::size_t n = 0; n < easy_.size(); ++n) {
            const auto i = (current_ + n) % easy_.size();
            r = post(i, path, body);
            if (r.error.find("auth token") != std::string::npos || r.error.find("user name is empty") != std::string::npos) {
                token_.clear(); // expired (etcd's simple tokens last 5 minutes): once more with a new one
                r = post(i, path, body);
            }
            if (r.error.empty() || !transport_) {
                current_ = i;
                return r;
            }
        }
        return r;
    }

private:
    reply post(std::size_t i, const std::string& path, const json::object& body) {
        reply r;
        r.endpoint = s_.endpoints[i];
        if (!s_.username.empty() && token_.empty() && path != "/v3/auth/authenticate") {
            auto a = post(i, "/v3/auth/authenticate", json::object{{"name", s_.username}, {"password", s_.password}});
            if (!a.error.empty()) return a;
            if (const auto* t = a.body.if_contains("token"); t && t->is_string()) token_ = std::string{t->as_string()};
            if (token_.empty()) return reply{"etcd authentication gave no token", {}, r.endpoint};
        }
        CURL* e = easy_[i];
        curl_easy_reset(e);
        const auto url = s_.endpoints[i] + path;
        const auto text = json::serialize(body);
        std::string in;
        char err[CURL_ERROR_SIZE] = {};
        curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
        headers = curl_slist_append(headers, "Expect:");
        const auto auth = "Authorization: " + token_;
        if (!token_.empty() && path != "/v3/auth/authenticate") headers = curl_slist_append(headers, auth.c_str());
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, text.c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(text.size()));
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s_.timeout.count()));
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s_.timeout.count()));
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &collect);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &in);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
        if (s_.tls.enabled) {
            curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s_.tls.verify_peer ? 1L : 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s_.tls.verify_peer ? 2L : 0L);
            if (!s_.tls.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, s_.tls.ca_file.c_str());
            if (!s_.tls.certificate.empty()) {
                curl_easy_setopt(e, CURLOPT_SSLCERT, s_.tls.certificate.c_str());
                curl_easy_setopt(e, CURLOPT_SSLKEY, s_.tls.private_key.c_str());
            }
        }
        const auto rc = curl_easy_perform(e);
        curl_slist_free_all(headers);
        transport_ = rc != CURLE_OK;
        if (transport_) {
            r.error = err[0] ? std::string{err} : std::string{curl_easy_strerror(rc)};
            return r;
        }
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        boost::system::error_code ec;
        auto v = json::parse(in, ec);
        if (!ec && v.is_object()) r.body = std::move(v.as_object());
        if (status != 200) {
            // {"error": "...", "code": N, "message": "..."}: etcd's own refusal
            const auto* m = r.body.if_contains("message");
            if (!m) m = r.body.if_contains("error");
            r.error = "HTTP " + std::to_string(status) + (m && m->is_string() ? ": " + std::string{m->as_string()} : "");
            transport_ = status >= 500 && !m; // a proxy's 5xx: try another endpoint
        } else if (ec || !v.is_object()) {
            r.error = "not JSON from " + url;
            transport_ = true;
        }
        return r;
    }

    const config::witness_settings& s_;
    std::vector<CURL*> easy_;
    std::size_t current_ = 0;
    std::string token_;
    bool transport_ = false; // the last post got no answer from etcd itself
};

answer answer_of(const reply& r) {
    answer a;
    a.error = r.error, a.endpoint = r.endpoint;
    return a;
}

} // namespace

struct etcd_client::shared {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<job> jobs;
    bool stopping = false;
    std::unique_ptr<gateway> gw;
};

etcd_client::etcd_client(boost::asio::any_io_executor ex, config::witness_settings s)
    : executor_{std::move(ex)}, s_{std::move(s)}, shared_{std::make_shared<shared>()} {
    shared_->gw = std::make_unique<gateway>(s_);
    worker_ = std::thread{[this] { run(); }};
}

etcd_client::~etcd_client() { stop(); }

void etcd_client::stop() {
    {
        std::lock_guard lock{shared_->mutex};
        shared_->stopping = true;
        shared_->jobs.clear();
    }
    shared_->cv.notify_all();
    if (worker_.joinable()) worker_.join();
}

void etcd_client::submit(std::function<answer()> call, done_fn done) {
    {
        std::lock_guard lock{shared_->mutex};
        if (shared_->stopping) return;
        shared_->jobs.push_back({std::move(call), std::move(done)});
    }
    shared_->cv.notify_one();
}

void etcd_client::run() {
    const auto sh = shared_;
    for (;;) {
        job j;
        {
            std::unique_lock lock{sh->mutex};
            sh->cv.wait(lock, [&] { return sh->stopping || !sh->jobs.empty(); });
            if (sh->stopping) return;
            j = std::move(sh->jobs.front());
            sh->jobs.pop_front();
        }
        auto a = j.call();
        boost::asio::post(executor_, [sh, done = std::move(j.done), a = std::move(a)] {
            bool stopped = false;
            {
                std::lock_guard lock{sh->mutex};
                stopped = sh->stopping;
            }
            if (!stopped) done(a);
        });
    }
}

void etcd_client::grant(done_fn done) {
    submit([gw = shared_->gw.get(), ttl = s_.lease_ttl] {
        auto r = gw->call("/v3/lease/grant", {{"TTL", ttl.count()}});
        auto a = answer_of(r);
        if (a.ok()) {
            a.lease = number(r.body, "ID");
            a.ttl = std::chrono::seconds{number(r.body, "TTL")};
            if (!a.lease || a.ttl.count() <= 0) a.error = "grant: no lease in the answer";
        }
        return a;
    }, std::move(done));
}

void etcd_client::keepalive(std::int64_t lease, done_fn done) {
    submit([gw = shared_->gw.get(), lease] {
        auto r = gw->call("/v3/lease/keepalive", {{"ID", std::to_string(lease)}});
        auto a = answer_of(r);
        if (r.error.find("lease not found") != std::string::npos) a.error.clear(); // ttl 0: gone
        else if (a.ok()) {
            // A stream of one answer: {"result": {"ID", "TTL"}}; no TTL: the lease is gone.
            const auto* res = r.body.if_contains("result");
            if (!res || !res->is_object()) a.error = "keepalive: no result in the answer";
            else a.ttl = std::chrono::seconds{number(res->as_object(), "TTL")}, a.lease = lease;
        }
        return a;
    }, std::move(done));
}

void etcd_client::acquire(std::int64_t lease, const std::string& value, done_fn done) {
    submit([gw = shared_->gw.get(), key = s_.key, lease, value] {
        const auto k = b64(key), v = b64(value);
        const json::object put{{"requestPut", json::object{{"key", k}, {"value", v}, {"lease", std::to_string(lease)}}}};
        json::object txn{{"compare", json::array{json::object{{"target", "CREATE"}, {"key", k}, {"createRevision", "0"}}}},
                         {"success", json::array{put}},
                         {"failure", json::array{json::object{{"requestRange", json::object{{"key", k}}}}}}};
        answer a;
        for (int attempt = 0; attempt < 2; ++attempt) {
            auto r = gw->call("/v3/kv/txn", txn);
            a = answer_of(r);
            if (!a.ok()) return a;
            const auto* hdr = r.body.if_contains("header");
            const auto head_rev = hdr && hdr->is_object() ? number(hdr->as_object(), "revision") : 0;
            const auto* ok = r.body.if_contains("succeeded");
            if (ok && ok->is_bool() && ok->as_bool()) {
                a.acquired = true;
                a.revision = head_rev; // our put is the transaction's only write
                return a;
            }
            // Refused: who holds it, under which lease, since which revision.
            const json::object* kv = nullptr;
            if (const auto* rs = r.body.if_contains("responses"); rs && rs->is_array() && !rs->as_array().empty())
                if (const auto* rr = rs->as_array()[0].as_object().if_contains("response_range"); rr && rr->is_object())
                    if (const auto* kvs = rr->as_object().if_contains("kvs"); kvs && kvs->is_array() && !kvs->as_array().empty())
                        kv = &kvs->as_array()[0].as_object();
            if (!kv) continue; // the key went away in between: try to create it again
            if (const auto* hv = kv->if_contains("value"); hv && hv->is_string())
                a.holder = base64_decode_lenient(hv->as_string());
            a.revision = number(*kv, "mod_revision", "modRevision");
            const auto held_by = number(*kv, "lease");
            if (a.holder == value && held_by == lease) {
                a.acquired = true; // already ours (an answer we did not see)
                return a;
            }
            if (a.holder != value || attempt) return a;
            // Our own key from a previous run: take it over if nothing changed it since.
            txn["compare"] = json::array{json::object{{"target", "MOD"}, {"key", k}, {"modRevision", std::to_string(a.revision)}}};
        }
        return a;
    }, std::move(done));
}

void etcd_client::revoke(std::int64_t lease, done_fn done) {
    submit([gw = shared_->gw.get(), lease] {
        auto r = gw->call("/v3/lease/revoke", {{"ID", std::to_string(lease)}});
        auto a = answer_of(r);
        if (r.error.find("lease not found") != std::string::npos) a.error.clear(); // gone already: what we wanted
        return a;
    }, std::move(done));
}

} // namespace twinsms::witness
