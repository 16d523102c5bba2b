// The replication receiver (receiver.hpp).
#include "replication/receiver.hpp"

#include <fstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "replication/channel.hpp"
#include "util/log.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

receiver::receiver(asio::any_io_executor ex, replica& r, receiver_config cfg)
    : executor_{ex}, replica_{r}, cfg_{std::move(cfg)}, timer_{ex} {}

void receiver::start() {
    running_ = true;
    asio::co_spawn(executor_, run(), asio::detached);
}

asio::awaitable<void> receiver::stop() {
    stopping_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    if (connecting_) connecting_->close(ignored);
    if (socket_) socket_->close();
    asio::steady_timer t{executor_};
    while (running_ || applying_ > 0 || ack_writing_) {
        t.expires_after(std::chrono::milliseconds(5));
        co_await t.async_wait(use_tuple);
    }
}

asio::awaitable<void> receiver::run() {
    auto delay = cfg_.reconnect_initial;
    const auto peer = cfg_.peer.address().to_string();
    while (!stopping_) {
        tcp::socket sock{executor_};
        connecting_ = &sock;
        auto [ec] = co_await sock.async_connect(cfg_.peer, use_tuple);
        connecting_ = nullptr;
        if (!ec && !stopping_) {
            // TCP_NODELAY (acks go out at once: sync waits on them) and TLS.
            auto sec = co_await secure_connect(std::move(sock), cfg_.tls, &connecting_);
            if (!sec.stream && !stopping_) {
                // The peer's certificate not trusted, ours refused, a plain
                // listener: logged, and tried again with the backoff.
                ++stats_.tls_failures;
                log::warn("replication", sec.setup ? "tls_setup_failed" : "tls_handshake_failed").kv("peer", peer)
                    .kv("port", cfg_.peer.port()).kv("error", sec.error).kv("retry_ms", delay.count());
            } else if (sec.stream && !stopping_) {
                socket_ = std::shared_ptr<tls::transport>{std::move(sec.stream)};
                ++stats_.connects;
                connected_ = true;
                delay = cfg_.reconnect_initial;
                {
                    auto l = log::info("replication", "receiver_connected"); // written when it goes
                    l.kv("peer", peer).kv("port", cfg_.peer.port()).kv("applied", replica_.applied());
                    if (cfg_.tls) l.kv("tls", socket_->tls_description()).kv("server_cert", socket_->peer_subject());
                }
                const auto why = co_await session(socket_);
                connected_ = false;
                ++stats_.breaks;
                if (!stopping_) log::info("replication", "receiver_disconnected").kv("peer", peer).kv("why", why)
                    .kv("applied", replica_.applied());
            }
        }
        if (socket_) socket_->close();
        socket_.reset();
        if (stopping_) break;
        timer_.expires_after(delay);
        co_await timer_.async_wait(use_tuple);
        delay = std::min(delay * 2, cfg_.reconnect_max);
    }
    running_ = false;
}

void receiver::send_ack(const std::shared_ptr<tls::transport>& s) {
    // One write at a time, always of the newest position: acks coalesce.
    if (ack_writing_ || (hello_due_.empty() && replica_.applied() <= acked_) || !s->socket().is_open()) return;
    ack_writing_ = true;
    asio::co_spawn(executor_, write_out(s), asio::detached);
}

asio::awaitable<void> receiver::write_out(std::shared_ptr<tls::transport> s) {
    std::string wire;
    for (;;) {
        wire.clear();
        if (s != socket_) break; // a connection gone: what is due is the next one's
        if (!hello_due_.empty()) {
            wire.swap(hello_due_);
        } else if (replica_.applied() > acked_) {
            acked_ = replica_.applied();
            encode(ack{acked_}, wire);
        } else {
            break;
        }
        if (auto [ec, n] = co_await s->write(asio::buffer(wire)); ec) {
            s->close(); // the session's read ends, and it reconnects
            break;
        }
    }
    ack_writing_ = false;
}

asio::awaitable<std::string> receiver::session(std::shared_ptr<tls::transport> s) {
    acked_ = replica_.applied();
    hello_due_.clear();
    std::string wire;
    encode(hello{cfg_.node, replica_.applied(), cfg_.token}, wire);
    if (auto [ec, n] = co_await s->write(asio::buffer(wire)); ec) co_return "hello not sent: " + ec.message();
    std::string why;
    bool heard = false; // anything from the sender yet
    frame_reader reader;
    std::ofstream snapshot;
    std::uint64_t snapshot_bytes = 0;
    std::vector<char> buf(256 * 1024);
    bool broken = false;
    while (!broken && !stopping_) {
        // Backpressure: the replica's writer takes what we hand it in order;
        // reading on while it falls behind would only queue memory.
        while (applying_ > cfg_.max_unacked_applies && !stopping_) {
            timer_.expires_after(std::chrono::milliseconds(5));
            co_await timer_.async_wait(use_tuple);
        }
        auto [ec, n] = co_await s->read_some(asio::buffer(buf));
        if (ec) {
            why = ec.message();
            // TLS 1.3: the sender checks our certificate after our side of
            // the handshake is done, its refusal (an alert) comes here.
            if (!heard && ec.category() == asio::error::get_ssl_category()) {
                ++stats_.tls_failures;
                why = "refused by the sender's TLS: " + why;
            }
            // A sender that closes before its first frame refused us: a
            // bad token, or a TLS listener taking a plain receiver.
            if (!heard && tls::transport::closed_by_peer(ec))
                why += cfg_.tls ? " (before the sender's first frame: refused, see its log)"
                                : " (before the sender's first frame: refused; a bad token, or its listener wants TLS: replication.tls)";
            break;
        }
        heard = true;
        stats_.bytes += n;
        reader.feed({buf.data(), n});
        boost::system::error_code fec;
        // The changes of this read go to the replica together (one write);
        // before any other frame, what came before it goes first.
        std::vector<change> changes;
        const auto apply = [&] {
            if (changes.empty()) return;
            ++applying_;
            stats_.changes += changes.size();
            replica_.on_changes(std::exchange(changes, {}), executor_, [this, s](const boost::system::error_code& e, std::uint64_t) {
                --applying_;
                if (e) {
                    // A gap or a failed commit: resume from what is committed.
                    log::warn("replication", "apply_failed").kv("error", e.message()).kv("applied", replica_.applied());
                    s->close();
                    return;
                }
                send_ack(s);
            });
        };
        while (auto f = reader.next(fec)) {
            if (auto* c = std::get_if<change>(&*f)) {
                changes.push_back(std::move(*c));
                if (changes.size() >= 1'000) apply(); // bounded: one store batch stays small
                continue;
            }
            apply();
            if (auto* sc = std::get_if<snapshot_chunk>(&*f)) {
                if (!snapshot.is_open()) {
                    snapshot.open(cfg_.snapshot_file, std::ios::binary | std::ios::trunc);
                    snapshot_bytes = 0;
                    log::info("replication", "snapshot_receiving").kv("applied", replica_.applied());
                }
                snapshot.write(sc->bytes.data(), static_cast<std::streamsize>(sc->bytes.size()));
                snapshot_bytes += sc->bytes.size();
            } else if (auto* se = std::get_if<snapshot_end>(&*f)) {
                snapshot.close();
                if (!snapshot || se->size != snapshot_bytes) {
                    log::warn("replication", "snapshot_incomplete").kv("bytes", snapshot_bytes).kv("expected", se->size);
                    why = "snapshot incomplete";
                    broken = true;
                    break;
                }
                const auto aec = replica_.adopt(cfg_.snapshot_file, executor_);
                if (aec) {
                    log::warn("replication", "snapshot_not_adopted").kv("error", aec.message());
                    why = "snapshot not adopted";
                    broken = true;
                    break;
                }
                ++stats_.snapshots;
                acked_ = replica_.applied();
                log::info("replication", "snapshot_adopted").kv("bytes", snapshot_bytes).kv("applied", replica_.applied());
                hello_due_.clear();
                encode(hello{cfg_.node, replica_.applied(), cfg_.token}, hello_due_);
                send_ack(s); // the hello, after any ack under way
                break; // what the reader still holds came before the hello was answered
            } else {
                fec = make_error_code(frame_error::bad_kind);
                break;
            }
        }
        apply(); // the rest of this read's changes (also those before a bad frame)
        if (fec) {
            log::warn("replication", "bad_frame_from_sender").kv("error", fec.message());
            why = "bad frame: " + fec.message();
            break;
        }
    }
    co_return why.empty() ? std::string{stopping_ ? "stopping" : "closed"} : why;
}

} // namespace twinsms::replication
