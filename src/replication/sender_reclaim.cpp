// Failback catch-up on the sender's listener (sender.hpp, reclaim.hpp): a
// returning peer asks for its own store back before it opens it.
#include "replication/sender.hpp"
#include "util/log.hpp"
#include "util/secret_equal.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;

asio::awaitable<void> sender::serve_reclaim(std::shared_ptr<tls::transport> s, reclaim r) {
    if (!secret_equal(r.token, cfg_.token)) {
        ++stats_.refused;
        log::warn("replication", "reclaim_refused").kv("node", r.node).kv("why", "bad token");
        co_return;
    }
    if (r.adopted) {
        log::info("replication", "reclaim_adopted").kv("node", r.node);
        reclaim_pending_ = false;
        if (reclaim_.adopted) reclaim_.adopted(r.node);
        co_return; // closing tells the peer we have it
    }
    std::optional<std::filesystem::path> file;
    if (reclaim_.prepare) file = co_await reclaim_.prepare(r.node);
    std::string wire;
    encode(reclaim_answer{file.has_value()}, wire);
    if (auto [ec, n] = co_await s->write(asio::buffer(wire)); ec || !file) co_return;
    // From here the peer may adopt it: until it says so (or its receiver
    // says hello, meaning it runs on some store), keep the hand-back open.
    reclaim_pending_ = true;
    const auto size = co_await send_file(*s, *file);
    std::error_code rm;
    std::filesystem::remove(*file, rm);
    log::info("replication", size ? "reclaim_sent" : "reclaim_send_failed").kv("node", r.node).kv("bytes", size.value_or(0));
}

} // namespace twinsms::replication
