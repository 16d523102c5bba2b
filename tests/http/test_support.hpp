#pragma once
// Helpers for the HTTP server, admin API and twinsmsctl tests.
//
// The server under test runs on its own io_context thread, as in the node;
// the test thread talks to it with a raw blocking socket (poll() bounds every
// wait, so a broken server fails a test instead of hanging it). Raw bytes,
// not a Beast client: malformed requests are part of the tests, and a Beast
// TU per test would cost 15 s of compile each.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "http/admin_api.hpp"

namespace twinsms::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// An io_context running on its own thread until destroyed.
class io_thread {
public:
    io_thread() : work_{asio::make_work_guard(io_)}, thread_{[this] { io_.run(); }} {}
    ~io_thread() {
        work_.reset();
        io_.stop();
        thread_.join();
    }
    asio::any_io_executor executor() { return io_.get_executor(); }
    // Runs `f` on the io thread and returns its result.
    template <class F>
    auto run(F f) {
        return asio::post(io_, asio::use_future(std::move(f))).get();
    }
    // Runs a coroutine on the io thread to completion.
    template <class T>
    T await(asio::awaitable<T> a) {
        return asio::co_spawn(io_, std::move(a), asio::use_future).get();
    }

private:
    asio::io_context io_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;
};

struct http_reply {
    unsigned status = 0;
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;
    std::string header(const std::string& name) const {
        for (const auto& [k, v] : headers)
            if (k == name) return v;
        return {};
    }
    boost::json::value json() const { return boost::json::parse(body); }
    // The "code" of a JSON error body, empty if there is none.
    std::string error_code() const {
        boost::system::error_code ec;
        auto v = boost::json::parse(body, ec);
        if (ec || !v.is_object() || !v.as_object().contains("error")) return {};
        return std::string{v.at("error").at("code").as_string()};
    }
};

// HTTPS for raw_client: the server's certificate is checked against
// ca_file and must name server_name; cert/key: a client certificate.
struct tls_options {
    explicit tls_options(std::string ca = {}) : ca_file{std::move(ca)} {}
    std::string ca_file;
    std::string server_name = "localhost";
    std::string cert, key;
};

// One TCP connection to 127.0.0.1:port, over TLS when `tls` is given.
class raw_client {
public:
    // `from`: the source address (on 127.0.0.0/8), else the kernel's choice.
    explicit raw_client(std::uint16_t port, std::optional<tls_options> tls = std::nullopt, const char* from = nullptr) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (from != nullptr) {
            sockaddr_in src{};
            src.sin_family = AF_INET;
            ::inet_pton(AF_INET, from, &src.sin_addr);
            if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
                ::close(fd_);
                throw std::runtime_error(std::string{"cannot bind to "} + from);
            }
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
        }
        if (tls) start_tls(*tls);
    }
    ~raw_client() {
        if (ssl_) SSL_free(ssl_);
        if (ctx_) SSL_CTX_free(ctx_);
        ::close(fd_);
    }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    static bool can_connect(std::uint16_t port) {
        try {
            raw_client c{port};
            return true;
        } catch (const std::runtime_error&) {
            return false;
        }
    }

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            const auto n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                                : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("send failed");
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    // The next response (a 100 Continue too); nullopt if the server closed
    // before sending one. Throws if nothing complete arrives within `limit`.
    std::optional<http_reply> read_reply(std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
            if (!fill(deadline)) {
                if (buf_.empty()) return std::nullopt;
                throw std::runtime_error("connection closed mid-response: " + buf_);
            }
        http_reply r;
        const std::string head = buf_.substr(0, end);
        buf_.erase(0, end + 4);
        r.status = static_cast<unsigned>(std::stoul(head.substr(head.find(' ') + 1, 3)));
        std::size_t length = 0;
        for (std::size_t pos = head.find("\r\n"); pos != std::string::npos;) {
            const auto next = head.find("\r\n", pos + 2);
            const auto line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
            const auto colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            if (name == "content-length") length = std::stoul(value);
            r.headers.emplace_back(std::move(name), std::move(value));
            pos = next;
        }
        while (buf_.size() < length)
            if (!fill(deadline)) throw std::runtime_error("connection closed mid-body");
        r.body = buf_.substr(0, length);
        buf_.erase(0, length);
        return r;
    }

    http_reply request(const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers = {}, const std::string& body = {}) {
        std::string req = method + " " + target + " HTTP/1.1\r\nHost: test\r\n";
        for (const auto& h : headers) req += h + "\r\n";
        if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        send(req + "\r\n" + body);
        auto r = read_reply();
        if (!r) throw std::runtime_error("no response to " + method + " " + target);
        return *r;
    }

    // True once the server closed (EOF or reset) within `limit`; data that
    // arrives meanwhile is kept for read_reply.
    bool wait_closed(std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        try {
            while (fill(deadline)) {
            }
            return true;
        } catch (const std::runtime_error&) {
            return false; // timed out, still open
        }
    }

private:
    // Reads more into buf_; false on EOF or reset; throws on timeout.
    bool fill(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        // Decrypted bytes OpenSSL already holds do not show in poll().
        if (!(ssl_ && SSL_pending(ssl_) > 0) &&
            (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0))
            throw std::runtime_error("timed out waiting for the server");
        char tmp[4096];
        const auto n = ssl_ ? SSL_read(ssl_, tmp, sizeof tmp) : ::recv(fd_, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf_.append(tmp, static_cast<std::size_t>(n));
        return true;
    }

    // Blocking handshake, bounded by socket timeouts (a broken server fails
    // the test instead of hanging it).
    void start_tls(const tls_options& o) {
        // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a server that
        // closed on us must fail the test, not kill it with SIGPIPE.
        ::signal(SIGPIPE, SIG_IGN);
        timeval tv{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        if (SSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr) != 1) fail_tls("cannot load " + o.ca_file);
        if (!o.cert.empty() && (SSL_CTX_use_certificate_chain_file(ctx_, o.cert.c_str()) != 1 ||
                                SSL_CTX_use_PrivateKey_file(ctx_, o.key.c_str(), SSL_FILETYPE_PEM) != 1))
            fail_tls("cannot load " + o.cert);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        SSL_set_tlsext_host_name(ssl_, o.server_name.c_str());
        SSL_set1_host(ssl_, o.server_name.c_str());
        if (SSL_connect(ssl_) != 1) fail_tls("TLS handshake failed");
    }
    [[noreturn]] static void fail_tls(const std::string& what) {
        char reason[256] = "";
        ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
        ERR_clear_error();
        throw std::runtime_error(what + ": " + reason);
    }

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string buf_;
};

// An admin backend that records every call and answers as told.
class recording_backend : public http::admin_backend {
public:
    struct call {
        std::string verb, profile;
        bool operator==(const call&) const = default;
    };

    boost::json::object status() override {
        std::lock_guard l{m_};
        calls_.push_back({"status", ""});
        return status_;
    }
    http::admin_reply command(std::string_view verb, std::string_view profile) override {
        std::lock_guard l{m_};
        calls_.push_back({std::string{verb}, std::string{profile}});
        if (reply_) return reply_(verb, profile);
        return http::admin_ok(std::string{verb} + " done");
    }

    void set_status(boost::json::object s) {
        std::lock_guard l{m_};
        status_ = std::move(s);
    }
    void set_reply(std::function<http::admin_reply(std::string_view, std::string_view)> f) {
        std::lock_guard l{m_};
        reply_ = std::move(f);
    }
    std::vector<call> calls() {
        std::lock_guard l{m_};
        return calls_;
    }

private:
    std::mutex m_;
    std::vector<call> calls_;
    boost::json::object status_;
    std::function<http::admin_reply(std::string_view, std::string_view)> reply_;
};

// The status document of the design (tests render and pass it through).
inline boost::json::object sample_status() {
    return boost::json::parse(R"({"node":{"id":"site1","role":"primary","mode":"normal","epoch":3},
 "peer":{"id":"site2","verdict":"alive","link":"up","second_path":"up","last_heard_ms":120,"mode":"normal","epoch":3},
 "profiles":[{"name":"acme","type":"client","kind":"client","configured":"active","state":"active","sessions":2}],
 "links":[{"carrier":"c1","bound":true,"queued":0,"in_flight":3}],
 "queue":{"stored":10,"queued":4,"in_memory":4,"parked":0,"deliveries":1},
 "counters":{"takeovers":1,"failbacks":0,"brain_splits":0,"overflow":false}})")
        .as_object();
}

} // namespace twinsms::test
