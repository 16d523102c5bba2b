#include "engine/deliveries.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/log.hpp"

namespace twinsms::engine {

delivery_manager::delivery_manager(boost::asio::any_io_executor ex, store::message_store& st, receivers_fn receivers,
                                   deliveries_config cfg, clock_fn now)
    : executor_{ex}, store_{st}, receivers_{std::move(receivers)}, cfg_{cfg}, now_{std::move(now)}, timer_{ex} {}

void delivery_manager::start() {
    boost::asio::co_spawn(executor_, run(), boost::asio::detached);
}

void delivery_manager::stop() {
    stopping_ = true;
    timer_.cancel();
    flush_erases(); // before the node flushes the store
}

std::size_t delivery_manager::pending() const noexcept {
    std::size_t n = 0;
    for (const auto& [a, q] : queues_) n += q.ready.size();
    return n;
}

std::size_t delivery_manager::in_flight() const noexcept {
    std::size_t n = 0;
    for (const auto& [a, q] : queues_) n += q.known.size() - std::min(q.known.size(), q.ready.size());
    return n;
}

delivery_manager::account_counters delivery_manager::account(std::string_view account) const {
    auto it = queues_.find(account);
    if (it == queues_.end()) return {};
    const auto& q = it->second;
    // `known` holds what is ready and what is in flight.
    return {q.ready.size(), q.known.size() - std::min(q.known.size(), q.ready.size()), q.receipts_acked, q.mo};
}

boost::asio::awaitable<void> delivery_manager::run() {
    while (!stopping_) {
        timer_.expires_after(cfg_.tick);
        co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (stopping_) break;
        // Retries after client errors, expiry, and anything a pump missed.
        for (auto& [account, q] : queues_) pump(account, q);
    }
}

void delivery_manager::added(store::delivery d) {
    auto& q = queues_[d.account];
    if (q.known.contains(d.id.value)) return;
    if (q.ready.size() >= cfg_.max_in_memory_per_account) {
        q.spilled = true; // stays in the store; loaded when the queue drains
        return;
    }
    const auto account = d.account;
    if (!take(account, q, d)) return;
    q.ready.push_back(std::move(d));
    pump(account, q);
}

bool delivery_manager::holds_receipt(std::string_view account, std::uint64_t message) const {
    if (message == 0) return false; // MO
    if (auto it = queues_.find(account); it != queues_.end() && it->second.receipts.contains(message)) return true;
    return recent_.contains(message);
}

bool delivery_manager::take(const std::string& account, queue& q, const store::delivery& d) {
    if (d.message.value && holds_receipt(account, d.message.value)) {
        ++stats_.duplicates;
        log::info("deliveries", "duplicate_receipt").kv("account", account).kv("delivery", d.id.value)
            .kv("message", d.message.to_string());
        erase(d);
        return false;
    }
    q.known.insert(d.id.value);
    if (d.message.value) q.receipts.insert(d.message.value);
    return true;
}

void delivery_manager::forget(queue& q, const store::delivery& d) {
    q.known.erase(d.id.value);
    if (d.message.value) q.receipts.erase(d.message.value);
}

void delivery_manager::remember_delivered(const store::delivery& d) {
    if (!d.message.value) return;
    if (!recent_.insert(d.message.value).second) return;
    recent_order_.push_back(d.message.value);
    if (recent_order_.size() > recent_limit) {
        recent_.erase(recent_order_.front());
        recent_order_.pop_front();
    }
}

void delivery_manager::on_bound(const std::string& account) {
    auto& q = queues_[account];
    q.spilled = true;
    q.hold_until = 0;
    pump(account, q);
}

void delivery_manager::load(const std::string& account, queue& q) {
    const auto room = cfg_.max_in_memory_per_account - std::min(q.ready.size(), cfg_.max_in_memory_per_account);
    auto found = store_.deliveries_for(account, room + q.known.size());
    std::size_t added = 0;
    for (auto& d : found) {
        // Done with but not erased yet (the erase is not committed): not again.
        if (q.known.contains(d.id.value) || erasing_.contains(d.id.value)) continue;
        if (added == room) return; // more remain: stay spilled
        if (!take(account, q, d)) continue;
        q.ready.push_back(std::move(d));
        ++added;
    }
    q.spilled = false;
}

void delivery_manager::pump(const std::string& account, queue& q) {
    if (stopping_) return;
    const auto now = now_();
    if (now < q.hold_until) return;
    auto sink = sinks_ ? sinks_(account) : nullptr;
    auto receivers = receivers_(account);
    if (receivers.empty() && !sink) return;
    if (q.spilled && q.ready.size() < cfg_.max_in_memory_per_account / 2) load(account, q);
    std::size_t next = 0;
    while (!q.ready.empty()) {
        auto& d = q.ready.front();
        if (d.expires_at && now >= d.expires_at) {
            ++stats_.expired;
            log::warn("deliveries", "expired").kv("account", account).kv("delivery", d.id.value)
                .kv("message", d.message.to_string());
            drop(q, d);
            continue;
        }
        if (sink && sink->accepts(d)) {
            if (!sink->has_room()) return; // its answers pump again
            ++stats_.sent;
            sink->deliver(d, [this, account, d, sink = sink.get()](delivery_sink::result r, std::string why) mutable {
                on_result(account, std::move(d), r, why, sink);
            });
            q.ready.pop_front();
            continue;
        }
        // The least busy receiver with room in its window.
        std::shared_ptr<smpp::session> s;
        for (std::size_t i = 0; i < receivers.size(); ++i) {
            auto& c = receivers[(next + i) % receivers.size()];
            if (!c->window_full() && !c->closed()) {
                s = c;
                next = (next + i + 1) % receivers.size();
                break;
            }
        }
        if (!s) return; // windows full (or no bind for what the sink does not take): answers and binds pump again
        smpp::owned_pdu req{std::span<const std::uint8_t>{d.pdu}};
        if (req.failure()) {
            log::error("deliveries", "undecodable").kv("account", account).kv("delivery", d.id.value);
            ++stats_.undeliverable;
            drop(q, d);
            continue;
        }
        ++stats_.sent;
        s->send_request(*req, [this, account, d = std::move(d)](const smpp::error_code& ec, const smpp::pdu* resp) mutable {
            on_answer(account, std::move(d), ec, resp);
        });
        q.ready.pop_front();
    }
}

// `d` is q.ready.front().
void delivery_manager::drop(queue& q, const store::delivery& d) {
    forget(q, d);
    erase(d);
    q.ready.pop_front();
}

void delivery_manager::on_answer(const std::string& account, store::delivery d, const smpp::error_code& ec,
                                 const smpp::pdu* resp) {
    if (!ec && resp && resp->status == smpp::status::ok) return on_result(account, std::move(d), delivery_sink::result::delivered, {}, nullptr);
    on_result(account, std::move(d), delivery_sink::result::retry,
              ec ? ec.message() : std::string{smpp::status_name(resp ? resp->status : smpp::status::syserr)}, nullptr);
}

void delivery_manager::on_result(const std::string& account, store::delivery d, delivery_sink::result r,
                                 const std::string& why, const delivery_sink* sink) {
    auto& q = queues_[account];
    if (r != delivery_sink::result::retry) {
        if (r == delivery_sink::result::delivered) {
            ++stats_.acknowledged;
            ++(d.message.value ? q.receipts_acked : q.mo); // receipts name our message, MO none
            if (d.message.value) stats_.receipt_latency.observe_ms(now_() - d.created_at);
            q.failures = 0;
            remember_delivered(d);
        } else if (r == delivery_sink::result::handed_over) {
            // Not remembered as delivered: the client has not seen it, and
            // it may come back here (the client moves back before the
            // other node delivered it).
            ++stats_.handed_over;
            q.failures = 0;
            log::info("deliveries", "handed_to_peer").kv("account", account).kv("delivery", d.id.value)
                .kv("message", d.message.to_string());
        } else {
            ++stats_.undeliverable;
            log::warn("deliveries", "undeliverable").kv("account", account).kv("delivery", d.id.value)
                .kv("message", d.message.to_string()).kv("why", why);
        }
        forget(q, d);
        erase(d);
        pump(account, q);
        return;
    }
    // A client error or a lost bind: keep it, in order, and try again later.
    ++stats_.client_errors;
    ++q.failures;
    log::info("deliveries", "retry").kv("account", account).kv("delivery", d.id.value).kv("why", why)
        .kv("failures", q.failures);
    d.attempts += 1;
    // A sink may be gone after a reload; the fixed pause then.
    const auto current = sinks_ ? sinks_(account) : nullptr;
    const auto pause = sink && current.get() == sink ? sink->retry_delay(q.failures) : cfg_.retry_after;
    q.hold_until = std::max(q.hold_until, now_() + static_cast<store::epoch_ms>(pause.count()));
    q.ready.push_front(std::move(d));
}

void delivery_manager::erase(const store::delivery& d) {
    if (!erasing_.insert(d.id.value).second) return; // already on its way out
    erasing_batch_.push_back(d.id.value);
    erases_.erase_delivery(d);
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(executor_, [this] { flush_erases(); });
}

void delivery_manager::flush_erases() {
    flush_posted_ = false;
    if (erases_.empty()) return;
    store_.write(std::exchange(erases_, {}), executor_, [this, ids = std::exchange(erasing_batch_, {})](const store::error_code& ec) {
        if (ec) ++stats_.store_failures; // sent again after a restart: at-least-once
        for (auto id : ids) erasing_.erase(id);
    });
}

} // namespace twinsms::engine
