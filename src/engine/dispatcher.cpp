#include "engine/dispatcher.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/message_pdu.hpp"
#include "util/log.hpp"

namespace twinsms::engine {
namespace {
constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
} // namespace

dispatcher::dispatcher(boost::asio::any_io_executor ex, store::message_store& st, carrier_pool& carriers,
                       std::shared_ptr<route::route_table> routes, dispatcher_config cfg, clock_fn now,
                       delivery_fn on_delivery)
    : executor_{ex}, store_{st}, carriers_{carriers}, routes_{std::move(routes)}, cfg_{cfg}, now_{std::move(now)},
      on_delivery_{std::move(on_delivery)}, signal_{ex} {}

void dispatcher::start() {
    // Attempts that were handed to a carrier when the node died: the carrier
    // may have the message. They are still queued and go out again
    // (at-least-once); count them so the operator sees possible duplicates.
    const auto stranded = store_.in_flight(cfg_.max_in_memory * 10);
    stats_.recovered_in_flight = stranded.size();
    if (!stranded.empty()) {
        log::warn("dispatcher", "recovered_in_flight").kv("count", stranded.size())
            .kv("note", "resent; the carrier may see them twice");
    }
    // Counted once: the marks go (with those whose attempts all ended), and
    // each resend sets a fresh one.
    if (auto b = store_.clear_in_flight_marks(std::numeric_limits<std::size_t>::max()); !b.empty()) {
        store_.write(std::move(b), executor_, [this](const store::error_code& ec) {
            if (!ec) return;
            // The marks stay: a restart counts (and resends) these again.
            ++stats_.store_failures;
            log::warn("dispatcher", "in_flight_not_cleared").kv("error", ec.message());
        });
    }
    spilled_ = true; // whatever the store has queued
    boost::asio::co_spawn(executor_, run(), boost::asio::detached);
}

void dispatcher::stop() {
    stopping_ = true;
    signal_.cancel();
}

std::size_t dispatcher::busy() const noexcept {
    std::size_t n = submitting_.size();
    for (const auto& [id, t] : tracked_) n += t.busy;
    return n;
}

void dispatcher::links_changed() {
    // Parked messages go first, in their order, before anything newer.
    ready_.insert(ready_.begin(), parked_.begin(), parked_.end());
    parked_.clear();
    wake();
}

void dispatcher::wake() {
    woken_ = true;
    signal_.cancel();
}

void dispatcher::enqueue(store::message m) {
    const auto id = m.id.value;
    if (tracked_.size() >= cfg_.max_in_memory || m.next_attempt > now_()) {
        // Safe in the store; read back when there is room or when it is due.
        if (!spilled_) ++stats_.spills;
        spilled_ = true;
        return;
    }
    tracked_.emplace(id, tracked{std::move(m), {}, false});
    ready_.push_back(id);
    wake();
}

boost::asio::awaitable<void> dispatcher::run() {
    auto next_scan = std::chrono::steady_clock::now();
    while (!stopping_) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_scan) {
            // Periodic: retries that came due, messages beyond the working
            // set, parked messages whose validity ran out.
            spilled_ = true;
            next_scan = now + cfg_.rescan_interval;
            for (auto id : std::exchange(parked_, {})) ready_.push_back(id);
        }
        woken_ = false;
        pump();
        if (woken_) continue;
        signal_.expires_at(next_scan);
        co_await signal_.async_wait(use_tuple);
    }
}

void dispatcher::pump() {
    if (spilled_ && tracked_.size() < cfg_.max_in_memory / 2) refill();
    while (!ready_.empty() && !stopping_) {
        if (!try_dispatch(ready_.front())) break; // the carrier it needs is full
        ready_.pop_front();
    }
    mark_and_send(); // what this round picked, under one in-flight mark
}

void dispatcher::refill() {
    const auto now = now_();
    const std::size_t room = cfg_.max_in_memory - tracked_.size();
    auto batch = store_.due(now, room, scan_pos_);
    for (auto& m : batch) {
        scan_pos_ = store::message_store::queue_pos{m.next_attempt, m.id};
        const auto id = m.id.value;
        if (tracked_.contains(id)) continue;
        tracked_.emplace(id, tracked{std::move(m), {}, false});
        ready_.push_back(id);
    }
    if (batch.size() < room) { // reached the end of what is due
        spilled_ = false;
        scan_pos_.reset();
    }
}

const route::compiled_rule* dispatcher::rule_of(const store::message& m) const {
    if (auto* r = routes_->find(m.route)) return r;
    // The rule is gone after a reload: route the message afresh.
    auto req = request_fields(m);
    if (!req) return nullptr;
    const auto& ar = routes_->addresses();
    if (ar.empty()) return routes_->match(req->as_request(m.account));
    const auto src = ar.from_client(m.account, req->source_addr, req->source_ton, req->source_npi);
    const auto dst = ar.from_client(m.account, req->destination_addr, req->dest_ton, req->dest_npi);
    return routes_->match({m.account, src.addr, dst.addr, req->service_type});
}

// Returns false to stop pumping (the chosen carrier has no room: keep order).
bool dispatcher::try_dispatch(std::uint64_t id) {
    auto it = tracked_.find(id);
    if (it == tracked_.end() || it->second.busy) return true; // cancelled or already under way
    auto& t = it->second;
    if (t.m.next_attempt > now_()) { // rescheduled (replace_sm): the store scan brings it back
        untrack(id);
        spilled_ = true;
        return true;
    }
    if (now_() >= deadline_of(t.m, cfg_.retry)) {
        finish(t, store::msg_state::expired, smpp::status::invexpiry, "validity period ran out");
        return true;
    }
    const auto* rule = rule_of(t.m);
    if (!rule) {
        finish(t, store::msg_state::rejected, smpp::status::invdstadr, "no route");
        return true;
    }
    if (const auto& q = routes_->quiet(); !q.empty())
        if (auto until = q.held_until(rule->name(), t.m.account, now_())) {
            hold(t, *until);
            return true;
        }
    bool any_left = false;
    // A carrier that may not take the number is skipped, as if not listed.
    std::optional<route::address> dst;
    if (routes_->addresses().restricts_destinations()) dst = routed_destination(t.m, routes_->addresses());
    auto pick = routes_->pick(*rule, [&](std::string_view c) {
        if (std::find(t.failed_on.begin(), t.failed_on.end(), c) != t.failed_on.end()) return false;
        if (dst && !routes_->addresses().carrier_takes(c, dst->addr)) return false;
        any_left = true;
        return carriers_.up(c);
    });
    if (!pick) {
        if (!any_left) {
            finish(t, store::msg_state::undeliverable, t.m.last_status,
                   t.refusal.empty() ? "refused by every carrier of its route"
                                     : "refused by every carrier of its route; " + t.refusal);
        } else {
            parked_.push_back(id); // no carrier link up: wait for one
        }
        return true;
    }
    if (auto h = handing_over_.find(*pick); !carriers_.has_room(*pick, h == handing_over_.end() ? 0 : h->second))
        return false;
    send(t, std::string{*pick});
    return true;
}

} // namespace twinsms::engine
