// The peer's run of our store merged into our running store (peer_work_merge.hpp).
#include "pair/peer_work_merge.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "replication/live_merge.hpp"
#include "replication/reclaim.hpp"
#include "util/log.hpp"

namespace twinsms::pair {
namespace asio = boost::asio;

namespace {
// After a merge (or a failed one) the peer's flag is ignored this long: it
// clears once the peer heard our confirmation, a report or two later.
constexpr std::chrono::seconds quiet_after_merge{10}, quiet_after_failure{5};
// Receipts that match nothing are asked again while the merge runs, and
// this long after it started at most (a merge that hangs must not keep
// every unknown receipt waiting).
constexpr std::chrono::minutes receipts_held_for{5};
} // namespace

peer_work_merge::peer_work_merge(asio::any_io_executor ex, engine::message_engine& own, store::store_options own_store,
                                 config::replication_settings s, std::string node_id, std::vector<std::string> accounts)
    : executor_{ex}, engine_{own}, own_{std::move(own_store)}, settings_{std::move(s)}, node_{std::move(node_id)},
      accounts_{std::move(accounts)} {}

peer_work_merge::~peer_work_merge() { worker_.join(); }

void peer_work_merge::on_peer_holds_our_store() {
    if (status_.running || stopping_ || std::chrono::steady_clock::now() < quiet_until_) return;
    status_.running = true;
    asio::co_spawn(executor_, run(), asio::detached);
}

asio::awaitable<void> peer_work_merge::run() {
    const std::weak_ptr<int> alive = alive_;
    const auto started = std::chrono::steady_clock::now();
    const auto now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
    engine_.dispatch().expect_receipts_until(now_ms() + std::chrono::milliseconds(receipts_held_for).count());
    log::warn("replication", "peer_work_merge_started").kv("node", node_)
        .kv("why", "the peer holds our store (it took us over while we ran): merging what it did for us");
    const auto file = std::filesystem::path{own_.path.string() + ".merge-in"};
    const auto work = std::filesystem::path{own_.path.string() + ".merge-copy"};
    replication::reclaim_options o;
    auto fetched = co_await asio::co_spawn(worker_, [&]() -> asio::awaitable<replication::fetched_copy> {
        co_return replication::fetch_own_store(settings_, node_, o, file);
    }, asio::use_awaitable);
    store::merge_plan plan;
    std::string why;
    if (!fetched.reached || !fetched.complete) {
        why = fetched.reached && !fetched.held ? "" : (fetched.why.empty() ? "no copy" : fetched.why);
    } else {
        why = co_await asio::co_spawn(worker_, [&]() -> asio::awaitable<std::string> {
            co_return replication::plan_live_merge(engine_.store(), own_, file, work, accounts_, plan);
        }, asio::use_awaitable);
    }
    if (alive.expired()) co_return;
    auto end = [&](bool ok) {
        engine_.dispatch().expect_receipts_until(0);
        status_.running = false;
        quiet_until_ = std::chrono::steady_clock::now() + (ok ? quiet_after_merge : quiet_after_failure);
    };
    if (fetched.reached && !fetched.held) {
        // Gave it back meanwhile (or it was our restart's catch-up that it held).
        log::info("replication", "peer_work_not_held").kv("node", node_);
        end(true);
        co_return;
    }
    if (!why.empty()) {
        ++status_.failures;
        log::error("replication", "peer_work_merge_failed").kv("node", node_).kv("why", why)
            .kv("then", "asked again; what the peer sent for us may be sent again");
        end(false);
        co_return;
    }
    const auto scanned = plan.scanned;
    const auto planned = plan.messages.size();
    // The writes run on the engine's executor, in commit order with its own.
    auto result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(engine::message_engine::merged)>(
        [this, &plan](auto handler) {
            // std::function wants a copyable target; the handler is move-only.
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            engine_.merge_peer_work(std::move(plan), [h](engine::message_engine::merged m) { std::move (*h)(m); });
        },
        asio::use_awaitable);
    if (alive.expired()) co_return;
    // Only now may the peer turn its copy back into a replica.
    co_await asio::co_spawn(worker_, [&]() -> asio::awaitable<void> {
        replication::confirm_reclaimed(settings_, node_, o.connect_timeout);
        co_return;
    }, asio::use_awaitable);
    if (alive.expired()) co_return;
    ++status_.merges;
    status_.messages = result.adopted.messages;
    status_.mappings = result.adopted.mappings;
    status_.deliveries = result.deliveries;
    status_.busy = result.adopted.busy;
    log::warn("replication", "peer_work_merged").kv("node", node_).kv("bytes", fetched.bytes).kv("scanned", scanned)
        .kv("planned", planned).kv("messages", result.adopted.messages).kv("mappings", result.adopted.mappings)
        .kv("deliveries", result.deliveries).kv("own_attempt_under_way", result.adopted.busy)
        .kv("went_as_far_here", result.adopted.behind).kv("failed", result.adopted.failed + result.delivery_failures)
        .kv("ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    end(true);
}

} // namespace twinsms::pair
