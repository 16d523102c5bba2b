#include "alert/mailer.hpp"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/post.hpp>

#include "util/log.hpp"

namespace twinsms::alert {

namespace {

constexpr std::string_view comp = "mailer";

void curl_global() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

struct mailer::curl_state {
    CURLM* multi = nullptr;
    // The sockets curl has open for the transfer, tracked through its
    // open/close callbacks (close happens under the lock) so that a cut
    // never touches a descriptor number curl has already closed and someone
    // else may have reused.
    std::mutex mu;
    std::vector<curl_socket_t> sockets;
    bool cut_all = false;
    curl_state() : multi{curl_multi_init()} {}
    ~curl_state() { curl_multi_cleanup(multi); }

    static int opened(void* self, curl_socket_t fd, curlsocktype) {
        auto& c = *static_cast<curl_state*>(self);
        std::lock_guard lk{c.mu};
        c.sockets.push_back(fd);
        if (c.cut_all) ::shutdown(fd, SHUT_RDWR);
        return CURL_SOCKOPT_OK;
    }
    static int closed(void* self, curl_socket_t fd) {
        auto& c = *static_cast<curl_state*>(self);
        std::lock_guard lk{c.mu};
        c.sockets.erase(std::remove(c.sockets.begin(), c.sockets.end(), fd), c.sockets.end());
        return ::close(fd);
    }
    // curl 7.88 cannot simply drop an SMTP transfer in progress:
    // curl_multi_remove_handle() on it ends the DATA phase as if the message
    // were complete and waits for the reply, up to the whole timeout, and
    // the QUIT after a transfer blocks inside curl_multi_perform() the same
    // way. Cutting the connection under it (from any thread) makes whatever
    // curl waits for fail at once with a read/write error.
    void cut() {
        std::lock_guard lk{mu};
        cut_all = true;
        for (auto fd : sockets) ::shutdown(fd, SHUT_RDWR);
    }
};

mailer::mailer(boost::asio::any_io_executor ex, config::smtp_settings settings, std::size_t max_queue)
    : ex_{std::move(ex)}, settings_{std::move(settings)}, max_queue_{std::max<std::size_t>(1, max_queue)} {
    curl_global();
    curl_ = std::make_unique<curl_state>();
    worker_ = std::thread{[this] { run(); }};
}

mailer::~mailer() { stop(); }

void mailer::send(email m, completion done) {
    const auto now = std::chrono::system_clock::now();
    if (m.date == std::chrono::system_clock::time_point{}) m.date = now;
    const auto from = bare_address(settings_.from);
    const auto at = from.rfind('@');
    const std::string domain = at == std::string_view::npos ? "twinsms.invalid" : std::string{from.substr(at + 1)};
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const auto id = std::to_string(ms) + "." + std::to_string(++sequence_) + "." + std::to_string(::getpid()) + "@" + domain;
    job j{format_message(settings_, m, id), std::move(done)};

    std::optional<job> refused; // failed at once, outside the lock
    bool was_drop = false;
    {
        std::lock_guard lk{mu_};
        if (stopping_) {
            refused.emplace(std::move(j));
        } else {
            if (queue_.size() >= max_queue_) {
                refused.emplace(std::move(queue_.front()));
                queue_.pop_front();
                was_drop = true;
                ++dropped_;
            }
            queue_.push_back(std::move(j));
        }
    }
    cv_.notify_one();
    curl_multi_wakeup(curl_->multi);
    if (!refused) return;
    if (was_drop) {
        log::warn(comp, "queue_full").kv("max", max_queue_).kv("dropped_total", dropped_.load()).kv("action", "dropped_oldest");
        finish(*refused, {false, "dropped: mail queue full"});
    } else {
        log::warn(comp, "send_after_stop");
        finish(*refused, {false, "mailer stopped"});
    }
}

void mailer::finish(job& j, mail_result r) {
    if (j.done) boost::asio::post(ex_, [done = std::move(j.done), r = std::move(r)] { done(r); });
}

std::size_t mailer::queued() const {
    std::lock_guard lk{mu_};
    return queue_.size();
}

void mailer::stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard lk{mu_};
        if (!stopping_) {
            stopping_ = true;
            deadline_ = std::chrono::steady_clock::now() + grace;
        }
    }
    cv_.notify_one();
    curl_multi_wakeup(curl_->multi);
    if (!worker_.joinable()) return;
    {
        // The worker cuts its own transfer at the deadline; this covers it
        // being stuck inside a blocking curl call past that.
        std::unique_lock lk{mu_};
        if (!exited_cv_.wait_until(lk, deadline_ + std::chrono::milliseconds{100}, [&] { return exited_; })) {
            lk.unlock();
            log::warn(comp, "stop_cut").kv("server", settings_.host);
            curl_->cut();
            curl_multi_wakeup(curl_->multi);
        }
    }
    worker_.join();
}

bool mailer::past_deadline() {
    std::lock_guard lk{mu_};
    return stopping_ && std::chrono::steady_clock::now() >= deadline_;
}

void mailer::run() {
    struct exit_mark {
        mailer& m;
        ~exit_mark() {
            std::lock_guard lk{m.mu_};
            m.exited_ = true;
            m.exited_cv_.notify_all();
        }
    } mark{*this};
    for (;;) {
        job j;
        {
            std::unique_lock lk{mu_};
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return; // stopping, nothing left
            if (stopping_ && std::chrono::steady_clock::now() >= deadline_) {
                // Grace over: what still waits is abandoned, not sent late.
                auto rest = std::move(queue_);
                lk.unlock();
                log::warn(comp, "abandoned").kv("count", rest.size());
                for (auto& r : rest) finish(r, {false, "abandoned: mailer stopped"});
                return;
            }
            j = std::move(queue_.front());
            queue_.pop_front();
        }
        auto r = perform(j);
        if (r.ok)
            log::info(comp, "sent").kv("server", settings_.host).kv("port", settings_.port);
        else
            log::warn(comp, "send_failed").kv("server", settings_.host).kv("port", settings_.port).kv("error", r.error);
        finish(j, std::move(r));
    }
}

namespace {

struct upload {
    std::string_view data;
    static std::size_t read(char* buf, std::size_t size, std::size_t n, void* self) {
        auto& u = *static_cast<upload*>(self);
        const auto k = std::min(size * n, u.data.size());
        std::copy_n(u.data.data(), k, buf);
        u.data.remove_prefix(k);
        return k;
    }
};

struct easy_handle {
    CURL* h = curl_easy_init();
    curl_slist* rcpt = nullptr;
    ~easy_handle() {
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(h);
    }
};

} // namespace

mail_result mailer::perform(const job& j) {
    const auto& s = settings_;
    easy_handle e;
    if (!e.h) return {false, "curl_easy_init failed"};
    char errbuf[CURL_ERROR_SIZE] = {};
    upload up{j.message};
    const std::string url = "smtp://" + s.host + ":" + std::to_string(s.port);
    const std::string from = "<" + std::string{bare_address(s.from)} + ">";
    for (const auto& r : s.to) e.rcpt = curl_slist_append(e.rcpt, ("<" + std::string{bare_address(r)} + ">").c_str());
    const long timeout = static_cast<long>(std::max<std::int64_t>(1, s.timeout.count()));

    curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L); // a worker thread: no SIGALRM games
    curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e.h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(e.h, CURLOPT_MAIL_RCPT, e.rcpt);
    curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e.h, CURLOPT_READFUNCTION, &upload::read);
    curl_easy_setopt(e.h, CURLOPT_READDATA, &up);
    // One connection per alert, closed after it: no idle SMTP session kept
    // open between alerts, none left in the cache for cleanup to QUIT.
    curl_easy_setopt(e.h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e.h, CURLOPT_SOCKOPTFUNCTION, &curl_state::opened);
    curl_easy_setopt(e.h, CURLOPT_SOCKOPTDATA, curl_.get());
    curl_easy_setopt(e.h, CURLOPT_CLOSESOCKETFUNCTION, &curl_state::closed);
    curl_easy_setopt(e.h, CURLOPT_CLOSESOCKETDATA, curl_.get());
    if (s.tls == config::smtp_tls::starttls) {
        // ALL, not TRY: a server that stops offering STARTTLS must not get
        // the credentials and the alert in the clear.
        curl_easy_setopt(e.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYPEER, s.verify_peer ? 1L : 0L);
        curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYHOST, s.verify_peer ? 2L : 0L);
        if (!s.ca_file.empty()) curl_easy_setopt(e.h, CURLOPT_CAINFO, s.ca_file.c_str());
    }
    if (!s.username.empty()) {
        curl_easy_setopt(e.h, CURLOPT_USERNAME, s.username.c_str());
        curl_easy_setopt(e.h, CURLOPT_PASSWORD, s.password.c_str());
    }

    // The multi interface, so stop() can wake this thread out of a slow
    // server at once (curl_multi_wakeup) instead of waiting for the timeout.
    CURLM* m = curl_->multi;
    curl_multi_add_handle(m, e.h);
    CURLcode code = CURLE_OK;
    bool done = false, aborted = false;
    std::chrono::steady_clock::time_point cut_at{};
    while (!done) {
        int running = 0;
        curl_multi_perform(m, &running);
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(m, &left))
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == e.h) {
                code = msg->data.result;
                done = true;
            }
        if (done) break;
        if (!aborted && past_deadline()) {
            aborted = true;
            cut_at = std::chrono::steady_clock::now();
            curl_->cut();
        }
        if (aborted && std::chrono::steady_clock::now() - cut_at > std::chrono::seconds{1}) {
            // Still connecting, say: removing it now may block in curl.
            log::warn(comp, "abort_slow").kv("server", s.host);
            break;
        }
        curl_multi_poll(m, nullptr, 0, aborted ? 20 : 200, nullptr);
    }
    curl_multi_remove_handle(m, e.h);
    if (aborted) return {false, "abandoned: mailer stopped during the transfer"};
    if (code == CURLE_OK) return {true, {}};
    std::string err = curl_easy_strerror(code);
    if (errbuf[0] && err != errbuf) err += std::string{": "} + errbuf;
    long smtp_code = 0;
    curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &smtp_code);
    if (smtp_code) err += " (last smtp reply " + std::to_string(smtp_code) + ")";
    return {false, std::move(err)};
}

} // namespace twinsms::alert
