// The replication sender (sender.hpp).
#include "replication/sender.hpp"

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "replication/channel.hpp"
#include "util/log.hpp"
#include "util/secret_equal.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

sender::sender(asio::any_io_executor ex, store::message_store& st, sender_config cfg, clock_fn now)
    : executor_{ex}, store_{st}, cfg_{std::move(cfg)}, now_{std::move(now)},
      state_{cfg_.max_buffer_bytes, st.get_stats().last_commit_seq}, acceptor_{ex}, signal_{ex} {}

sender::~sender() {
    store_.set_change_sink({}); // waits for a sink call in progress
    *alive_ = false;
    copier_.join();
}

void sender::start() {
    // Encoding is a copy of the batch, which is only valid during the call;
    // the frames are handed over in one post per commit round, not per batch.
    store_.set_change_sink([this](std::uint64_t seq, const store::write_batch& b) {
        std::string f;
        encode_change(seq, b, f);
        committed_from_writer(seq, std::move(f));
    });
    acceptor_.open(cfg_.listen.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(cfg_.listen);
    acceptor_.listen();
    log::info("replication", "sender_listening").kv("address", local_endpoint().address().to_string())
        .kv("port", local_endpoint().port()).kv("from_seq", state_.last_committed());
    ++running_;
    asio::co_spawn(executor_, accept_loop(), asio::detached);
}

void sender::committed_from_writer(std::uint64_t seq, std::string frame) {
    bool first = false;
    {
        std::lock_guard lk{pending_mutex_};
        first = pending_.empty();
        pending_.emplace_back(seq, std::move(frame));
    }
    if (!first) return;
    asio::post(executor_, [this, alive = alive_] {
        if (!*alive) return;
        std::vector<std::pair<std::uint64_t, std::string>> got;
        {
            std::lock_guard lk{pending_mutex_};
            got.swap(pending_);
        }
        const auto now = now_();
        for (auto& [seq, f] : got) state_.committed(seq, std::move(f), now);
        signal_.cancel();
    });
}

asio::awaitable<void> sender::stop() {
    stopping_ = true;
    ++generation_;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& w : sockets_)
        if (auto s = w.lock()) s->close();
    for (auto* slot : handshakes_)
        if (*slot) (*slot)->close(ignored);
    signal_.cancel();
    while (!waiters_.empty()) { // answered: committed here, as in async
        auto f = std::move(waiters_.front().f);
        waiters_.pop_front();
        f();
    }
    asio::steady_timer t{executor_};
    while (running_ > 0) {
        t.expires_after(std::chrono::milliseconds(5));
        co_await t.async_wait(use_tuple);
    }
}

tcp::endpoint sender::local_endpoint() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> sender::accept_loop() {
    while (!stopping_) {
        auto [ec, s] = co_await acceptor_.async_accept(use_tuple);
        if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) break;
            continue;
        }
        // TCP_NODELAY and TLS: in serve() (channel.hpp), not to hold up the accepts.
        ++running_;
        asio::co_spawn(executor_, serve(std::move(s)), asio::detached);
    }
    --running_;
}

bool sender::greet(const hello& h) {
    if (!secret_equal(h.token, cfg_.token)) return false;
    awaiting_hello_ = false;
    if (std::exchange(reclaim_pending_, false) && reclaim_.adopted) {
        // The peer runs (on the copy, or on its own store if the copy
        // never made it): what we kept for it goes back to being a replica.
        log::info("replication", "reclaim_closed_by_hello").kv("node", h.node);
        reclaim_.adopted(h.node);
    }
    need_snapshot_ = state_.connected(h.applied) == sender_state::resume::snapshot;
    log::info("replication", "receiver_position").kv("node", h.node).kv("applied", h.applied)
        .kv("last_committed", state_.last_committed()).kv("then", need_snapshot_ ? "snapshot" : "stream");
    return true;
}

asio::awaitable<void> sender::serve(tcp::socket raw) {
    struct done_guard {
        std::size_t& n;
        ~done_guard() { --n; }
    } guard{running_};
    boost::system::error_code eec;
    const auto peer = raw.remote_endpoint(eec).address().to_string();
    tcp::socket* slot = nullptr;
    handshakes_.insert(&slot);
    auto sec = co_await secure_accept(std::move(raw), cfg_.tls, &slot);
    handshakes_.erase(&slot);
    if (!sec.stream) {
        ++stats_.refused;
        ++stats_.tls_failures;
        // A plain receiver on a TLS listener fails here at once (its hello
        // is not a ClientHello), a silent one at the handshake timeout.
        log::warn("replication", sec.setup ? "tls_setup_failed" : "tls_handshake_failed").kv("from", peer)
            .kv("error", sec.error);
        co_return;
    }
    if (stopping_) co_return;
    if (cfg_.tls)
        log::info("replication", "tls_established").kv("from", peer).kv("tls", sec.stream->tls_description())
            .kv("client_cert", sec.stream->peer_subject());
    auto s = std::shared_ptr<tls::transport>{std::move(sec.stream)};
    std::erase_if(sockets_, [](const auto& w) { return w.expired(); });
    sockets_.push_back(s);
    // The first hello, bounded in time: a silent connection is dropped.
    frame_reader reader;
    std::optional<hello> h;
    asio::steady_timer deadline{executor_};
    deadline.expires_after(cfg_.hello_timeout);
    deadline.async_wait([s](const boost::system::error_code& ec) {
        if (!ec) s->close();
    });
    std::array<char, 4096> buf;
    bool tls_checked = false;
    while (!h) {
        auto [ec, n] = co_await s->read_some(asio::buffer(buf));
        if (ec) co_return;
        const bool client_hello = !tls_checked && !cfg_.tls && n > 0 && buf[0] == 0x16; // a TLS handshake record
        tls_checked = true;
        reader.feed({buf.data(), n});
        boost::system::error_code fec;
        auto f = reader.next(fec);
        if (!fec && f && std::holds_alternative<reclaim>(*f)) {
            deadline.cancel();
            co_await serve_reclaim(s, std::get<reclaim>(std::move(*f)));
            co_return;
        }
        if (fec || (f && !std::holds_alternative<hello>(*f))) {
            ++stats_.refused;
            log::warn("replication", "receiver_refused").kv("from", peer)
                .kv("why", client_hello ? "a TLS handshake: the receiver uses TLS, this listener does not (replication.tls)"
                           : fec        ? fec.message()
                                        : "no hello");
            co_return;
        }
        if (f) h = std::get<hello>(std::move(*f));
    }
    deadline.cancel();
    if (!greet(*h)) {
        ++stats_.refused;
        log::warn("replication", "receiver_refused").kv("from", peer).kv("node", h->node).kv("why", "bad token");
        co_return;
    }
    // One receiver at a time: this one replaces any earlier connection.
    const auto gen = ++generation_;
    ++stats_.connections;
    signal_.cancel();
    ++running_;
    asio::co_spawn(executor_, read_acks(s, std::move(reader), gen), asio::detached);
    while (gen == generation_ && !stopping_) {
        if (need_snapshot_ && !awaiting_hello_) {
            need_snapshot_ = false;
            if (!co_await send_snapshot(*s)) break;
            awaiting_hello_ = true; // the receiver says where the copy left it
            continue;
        }
        if (!awaiting_hello_ && state_.lost_place()) {
            log::warn("replication", "receiver_lost_place").kv("node", h->node).kv("acked", state_.last_acked())
                .kv("last_committed", state_.last_committed());
            need_snapshot_ = true;
            continue;
        }
        auto frames = awaiting_hello_ ? std::vector<std::string_view>{} : state_.take(cfg_.max_write_bytes);
        if (frames.empty()) {
            signal_.expires_at(asio::steady_timer::time_point::max());
            co_await signal_.async_wait(use_tuple);
            continue;
        }
        std::vector<asio::const_buffer> bufs;
        for (auto f : frames) bufs.emplace_back(f.data(), f.size());
        auto [ec, n] = co_await s->write(bufs);
        if (ec) break;
        stats_.bytes_sent += n;
        stats_.frames_sent += frames.size();
    }
    if (gen == generation_) state_.disconnected();
    s->close();
    log::info("replication", "receiver_gone").kv("node", h->node).kv("acked", state_.last_acked());
}

asio::awaitable<void> sender::read_acks(std::shared_ptr<tls::transport> s, frame_reader reader, std::uint64_t gen) {
    struct done_guard {
        std::size_t& n;
        ~done_guard() { --n; }
    } guard{running_};
    std::array<char, 4096> buf;
    for (;;) {
        boost::system::error_code fec;
        while (auto f = reader.next(fec)) {
            if (const auto* a = std::get_if<ack>(&*f)) {
                state_.acked(a->seq);
                release_acked();
            } else if (const auto* h = std::get_if<hello>(&*f); !h || !greet(*h)) {
                fec = make_error_code(frame_error::bad_kind);
                break;
            } else {
                signal_.cancel();
            }
        }
        if (fec) {
            log::warn("replication", "bad_frame_from_receiver").kv("error", fec.message());
            break;
        }
        auto [ec, n] = co_await s->read_some(asio::buffer(buf));
        if (ec || gen != generation_) break;
        reader.feed({buf.data(), n});
    }
    // The writer ends too: the next connection starts from the receiver's hello.
    if (gen == generation_) {
        ++generation_;
        state_.disconnected();
    }
    s->close();
    signal_.cancel();
}

} // namespace twinsms::replication
