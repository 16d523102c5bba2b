// The dispatcher's bookkeeping after an attempt: the carrier's verdict
// (submitted, retry, next carrier), final states with the receipts clients
// asked for, and the writes that release a message from the working set.
#include <algorithm>

#include "engine/dispatcher.hpp"

#include <cctz/time_zone.h>

#include "engine/message_pdu.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::engine {
namespace {

std::string part_list(const std::vector<std::string>* parts) {
    if (!parts) return {};
    std::string s = " (parts:";
    for (const auto& p : *parts) s += ' ' + p;
    return s + ')';
}

} // namespace

void dispatcher::on_outcome(std::uint64_t id, const std::string& carrier, const smpp::submit_outcome& out,
                            const std::vector<std::string>* parts) {
    auto it = tracked_.find(id);
    if (it == tracked_.end()) return;
    auto& t = it->second;
    wake(); // the link has room again
    switch (judge(static_cast<bool>(out.ec), out.status)) {
    case verdict::accepted: {
        ++stats_.submitted;
        store::message next = t.m;
        next.state = store::msg_state::submitted;
        next.in_flight = false;
        next.last_status = 0;
        next.carrier_message_id = out.message_id;
        const auto now = now_();
        // The parts' ids are listed in the history too: a receipt for a
        // later part is known as ours by them (receipts.cpp sent_as_part).
        store::add_event(next, {now, next.state, 0, carrier + " " + out.message_id + part_list(parts)});
        store::write_batch b;
        b.put_message(next, &t.m);
        // Carriers may print a receipt's id in another base or case than the
        // submit_sm_resp's (SMPP 3.4 Appendix B leaves it open). The id is
        // mapped as given (and without leading zeros); a receipt looks under
        // each of its own readings (on_receipt), so the other base costs no
        // write here. The form without zeros is a guess that may collide
        // with an id the carrier really gives: it never displaces a mapping
        // already there, while the id as given always does.
        const auto expires = now + cfg_.receipt_map_ttl.count();
        std::vector<std::string> keys;
        const auto map_id = [&](const std::string& carrier_id) {
            const auto forms = route::message_id_keys(carrier_id);
            for (std::size_t i = 0; i < forms.size(); ++i) {
                const auto& f = forms[i];
                if (f.empty()) continue;
                auto key = carrier + '\0' + f;
                if (i > 0 && (submitting_.contains(key) || store_.find_receipt(carrier, f, now))) continue;
                b.put_receipt_map(carrier, f, next.id, expires);
                submitting_[key] = id;
                keys.push_back(std::move(key));
            }
        };
        if (parts) std::for_each(parts->begin(), parts->end(), map_id);
        else map_id(out.message_id);
        write_and_release(t, std::move(next), std::move(b), [this, id, keys = std::move(keys)](const store::error_code&) {
            // Only our own entries: a later message may have taken a key since.
            for (const auto& k : keys)
                if (auto it = submitting_.find(k); it != submitting_.end() && it->second == id) submitting_.erase(it);
        });
        return;
    }
    case verdict::retry:
        log::info("dispatcher", "retry").kv("id", t.m.id.to_string()).kv("carrier", carrier)
            .kv("status", out.ec ? out.ec.message() : smpp::status_name(out.status));
        retry_later(t, out.ec ? smpp::status::syserr : out.status);
        return;
    case verdict::next_carrier:
    case verdict::failed:
        ++stats_.failovers;
        log::info("dispatcher", "carrier_refused").kv("id", t.m.id.to_string()).kv("carrier", carrier)
            .kv("status", smpp::status_name(out.status));
        t.failed_on.push_back(carrier);
        t.m.last_status = out.status;
        attempt_done(t); // refused: the carrier does not have it
        t.busy = false;
        ready_.push_front(id); // the next carrier of its route, at once
        return;
    }
}

void dispatcher::retry_later(tracked& t, std::uint32_t status) {
    const auto now = now_();
    const auto delay = retry_delay(cfg_.retry, t.m.attempts).count();
    if (t.m.attempts >= cfg_.retry.max_attempts) {
        finish(t, store::msg_state::undeliverable, status, "too many attempts");
        return;
    }
    if (now + delay >= deadline_of(t.m, cfg_.retry)) {
        finish(t, store::msg_state::expired, status, "validity period ends before the next attempt");
        return;
    }
    ++stats_.retries;
    store::message next = t.m;
    next.state = store::msg_state::retry_pending;
    next.in_flight = false;
    next.last_status = status;
    next.next_attempt = now + delay;
    store::add_event(next, {now, next.state, status, next.carrier});
    store::write_batch b;
    b.put_message(next, &t.m);
    // Out of memory until due: the periodic store scan brings it back.
    write_and_release(t, std::move(next), std::move(b));
}

// Not an attempt: the message goes back to the queue, due when the window
// ends, with its attempts and state as they were. Its validity is the limit
// as for a retry: one that runs out inside the window expires now, with the
// failure receipt the client asked for, rather than at the window's end.
void dispatcher::hold(tracked& t, std::int64_t until) {
    const auto now = now_();
    if (until >= deadline_of(t.m, cfg_.retry)) {
        finish(t, store::msg_state::expired, smpp::status::invexpiry, "validity period ends in quiet hours");
        return;
    }
    ++stats_.held;
    log::debug("dispatcher", "held").kv("id", t.m.id.to_string()).kv("until_ms", until);
    store::message next = t.m;
    next.next_attempt = until;
    const auto utc = cctz::utc_time_zone();
    const auto at = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::time_point{std::chrono::milliseconds{until}});
    store::add_event(next, {now, next.state, 0, "quiet hours: held until " + cctz::format("%Y-%m-%dT%H:%M:%SZ", at, utc)});
    store::write_batch b;
    b.put_message(next, &t.m);
    write_and_release(t, std::move(next), std::move(b));
}

void dispatcher::finish(tracked& t, store::msg_state s, std::uint32_t status, std::string detail,
                        std::function<void(const store::error_code&)> committed) {
    const auto now = now_();
    ++stats_.finished;
    if (s == store::msg_state::expired) ++stats_.expired;
    if (s == store::msg_state::undeliverable || s == store::msg_state::rejected) ++stats_.undeliverable;
    store::message next = t.m;
    next.state = s;
    next.in_flight = false;
    next.last_status = status;
    next.done_at = now;
    store::add_event(next, {now, s, status, std::move(detail)});
    store::write_batch b;
    // A message no carrier took is paid back where the account says so, in
    // the commit that ends it, at its route's price now (a reload between
    // may have changed it). One a carrier took is paid for, receipt or not.
    const auto* cr = credits_ ? routes_->credit_of(next.account) : nullptr;
    if (cr && cr->refund_failures && next.carrier_message_id.empty() && s != store::msg_state::delivered) {
        const auto amount = cr->price_of(next.route) * static_cast<std::int64_t>(parts_of(next));
        credits_->give(next.account, amount, b);
        ++stats_.refunds;
        store::add_event(next, {now, s, 0, "credit refunded: " + std::to_string(amount) + " millionths"});
    }
    b.put_message(next, &t.m);
    std::optional<store::delivery> d;
    if (wants_receipt(next)) {
        d = client_receipt(next, store_.next_delivery_id(), now, 0, cfg_.client_delivery_ttl);
        if (d) b.put_delivery(*d);
    }
    write_and_release(t, std::move(next), std::move(b), [this, d = std::move(d), committed = std::move(committed)](const store::error_code& ec) mutable {
        if (!ec && d && on_delivery_) on_delivery_(std::move(*d));
        if (committed) committed(ec);
    });
}

void dispatcher::write_and_release(tracked& t, store::message next, store::write_batch b,
                                   std::function<void(const store::error_code&)> after) {
    t.busy = true;
    t.m = std::move(next);
    write_outcome(t.m.id.value, std::move(b), std::move(after), 0);
}

// The write that records what a carrier (or the retry policy) decided. If it
// fails (a full disk, an I/O error), the message must not go back to the
// queue from its older stored image: the carrier already has it, and every
// resend would be another copy at the handset (one failing disk once sent a
// message 258 times). So it stays in memory, busy, and only the write is
// tried again, with backoff, until it commits. A stop in between leaves the
// older image, resent once after the restart as after a crash (counted).
void dispatcher::write_outcome(std::uint64_t id, store::write_batch b, std::function<void(const store::error_code&)> after,
                               unsigned failures) {
    auto again = b; // kept for a retry; the store takes its own
    store_.write(std::move(b), executor_, [this, id, again = std::move(again), after = std::move(after),
                                           failures](const store::error_code& ec) mutable {
        if (ec && !stopping_) {
            ++stats_.store_failures;
            if (failures == 0 || failures % 50 == 0)
                log::error("dispatcher", "store_write_failed").kv("id", store::message_id{id}.to_string())
                    .kv("error", ec.message()).kv("failures", failures + 1).kv("then", "write_again");
            const auto delay = std::chrono::milliseconds{std::min(5000u, 100u << std::min(failures, 6u))};
            auto timer = std::make_shared<boost::asio::steady_timer>(executor_, delay);
            timer->async_wait([this, alive = std::weak_ptr<int>{alive_}, timer, id, again = std::move(again),
                               after = std::move(after), failures](const boost::system::error_code&) mutable {
                if (alive.expired()) return; // the dispatcher is gone (the node stopped)
                write_outcome(id, std::move(again), std::move(after), failures + 1);
            });
            return;
        }
        if (ec) {
            // Stopping: the stored image is the older one, still queued; the
            // message is sent again from it after the restart, never lost.
            log::error("dispatcher", "store_write_failed").kv("id", store::message_id{id}.to_string())
                .kv("error", ec.message()).kv("then", "stopping");
            spilled_ = true;
        } else if (failures > 0) {
            log::info("dispatcher", "store_write_recovered").kv("id", store::message_id{id}.to_string()).kv("failures", failures);
        }
        if (!ec)
            if (auto it = tracked_.find(id); it != tracked_.end()) attempt_done(it->second); // its outcome is stored
        if (after) after(ec);
        untrack(id);
    });
}

void dispatcher::untrack(std::uint64_t id) {
    tracked_.erase(id);
    wake();
}

} // namespace twinsms::engine
