// Messages a carrier's charset key turns into something else than the one
// PDU the client sent (sms/carrier_charset.hpp, message_pdu.hpp
// carrier_request).
//
// A text the carrier cannot take (a character outside its alphabet and no
// UCS-2, more parts than it takes) is refused for that carrier only: the
// next carrier of the route may take it, and with none left the message
// fails with the reason in its history.
//
// A message that goes in several parts is still one stored message and one
// attempt: every part is handed over at once, and the attempt's outcome is
// the parts' together. All accepted: submitted, with each part's carrier id
// mapped to the message, so any part's receipt finds it; the first receipt
// makes it final and gives the client its one receipt, the later parts'
// receipts are acknowledged as repeats. None accepted: as for one PDU (the
// first refusal fails over, a temporary error retries). Some accepted: a
// part refused permanently fails the message (the others are out of reach
// now); a temporary error sends every part again later, so a handset may
// get the parts that went through twice, as after any resend.
#include "engine/dispatcher.hpp"
#include "engine/message_pdu.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

struct dispatcher::parts_attempt {
    std::size_t open = 0;          // parts without an outcome, plus one while handing over
    std::vector<std::string> ids;  // the carrier's id of each accepted part
    std::size_t accepted = 0;
    std::optional<smpp::submit_outcome> refused, temporary; // the first of each
    std::size_t refused_part = 0;  // 1-based
    bool link_lost = false;        // a part could not be handed to a link
};

void dispatcher::refused_text(tracked& t, const std::string& carrier, std::string reason) {
    ++stats_.charset_refused;
    log::info("dispatcher", "charset_refused").kv("id", t.m.id.to_string()).kv("carrier", carrier).kv("why", reason);
    t.refusal = carrier + ": " + std::move(reason);
    t.failed_on.push_back(carrier);
    t.m.last_status = smpp::status::x_p_appn;
    attempt_done(t); // the carrier never had it
    t.busy = false;
    ready_.push_front(t.m.id.value); // the next carrier of its route, at once
    wake();
}

void dispatcher::hand_over_parts(tracked& t, const std::string& carrier,
                                 boost::container::small_vector<smpp::owned_pdu, 1> pdus) {
    const auto id = t.m.id.value;
    const auto n = pdus.size();
    auto a = std::make_shared<parts_attempt>();
    a->open = n + 1; // the extra one ends below, so no outcome finishes the attempt mid-loop
    a->ids.resize(n);
    std::size_t taken = 0;
    for (auto& p : pdus) {
        const auto i = taken;
        const bool ok = carriers_.submit(carrier, std::move(p), [this, id, carrier, a, i](const smpp::submit_outcome& o) {
            if (auto w = awaiting_response_.find(carrier); w != awaiting_response_.end() && --w->second == 0)
                awaiting_response_.erase(w);
            part_outcome(id, carrier, *a, i, o);
        });
        if (!ok) break;
        ++taken;
        ++awaiting_response_[carrier];
    }
    if (taken == 0) return not_taken(t);
    ++stats_.split_messages;
    stats_.split_parts += n;
    if (t.m.attempts == 1) stats_.commit_to_submit.observe_ms(now_() - std::max(t.m.accepted_at, t.m.not_before));
    a->link_lost = taken < n;
    a->open -= n - taken + 1;
    if (a->open == 0) parts_done(id, carrier, *a);
}

void dispatcher::part_outcome(std::uint64_t id, const std::string& carrier, parts_attempt& a, std::size_t i,
                              const smpp::submit_outcome& o) {
    switch (judge(static_cast<bool>(o.ec), o.status)) {
    case verdict::accepted:
        a.ids[i] = o.message_id;
        ++a.accepted;
        break;
    case verdict::retry:
        if (!a.temporary) a.temporary = o;
        break;
    case verdict::next_carrier:
    case verdict::failed:
        if (!a.refused) {
            a.refused = o;
            a.refused_part = i + 1;
        }
        break;
    }
    if (--a.open == 0) parts_done(id, carrier, a);
}

void dispatcher::parts_done(std::uint64_t id, const std::string& carrier, const parts_attempt& a) {
    auto it = tracked_.find(id);
    if (it == tracked_.end()) return;
    auto& t = it->second;
    const auto n = a.ids.size();
    if (a.accepted == n) return on_outcome(id, carrier, {{}, smpp::status::ok, a.ids.front()}, &a.ids);
    if (a.refused && a.accepted == 0) return on_outcome(id, carrier, *a.refused);
    if (a.refused) {
        wake();
        const auto why = "part " + std::to_string(a.refused_part) + " of " + std::to_string(n) + " refused by " + carrier +
                         " (" + std::string{smpp::status_name(a.refused->status)} + ")";
        log::info("dispatcher", "part_refused").kv("id", t.m.id.to_string()).kv("carrier", carrier)
            .kv("status", smpp::status_name(a.refused->status)).kv("parts_accepted", a.accepted);
        return finish(t, store::msg_state::undeliverable, a.refused->status, why);
    }
    if (a.accepted > 0)
        log::info("dispatcher", "parts_again").kv("id", t.m.id.to_string()).kv("carrier", carrier)
            .kv("parts_accepted", a.accepted).kv("parts", n).kv("then", "every part again later");
    if (a.temporary) return on_outcome(id, carrier, *a.temporary);
    // Only links lost on the way: as a transport failure.
    wake();
    retry_later(t, smpp::status::syserr);
}

} // namespace twinsms::engine
