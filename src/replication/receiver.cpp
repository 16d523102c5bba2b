// The replication receiver (receiver.hpp).
#include "replication/receiver.hpp"

#include <fstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

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
    if (socket_) {
        boost::system::error_code ignored;
        socket_->close(ignored);
    }
    asio::steady_timer t{executor_};
    while (running_ || applying_ > 0 || ack_writing_) {
        t.expires_after(std::chrono::milliseconds(5));
        co_await t.async_wait(use_tuple);
    }
}

asio::awaitable<void> receiver::run() {
    auto delay = cfg_.reconnect_initial;
    while (!stopping_) {
        auto s = std::make_shared<tcp::socket>(executor_);
        socket_ = s;
        auto [ec] = co_await s->async_connect(cfg_.peer, use_tuple);
        if (!ec && !stopping_) {
            boost::system::error_code nec;
            s->set_option(tcp::no_delay(true), nec); // acks go out at once (sync waits on them)
            ++stats_.connects;
            connected_ = true;
            delay = cfg_.reconnect_initial;
            log::info("replication", "receiver_connected").kv("peer", cfg_.peer.address().to_string())
                .kv("port", cfg_.peer.port()).kv("applied", replica_.applied());
            co_await session(*s);
            connected_ = false;
            ++stats_.breaks;
        }
        boost::system::error_code ignored;
        s->close(ignored);
        if (stopping_) break;
        timer_.expires_after(delay);
        co_await timer_.async_wait(use_tuple);
        delay = std::min(delay * 2, cfg_.reconnect_max);
    }
    running_ = false;
}

void receiver::send_ack(const std::shared_ptr<tcp::socket>& s) {
    // One write at a time, always of the newest position: acks coalesce.
    if (ack_writing_ || replica_.applied() <= acked_ || !s->is_open()) return;
    ack_writing_ = true;
    auto wire = std::make_shared<std::string>();
    acked_ = replica_.applied();
    encode(ack{acked_}, *wire);
    asio::async_write(*s, asio::buffer(*wire), [this, s, wire](const boost::system::error_code& ec, std::size_t) {
        ack_writing_ = false;
        if (!ec) send_ack(s);
    });
}

asio::awaitable<void> receiver::session(tcp::socket& raw) {
    auto s = socket_;
    acked_ = replica_.applied();
    std::string wire;
    encode(hello{cfg_.node, replica_.applied(), cfg_.token}, wire);
    if (auto [ec, n] = co_await asio::async_write(*s, asio::buffer(wire), use_tuple); ec) co_return;
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
        auto [ec, n] = co_await s->async_read_some(asio::buffer(buf), use_tuple);
        if (ec) break;
        stats_.bytes += n;
        reader.feed({buf.data(), n});
        boost::system::error_code fec;
        while (auto f = reader.next(fec)) {
            if (auto* c = std::get_if<change>(&*f)) {
                ++applying_;
                ++stats_.changes;
                replica_.on_change(std::move(*c), executor_, [this, s](const boost::system::error_code& e, std::uint64_t) {
                    --applying_;
                    if (e) {
                        // A gap or a failed commit: resume from what is committed.
                        log::warn("replication", "apply_failed").kv("error", e.message()).kv("applied", replica_.applied());
                        boost::system::error_code ignored;
                        s->close(ignored);
                        return;
                    }
                    send_ack(s);
                });
            } else if (auto* sc = std::get_if<snapshot_chunk>(&*f)) {
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
                    broken = true;
                    break;
                }
                const auto aec = replica_.adopt(cfg_.snapshot_file, executor_);
                if (aec) {
                    log::warn("replication", "snapshot_not_adopted").kv("error", aec.message());
                    broken = true;
                    break;
                }
                ++stats_.snapshots;
                acked_ = replica_.applied();
                log::info("replication", "snapshot_adopted").kv("bytes", snapshot_bytes).kv("applied", replica_.applied());
                wire.clear();
                encode(hello{cfg_.node, replica_.applied(), cfg_.token}, wire);
                if (auto [wec, wn] = co_await asio::async_write(*s, asio::buffer(wire), use_tuple); wec) broken = true;
                break; // what the reader still holds came before the hello was answered
            } else {
                fec = make_error_code(frame_error::bad_kind);
                break;
            }
        }
        if (fec) {
            log::warn("replication", "bad_frame_from_sender").kv("error", fec.message());
            break;
        }
    }
    (void)raw;
}

} // namespace twinsms::replication
