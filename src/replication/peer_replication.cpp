// Both directions of replication (peer_replication.hpp).
#include "replication/peer_replication.hpp"

#include "util/log.hpp"

namespace twinsms::replication {

peer_replication::peer_replication(boost::asio::any_io_executor ex, store::message_store& own,
                                   const store::store_options& store_opt, const config::replication_settings& s,
                                   std::string node_id, sender::clock_fn now) {
    auto replica_path = s.replica_path;
    if (replica_path.empty()) replica_path = store_opt.path.string() + ".replica";
    sender_config sc;
    sc.listen = *s.listen;
    sc.token = s.token;
    sc.max_buffer_bytes = s.buffer_mb << 20;
    // Beside the store (same filesystem), never inside its LMDB directory.
    sc.snapshot_file = store_opt.path.string() + ".snapshot-out";
    sender_ = std::make_unique<sender>(ex, own, sc, std::move(now));
    auto ro = store_opt;
    ro.path = replica_path;
    replica_ = std::make_unique<replica>(ro);
    receiver_config rc;
    rc.peer = *s.peer;
    rc.node = std::move(node_id);
    rc.token = s.token;
    rc.snapshot_file = replica_path.string() + ".snapshot-in";
    receiver_ = std::make_unique<receiver>(ex, *replica_, rc);
}

peer_replication::~peer_replication() = default;

void peer_replication::start() {
    sender_->start();
    receiver_->start();
}

boost::asio::awaitable<void> peer_replication::stop() {
    co_await receiver_->stop();
    co_await sender_->stop();
}

boost::asio::awaitable<store::message_store*> peer_replication::promote() {
    if (!promoted_) {
        promoted_ = true;
        co_await receiver_->stop();
        const auto applied = replica_->applied();
        auto& st = replica_->reopen();
        const auto s = st.get_stats();
        log::info("replication", "replica_promoted").kv("applied_seq", applied).kv("messages", s.messages)
            .kv("queued", s.queued).kv("deliveries", s.deliveries);
    }
    co_return &replica_->store();
}

} // namespace twinsms::replication
