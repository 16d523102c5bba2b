#pragma once
// The owner's side of a failback without a restart (replication/live_merge.hpp):
// the peer says, in its peer_status, that it holds our store (it promoted
// our replica after declaring us dead, while we were stalled or fenced
// behind a partition, and ran an engine over it). We fetch its copy, read
// from it what went further there (sends with their carrier ids, finished
// messages, receipts and MO kept for our clients) and apply that through
// our running engine; then we tell the peer, which turns its copy back
// into a replica. While the merge runs, a receipt for one of the peer's
// sends that reaches us first is asked again later, not dropped.
//
// The fetch and the reading run on a private thread (the copy may be
// large); the writes on the node's executor, like every engine write.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/replication.hpp"
#include "engine/message_engine.hpp"

namespace twinsms::pair {

class peer_work_merge {
public:
    // `accounts`: whose waiting deliveries are compared (our clients, the
    // peer's account, the peer-forward account).
    peer_work_merge(boost::asio::any_io_executor ex, engine::message_engine& own, store::store_options own_store,
                    config::replication_settings s, std::string node_id, std::vector<std::string> accounts);
    ~peer_work_merge();

    // The peer's report said it holds our store: merge, unless a merge runs
    // or one just finished (the flag outlives it by a report or two).
    void on_peer_holds_our_store();
    void stop() { stopping_ = true; }

    struct status {
        bool running = false;
        std::uint64_t merges = 0, failures = 0;
        // The last merge: messages taken over, mappings added, deliveries
        // added, images left because our own attempt was under way.
        std::uint64_t messages = 0, mappings = 0, deliveries = 0, busy = 0;
    };
    const status& state() const noexcept { return status_; }

private:
    boost::asio::awaitable<void> run();

    boost::asio::any_io_executor executor_;
    engine::message_engine& engine_;
    store::store_options own_;
    config::replication_settings settings_;
    std::string node_;
    std::vector<std::string> accounts_;
    std::chrono::steady_clock::time_point quiet_until_{};
    bool stopping_ = false;
    status status_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    boost::asio::thread_pool worker_{1};
};

} // namespace twinsms::pair
