#include "webhook/poster.hpp"

#include <set>

#include <curl/curl.h>

#include <boost/asio/post.hpp>

namespace twinsms::webhook {
namespace {
void curl_global() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}
// The receiver's answer body is not ours to keep: count it, cap it.
std::size_t discard(char*, std::size_t size, std::size_t n, void* userdata) {
    auto* seen = static_cast<std::size_t*>(userdata);
    *seen += size * n;
    return *seen > 1'000'000 ? 0 : size * n; // 0 aborts a receiver that streams without end
}
} // namespace

struct poster::shared {
    mutable std::mutex mutex;
    std::deque<job> incoming;
    std::size_t running = 0;
    bool stopping = false;
    CURLM* multi = nullptr;
};

namespace {
struct transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;
    std::size_t answer_bytes = 0;
    char error[CURL_ERROR_SIZE] = {};
    poster::done_fn done;
};
} // namespace

poster::poster(boost::asio::any_io_executor ex, std::size_t max_queued)
    : executor_{std::move(ex)}, max_queued_{max_queued}, shared_{std::make_shared<shared>()} {
    curl_global();
    shared_->multi = curl_multi_init();
    // One receiver should not be hammered with a connection per request.
    curl_multi_setopt(shared_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
    worker_ = std::thread{[this] { run(); }};
}

poster::~poster() { stop(); }

bool poster::post(post_request r, done_fn done) {
    {
        std::lock_guard lock{shared_->mutex};
        if (shared_->stopping || shared_->incoming.size() >= max_queued_) return false;
        shared_->incoming.push_back({std::move(r), std::move(done)});
    }
    curl_multi_wakeup(shared_->multi);
    return true;
}

void poster::stop() {
    {
        std::lock_guard lock{shared_->mutex};
        if (shared_->stopping && !worker_.joinable()) return;
        shared_->stopping = true;
    }
    curl_multi_wakeup(shared_->multi);
    if (worker_.joinable()) worker_.join();
    if (shared_->multi) {
        curl_multi_cleanup(shared_->multi);
        shared_->multi = nullptr;
    }
}

poster::counters poster::snapshot() const {
    std::lock_guard lock{shared_->mutex};
    return {shared_->incoming.size(), shared_->running};
}

void poster::run() {
    CURLM* multi = shared_->multi;
    std::set<transfer*> live; // curl_multi_get_handles is libcurl 8.4, Debian has 7.88
    for (;;) {
        std::deque<job> fresh;
        {
            std::lock_guard lock{shared_->mutex};
            if (shared_->stopping) break;
            fresh.swap(shared_->incoming);
            shared_->running += fresh.size();
        }
        for (auto& j : fresh) {
            auto* t = new transfer;
            t->easy = curl_easy_init();
            t->body = std::move(j.req.body);
            t->done = std::move(j.done);
            for (const auto& h : j.req.headers) t->headers = curl_slist_append(t->headers, h.c_str());
            // No "Expect: 100-continue" round trip for small JSON bodies.
            t->headers = curl_slist_append(t->headers, "Expect:");
            CURL* e = t->easy;
            curl_easy_setopt(e, CURLOPT_URL, j.req.url.c_str());
            curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
            curl_easy_setopt(e, CURLOPT_POST, 1L);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(j.req.timeout.count()));
            curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(j.req.timeout.count()));
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); // a redirect is the receiver's error, not a hop
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &discard);
            curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->answer_bytes);
            curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, j.req.verify_peer ? 1L : 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, j.req.verify_peer ? 2L : 0L);
            curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
            if (j.req.ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, j.req.ca_file->c_str());
            curl_easy_setopt(e, CURLOPT_PRIVATE, t);
            curl_multi_add_handle(multi, e);
            live.insert(t);
        }
        int still_running = 0;
        curl_multi_perform(multi, &still_running);
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            transfer* t = nullptr;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
            post_result r;
            if (m->data.result == CURLE_OK) {
                curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &r.status);
            } else {
                r.error = t->error[0] ? std::string{t->error} : std::string{curl_easy_strerror(m->data.result)};
            }
            curl_multi_remove_handle(multi, t->easy);
            curl_easy_cleanup(t->easy);
            curl_slist_free_all(t->headers);
            live.erase(t);
            {
                std::lock_guard lock{shared_->mutex};
                --shared_->running;
            }
            // The completion checks `stopping` on the executor: after stop()
            // the owner may be gone.
            boost::asio::post(executor_, [s = shared_, done = std::move(t->done), r = std::move(r)] {
                {
                    std::lock_guard lock{s->mutex};
                    if (s->stopping) return;
                }
                done(r);
            });
            delete t;
        }
        curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    // Abandon what is still running.
    for (auto* t : live) {
        curl_multi_remove_handle(multi, t->easy);
        curl_easy_cleanup(t->easy);
        curl_slist_free_all(t->headers);
        delete t;
    }
}

} // namespace twinsms::webhook
