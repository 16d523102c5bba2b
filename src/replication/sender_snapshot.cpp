// Snapshots on the sender (sender.hpp): a consistent copy of the store,
// sent as chunks to a receiver that lost its place in the stream (and, by
// sender_reclaim.cpp, the promoted replica to a returning peer).
#include <fstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "replication/sender.hpp"
#include "util/log.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;

asio::awaitable<bool> sender::send_snapshot(tls::transport& s) {
    const auto started = now_();
    auto path = cfg_.snapshot_file;
    // Arguments, not captures: a coroutine lambda's captures die with the
    // closure, its parameters live in the coroutine frame.
    auto copy = [](const store::message_store& st, std::filesystem::path p) -> asio::awaitable<store::error_code> {
        co_return st.copy_to(p);
    };
    auto ec = co_await asio::co_spawn(copier_, copy(store_, path), asio::use_awaitable);
    if (ec) {
        log::warn("replication", "snapshot_failed").kv("error", ec.message());
        co_return false;
    }
    const auto size = co_await send_file(s, path);
    std::error_code rm;
    std::filesystem::remove(path, rm);
    if (!size) co_return false;
    ++stats_.snapshots;
    log::info("replication", "snapshot_sent").kv("bytes", *size).kv("ms", now_() - started);
    co_return true;
}

asio::awaitable<std::optional<std::uint64_t>> sender::send_file(tls::transport& s, std::filesystem::path path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) co_return std::nullopt;
    std::string chunk(1u << 20, '\0'), wire;
    std::uint64_t size = 0;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        wire.clear();
        encode(snapshot_chunk{chunk.substr(0, got)}, wire);
        auto [wec, n] = co_await s.write(asio::buffer(wire));
        if (wec) co_return std::nullopt;
        size += got;
        stats_.bytes_sent += n;
    }
    wire.clear();
    encode(snapshot_end{size}, wire);
    auto [wec, n] = co_await s.write(asio::buffer(wire));
    if (wec) co_return std::nullopt;
    stats_.bytes_sent += n;
    co_return size;
}

} // namespace twinsms::replication
