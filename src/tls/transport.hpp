#pragma once
// A byte stream over TCP: a plain socket, or TLS over one. Under an SMPP
// session (smpp::transport, smpp/session/transport.hpp) and the
// replication channel between the two nodes (src/replication).
//
// The user has one code path: it awaits read_some() and write() here,
// and these dispatch to the socket or to the ssl::stream with one branch.
// Both return the same awaitable type, so the plain path costs no extra
// coroutine frame (session_bench before and after: see the TLS README
// section). The TLS handshake is done before a session starts
// (accept_tls / connect_tls), by the listener or the carrier client.
//
// No TLS close_notify on close: SMPP ends a session with its own
// unbind / unbind_resp exchange and replication frames carry their own
// lengths and ends, so a truncated stream cannot pass for a finished one;
// close() just closes the socket (and cancels both loops).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace boost::asio::ssl {
template <typename Stream> class stream;
class context;
} // namespace boost::asio::ssl

namespace twinsms::tls {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

class transport {
public:
    using tcp = asio::ip::tcp;
    using tls_stream = asio::ssl::stream<tcp::socket>;
    using io_result = std::tuple<error_code, std::size_t>;

    explicit transport(tcp::socket s);
    // A TLS stream whose handshake is done; `ctx` is kept alive with it.
    transport(std::unique_ptr<tls_stream> s, std::shared_ptr<asio::ssl::context> ctx);
    transport(transport&&) noexcept;
    transport& operator=(transport&&) noexcept;
    ~transport();

    // The TCP socket, under TLS too (endpoints, options).
    tcp::socket& socket() noexcept { return tls_ ? tls_socket() : tcp_; }
    bool secure() const noexcept { return tls_ != nullptr; }
    // "TLSv1.3 TLS_AES_256_GCM_SHA384", empty when plain (for logs).
    std::string tls_description() const;
    // The peer certificate's subject, empty without one.
    std::string peer_subject() const;

    // At most one of each in progress at a time (the session's reader and writer).
    asio::awaitable<io_result> read_some(asio::mutable_buffer b);
    asio::awaitable<io_result> write(asio::const_buffer b); // all of b
    // All of `bufs` (alive until it completes): one gathered write on TCP,
    // joined first under TLS (one record per buffer would cost a syscall each).
    asio::awaitable<io_result> write(const std::vector<asio::const_buffer>& bufs);
    void close() noexcept;
    // EOF, a reset, or (TLS) the TCP stream ending without close_notify.
    static bool closed_by_peer(const error_code& ec) noexcept;

private:
    tcp::socket& tls_socket() noexcept;
    asio::awaitable<io_result> write_joined(const std::vector<asio::const_buffer>& bufs);

    tcp::socket tcp_; // unused (closed) under TLS
    std::shared_ptr<asio::ssl::context> ctx_;
    std::unique_ptr<tls_stream> tls_;
};

// The outcome of a handshake: a transport, or the reason it failed
// (OpenSSL's, plus the certificate verdict when that was it:
// "certificate verify failed: unable to get local issuer certificate").
struct handshake_result {
    std::unique_ptr<transport> stream; // null on failure
    error_code ec;
    std::string error;
};

// Server side, on an accepted socket. `timeout` bounds the whole handshake
// (the socket is closed when it runs out): a client that connects and says
// nothing, or a plaintext client, cannot hold the connection.
// `abort`: as for connect_tls.
asio::awaitable<handshake_result> accept_tls(transport::tcp::socket s, std::shared_ptr<asio::ssl::context> ctx,
                                             std::chrono::milliseconds timeout,
                                             transport::tcp::socket** abort = nullptr);

// Client side, on a connected socket. `server_name` goes in SNI (unless it
// is an IP address) and, with `verify_peer`, must be what the certificate
// names (DNS name or IP address). `abort` is set to the socket being
// handshaken so a caller can close it to give up early (null when done).
asio::awaitable<handshake_result> connect_tls(transport::tcp::socket s, std::shared_ptr<asio::ssl::context> ctx,
                                              const std::string& server_name, bool verify_peer,
                                              std::chrono::milliseconds timeout,
                                              transport::tcp::socket** abort = nullptr);

} // namespace twinsms::tls
