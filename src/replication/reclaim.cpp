// Failback catch-up, the returning node's side (reclaim.hpp): the request
// to the peer's replication sender and the transfer of the copy.
#include "replication/reclaim.hpp"

#include <fstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "replication/change_frame.hpp"
#include "replication/channel.hpp"
#include "util/log.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct attempt {
    bool reached = false;   // the peer answered the request
    bool held = false;      // ...that it holds our store
    bool complete = false;  // the copy arrived whole (then `file` is it)
    std::uint64_t bytes = 0;
    std::string why;        // when it did not
};

// One request: the answer, then the copy when the peer holds our store.
// Parameters, not captures: they live in the coroutine frame.
// The connection to the peer's sender, TLS when `tls` (nullptr and `why`
// when it failed). `live` is what a deadline closes: the socket of the
// connect, then of the handshake, then of the stream.
asio::awaitable<std::unique_ptr<tls::transport>> open(tcp::endpoint peer, const std::optional<tls::client_settings>& tls,
                                                      tcp::socket*& live, std::string& why) {
    tcp::socket s{co_await asio::this_coro::executor};
    live = &s;
    auto [ec] = co_await s.async_connect(peer, use_tuple);
    live = nullptr;
    if (ec) {
        why = "connect: " + ec.message();
        co_return nullptr;
    }
    auto sec = co_await secure_connect(std::move(s), tls, &live);
    if (!sec.stream) {
        why = sec.error;
        log::warn("replication", sec.setup ? "tls_setup_failed" : "tls_handshake_failed")
            .kv("peer", peer.address().to_string()).kv("port", peer.port()).kv("for", "reclaim").kv("error", sec.error);
        co_return nullptr;
    }
    live = &sec.stream->socket();
    co_return std::move(sec.stream);
}

void close_live(tcp::socket* live) {
    boost::system::error_code ignored;
    if (live) live->close(ignored);
}

asio::awaitable<void> ask(tcp::endpoint peer, std::optional<tls::client_settings> tls, std::string node,
                          std::string token, std::filesystem::path file, std::chrono::milliseconds connect_timeout,
                          std::chrono::milliseconds transfer_timeout, attempt* out) {
    auto ex = co_await asio::this_coro::executor;
    tcp::socket* live = nullptr;
    asio::steady_timer deadline{ex};
    deadline.expires_after(connect_timeout);
    deadline.async_wait([&live](const boost::system::error_code& ec) {
        if (!ec) close_live(live);
    });
    auto s = co_await open(peer, tls, live, out->why);
    if (!s) co_return;
    deadline.expires_after(transfer_timeout); // cancels the connect deadline's wait (it sees operation_aborted)
    deadline.async_wait([&live](const boost::system::error_code& ec) {
        if (!ec) close_live(live);
    });
    std::string wire;
    encode(reclaim{node, token}, wire);
    if (auto [ec, n] = co_await s->write(asio::buffer(wire)); ec) {
        out->why = "write: " + ec.message();
        co_return;
    }
    frame_reader reader;
    std::ofstream copy;
    std::vector<char> buf(256 * 1024);
    for (;;) {
        boost::system::error_code fec;
        while (auto f = reader.next(fec)) {
            if (const auto* a = std::get_if<reclaim_answer>(&*f)) {
                out->reached = true;
                out->held = a->held;
                if (!a->held) co_return;
                copy.open(file, std::ios::binary | std::ios::trunc);
            } else if (const auto* c = std::get_if<snapshot_chunk>(&*f); c && copy.is_open()) {
                copy.write(c->bytes.data(), static_cast<std::streamsize>(c->bytes.size()));
                out->bytes += c->bytes.size();
            } else if (const auto* e = std::get_if<snapshot_end>(&*f); e && copy.is_open()) {
                copy.close();
                if (!copy || e->size != out->bytes) {
                    out->why = "copy incomplete: " + std::to_string(out->bytes) + " of " + std::to_string(e->size) + " bytes";
                    co_return;
                }
                out->complete = true;
                co_return;
            } else {
                fec = make_error_code(frame_error::bad_kind);
                break;
            }
        }
        if (fec) {
            out->why = "bad frame: " + fec.message();
            co_return;
        }
        auto [ec, n] = co_await s->read_some(asio::buffer(buf));
        if (ec) {
            out->why = out->reached ? "transfer cut: " + ec.message() : "no answer: " + ec.message();
            co_return;
        }
        reader.feed({buf.data(), n});
    }
}

// Tells the peer the copy is our store now: it may take its replica back
// to being a replica. Best effort: a peer that misses it takes its replica
// back when our receiver says hello (a normal stream: we are running).
asio::awaitable<void> confirm(tcp::endpoint peer, std::optional<tls::client_settings> tls, std::string node,
                             std::string token) {
    tcp::socket* live = nullptr;
    std::string why;
    auto s = co_await open(peer, tls, live, why);
    if (!s) co_return;
    std::string wire;
    encode(reclaim{node, token, true}, wire);
    co_await s->write(asio::buffer(wire));
    std::array<char, 64> buf;
    co_await s->read_some(asio::buffer(buf)); // the peer closes once it has it
}

std::optional<tls::client_settings> client_tls(const config::replication_settings& s) {
    if (!s.tls) return std::nullopt;
    return s.tls->client;
}

} // namespace

fetched_copy fetch_own_store(const config::replication_settings& s, const std::string& node_id,
                             const reclaim_options& o, const std::filesystem::path& file) {
    fetched_copy out;
    if (!s.peer) return out;
    for (int i = 0; i < std::max(1, o.attempts); ++i) {
        attempt a;
        {
            asio::io_context io{1};
            asio::co_spawn(io, ask(*s.peer, client_tls(s), node_id, s.token, file, o.connect_timeout, o.transfer_timeout, &a),
                           asio::detached);
            io.run_for(o.connect_timeout + o.transfer_timeout + std::chrono::seconds(1));
        }
        out.reached = a.reached;
        out.held = a.held;
        out.complete = a.complete;
        out.bytes = a.bytes;
        out.why = a.why;
        // Not there, or there without our store: asking again changes nothing.
        if (!a.reached || !a.held || a.complete) return out;
        log::warn("replication", "reclaim_transfer_failed").kv("node", node_id).kv("attempt", i + 1).kv("why", a.why);
    }
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    return out;
}

void confirm_reclaimed(const config::replication_settings& s, const std::string& node_id,
                       std::chrono::milliseconds timeout) {
    if (!s.peer) return;
    asio::io_context io{1};
    asio::co_spawn(io, confirm(*s.peer, client_tls(s), node_id, s.token), asio::detached);
    io.run_for(timeout);
}

reclaim_result reclaim_own_store(const store::store_options& own, const config::replication_settings& s,
                                 const std::string& node_id, const reclaim_options& o) {
    reclaim_result r;
    if (!s.peer) return r;
    const auto file = std::filesystem::path{own.path.string() + ".reclaim-in"};
    const auto f = fetch_own_store(s, node_id, o, file);
    if (!f.reached) {
        // Not there (or not answering): nobody serves our store but us.
        r.detail = f.why;
        log::info("replication", "reclaim_peer_not_reached").kv("node", node_id).kv("why", f.why);
        return r;
    }
    if (!f.held) {
        r.detail = "the peer does not hold our store";
        log::info("replication", "reclaim_not_held").kv("node", node_id);
        return r;
    }
    if (!f.complete) {
        r.what = reclaim_result::outcome::failed;
        r.detail = f.why;
        log::error("replication", "reclaim_gave_up").kv("node", node_id).kv("why", r.detail)
            .kv("note", "starting with our own store: what the peer sent for us meanwhile may be sent again");
        return r;
    }
    r.bytes = f.bytes;
    if (auto why = adopt_reclaimed(own, file, o, r); !why.empty()) {
        r.what = reclaim_result::outcome::failed;
        r.detail = why;
        log::error("replication", "reclaim_not_adopted").kv("node", node_id).kv("why", why);
        return r;
    }
    r.what = reclaim_result::outcome::adopted;
    r.detail = "adopted the peer's copy of our store";
    log::warn("replication", "reclaimed_store").kv("node", node_id).kv("bytes", r.bytes)
        .kv("merged_messages", r.merged_messages).kv("merged_deliveries", r.merged_deliveries);
    confirm_reclaimed(s, node_id, o.connect_timeout);
    return r;
}

} // namespace twinsms::replication
