// Handing attempts to carriers. Before an attempt goes out, the store must
// say it is in flight: after a crash the carrier may have it, and the
// resend is counted as a possible duplicate (at-least-once, never lost).
// One mark covers every attempt a dispatch round picked, so the store pays
// one operation per round for it rather than a put and an erase per
// message; the outcome stored for each attempt is what ends it
// (message_store::in_flight), and the last one erases the mark.
#include "engine/dispatcher.hpp"
#include "engine/message_pdu.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

void dispatcher::send(tracked& t, const std::string& carrier) {
    t.busy = true;
    ++stats_.dispatched;
    t.m.in_flight = true;
    t.m.attempts += 1;
    t.m.carrier = carrier;
    // Counted against the carrier's room until handed over, or one pump
    // would pick the whole ready queue for it.
    ++handing_over_[carrier];
    picked_.push_back({t.m.id.value, carrier});
}

void dispatcher::mark_and_send() {
    if (picked_.empty()) return;
    auto round = std::exchange(picked_, {});
    std::vector<store::in_flight_attempt> attempts;
    attempts.reserve(round.size());
    const auto n = ++last_mark_;
    for (const auto& p : round) {
        // Busy since send(), so still tracked; if not, hand_over drops it.
        if (auto it = tracked_.find(p.id); it != tracked_.end()) {
            it->second.mark = n;
            attempts.push_back({it->second.m.id, it->second.m.attempts});
        }
    }
    store::write_batch b;
    marks_.emplace(n, mark{b.mark_in_flight(attempts), attempts.size()});
    store_.write(std::move(b), executor_, [this, round = std::move(round)](const store::error_code& ec) {
        if (ec) {
            // Without the mark a crash would go uncounted, not unsent:
            // sending is still right.
            ++stats_.store_failures;
            log::warn("dispatcher", "in_flight_mark_failed").kv("attempts", round.size()).kv("error", ec.message());
        }
        for (const auto& p : round) hand_over(p.id, p.carrier);
    });
}

void dispatcher::hand_over(std::uint64_t id, const std::string& carrier) {
    if (auto h = handing_over_.find(carrier); h != handing_over_.end() && --h->second == 0) handing_over_.erase(h);
    auto it = tracked_.find(id);
    if (it == tracked_.end()) return;
    auto req = carrier_request(it->second.m, &routes_->addresses(), carrier);
    if (!req.refusal.empty()) return refused_text(it->second, carrier, req.refusal);
    if (req.pdus.size() > 1) return hand_over_parts(it->second, carrier, std::move(req.pdus));
    const auto& m = it->second.m;
    const auto waited = now_() - std::max(m.accepted_at, m.not_before);
    const bool first = m.attempts == 1;
    const bool taken = !req.pdus.empty() &&
                       carriers_.submit(carrier, std::move(req.pdus.front()), [this, id, carrier](const smpp::submit_outcome& o) {
                           if (auto a = awaiting_response_.find(carrier); a != awaiting_response_.end() && --a->second == 0)
                               awaiting_response_.erase(a);
                           on_outcome(id, carrier, o);
                       });
    if (taken) ++awaiting_response_[carrier];
    if (taken && first) stats_.commit_to_submit.observe_ms(waited);
    if (!taken) not_taken(it->second);
}

void dispatcher::not_taken(tracked& t) {
    attempt_done(t);
    t.busy = false; // the link went away meanwhile
    ready_.push_front(t.m.id.value);
    wake();
}

void dispatcher::attempt_done(tracked& t) {
    if (!t.mark) return;
    const auto m = marks_.find(std::exchange(t.mark, 0));
    if (m == marks_.end() || --m->second.open > 0) return;
    store::write_batch b;
    b.clear_in_flight(std::move(m->second.key));
    marks_.erase(m);
    store_.write(std::move(b), executor_, [this](const store::error_code& ec) {
        if (!ec) return;
        // Harmless: the next start finds the attempts ended and clears it.
        ++stats_.store_failures;
        log::warn("dispatcher", "in_flight_mark_not_cleared").kv("error", ec.message());
    });
}

} // namespace twinsms::engine
