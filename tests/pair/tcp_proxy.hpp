#pragma once
// Pair tests: a TCP relay for a peer link that a test can cut and restore.
#include "pair/pair_site.hpp"

namespace twinsms::test {

// A TCP relay on 127.0.0.1 (for site2's peer link, a second path, a node's
// way to the witness): cut() closes the listener and every relayed
// connection (new connects are refused), restore() listens on the same
// port again. freeze() is a black hole instead: connections stay open and
// new ones are accepted, but nothing gets through (what a partition looks
// like to TCP: timeouts, not refusals) until thaw().
class tcp_proxy {
public:
    tcp_proxy(asio::io_context& io, std::uint16_t target, std::string target_address = "127.0.0.1")
        : io_{io}, target_{target}, target_address_{std::move(target_address)} {
        listen(0);
    }
    ~tcp_proxy() { cut(); }
    std::uint16_t port() const noexcept { return port_; }
    std::size_t accepted() const noexcept { return accepted_; }
    void cut() {
        boost::system::error_code ec;
        if (acceptor_) acceptor_->close(ec);
        acceptor_.reset();
        for (auto& w : conns_)
            if (auto c = w.lock()) {
                c->a.close(ec);
                c->b.close(ec);
            }
        conns_.clear();
    }
    void restore() { listen(port_); }
    void freeze() { *frozen_ = true; }
    void thaw() { *frozen_ = false; }

private:
    struct conn {
        tcp::socket a, b;
        explicit conn(asio::io_context& io) : a{io}, b{io} {}
    };
    void listen(std::uint16_t port) {
        acceptor_ = std::make_shared<tcp::acceptor>(io_);
        tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
        acceptor_->open(ep.protocol());
        acceptor_->set_option(tcp::acceptor::reuse_address(true));
        acceptor_->bind(ep);
        acceptor_->listen();
        port_ = acceptor_->local_endpoint().port();
        asio::co_spawn(io_, accept_loop(acceptor_), asio::detached);
    }
    asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acc) {
        constexpr auto t = asio::as_tuple(asio::use_awaitable);
        for (;;) {
            auto c = std::make_shared<conn>(io_);
            auto [ec] = co_await acc->async_accept(c->a, t);
            if (ec) co_return;
            auto [cec] = co_await c->b.async_connect({asio::ip::make_address(target_address_), target_}, t);
            if (cec || !acc->is_open()) continue;
            ++accepted_;
            conns_.push_back(c);
            asio::co_spawn(io_, pipe(c, c->a, c->b, frozen_), asio::detached);
            asio::co_spawn(io_, pipe(c, c->b, c->a, frozen_), asio::detached);
        }
    }
    static asio::awaitable<void> pipe(std::shared_ptr<conn> c, tcp::socket& from, tcp::socket& to,
                                      std::shared_ptr<bool> frozen) {
        constexpr auto t = asio::as_tuple(asio::use_awaitable);
        std::array<char, 16384> buf;
        for (;;) {
            auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), t);
            if (ec) break;
            if (*frozen) continue; // swallowed
            auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf.data(), n), t);
            (void)wn;
            if (wec) break;
        }
        boost::system::error_code ig;
        c->a.close(ig);
        c->b.close(ig);
    }
    asio::io_context& io_;
    std::uint16_t target_, port_ = 0;
    std::string target_address_;
    std::shared_ptr<bool> frozen_ = std::make_shared<bool>(false);
    std::shared_ptr<tcp::acceptor> acceptor_;
    std::vector<std::weak_ptr<conn>> conns_;
    std::size_t accepted_ = 0;
};

} // namespace twinsms::test
