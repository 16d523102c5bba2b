// Carrier delivery receipts (engine side): a receipt for a message this
// engine sent updates the message and, when the client asked for one,
// queues its receipt to the client; the carrier is answered once that is
// committed. A receipt for a message not known here goes to `unknown`
// (in a pair: handed to the peer, node_receipts_and_mo.cpp).
#include <algorithm>

#include "engine/dispatcher.hpp"
#include "engine/message_pdu.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::engine {
namespace {

// The carrier's id for a message against a receipt's id as printed (lowercase).
bool same_id(std::string_view given, std::string_view printed_lower) {
    if (given.size() != printed_lower.size()) return false;
    for (std::size_t i = 0; i < given.size(); ++i) {
        const char c = given[i] >= 'A' && given[i] <= 'Z' ? static_cast<char>(given[i] - 'A' + 'a') : given[i];
        if (c != printed_lower[i]) return false;
    }
    return true;
}

// Whether `m` went to `carrier` in parts one of which has the id
// `printed_lower`: the submitted event lists them (dispatcher_outcome.cpp).
// A later part's receipt is then as exact a match as the first part's.
bool sent_as_part(const store::message& m, std::string_view carrier, std::string_view printed_lower) {
    const std::string lead = std::string{carrier} + ' ' + m.carrier_message_id + " (parts:";
    for (auto e = m.events.rbegin(); e != m.events.rend(); ++e) {
        if (e->state != store::msg_state::submitted || !e->detail.starts_with(lead)) continue;
        std::string_view rest = std::string_view{e->detail}.substr(lead.size());
        if (!rest.empty() && rest.back() == ')') rest.remove_suffix(1);
        while (!rest.empty()) {
            rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
            const auto end = std::min(rest.find(' '), rest.size());
            if (end && same_id(rest.substr(0, end), printed_lower)) return true;
            rest.remove_prefix(end);
        }
        return false; // the latest submission is the one its receipts are for
    }
    return false;
}

} // namespace

bool dispatcher::early_receipt(const std::string& carrier, std::string_view carrier_id, std::int64_t now) {
    const auto grace = cfg_.receipt_grace.count();
    if (early_receipts_.size() > 10'000) // bounded: forget the ones past their grace
        std::erase_if(early_receipts_, [&](const auto& e) { return now - e.second > grace; });
    auto key = carrier + '\0' + std::string{carrier_id};
    const auto seen = early_receipts_.find(key);
    if (seen != early_receipts_.end()) {
        if (now - seen->second <= grace || now < expect_until_) return true;
        early_receipts_.erase(seen); // its grace ran out: unknown after all
        return false;
    }
    const auto a = awaiting_response_.find(carrier);
    const bool awaiting = a != awaiting_response_.end() && a->second > 0;
    if ((!awaiting && now >= expect_until_) || early_receipts_.size() > 20'000) return false;
    early_receipts_.emplace(std::move(key), now);
    return true;
}

void dispatcher::on_receipt(const std::string& carrier, std::string_view carrier_id, std::uint8_t state,
                            std::uint32_t err, status_fn done, std::function<void(status_fn)> unknown) {
    ++stats_.receipts;
    const auto now = now_();
    // Carriers may print the id of the receipt in another base than in
    // submit_sm_resp; try each reading. The id exactly as the carrier gave
    // it for a message wins; another reading is a guess that can name a
    // different message, since the carrier also hands out the ids it
    // collides with ("175" is the hex id 0x175 and the decimal reading of
    // "af"). In a pair that message is often the other node's, which this
    // node never mapped.
    const auto forms = route::receipt_id_lookups(carrier_id);
    std::optional<store::message> current, guess;
    for (const auto& form : forms) {
        std::optional<std::uint64_t> id;
        if (auto it = submitting_.find(carrier + '\0' + form); it != submitting_.end()) id = it->second;
        else if (auto found = store_.find_receipt(carrier, form, now)) id = found->value;
        if (!id) continue;
        auto t = tracked_.find(*id);
        auto m = t != tracked_.end() ? std::optional{t->second.m} : store_.get({*id});
        if (!m) continue;
        if (m->carrier == carrier &&
            (same_id(m->carrier_message_id, forms.front()) || sent_as_part(*m, carrier, forms.front()))) {
            current = std::move(m);
            break;
        }
        if (!guess) guess = std::move(m);
    }
    // A guess that names a finished message is far more likely someone
    // else's receipt than a repeat: not a match (in a pair it goes to the
    // peer, which may have the id as given).
    if (!current && guess && !store::is_final(guess->state)) {
        // In a pair both nodes' messages share the carrier's id space: an id
        // the peer's store maps as given is its message, not a reading of
        // one of ours (hex "4a" is the peer's; our "74" read as decimal).
        if (unknown && mapped_elsewhere_ && mapped_elsewhere_(carrier, forms.front())) {
            ++stats_.guesses_yielded;
            log::info("dispatcher", "receipt_is_the_peers").kv("carrier", carrier).kv("carrier_id", carrier_id)
                .kv("not", guess->id.to_string()).kv("why", "the peer's store maps the id as given; ours only another reading");
        } else {
            current = std::move(guess);
        }
    }
    // (Not when a peer can take it: in a pair the primary hands what it
    // does not know to the secondary at once, which may have sent it.)
    if (!current && !unknown && early_receipt(carrier, forms.front(), now)) {
        // Maybe for an attempt whose response is still on its way: again later.
        ++stats_.receipts_before_response;
        log::info("dispatcher", "receipt_before_response").kv("carrier", carrier).kv("carrier_id", carrier_id)
            .kv("then", "asked again later");
        done(smpp::status::x_t_appn);
        return;
    }
    if (!current) {
        // Not ours (or its mapping expired): acknowledge so the carrier
        // stops resending, and say so.
        ++stats_.unknown_receipts;
        log::warn("dispatcher", "unknown_receipt").kv("carrier", carrier).kv("carrier_id", carrier_id)
            .kv("then", unknown ? "hand to the peer" : "acknowledge")
            .kv("other_reading", guess ? guess->id.to_string() + " (finished)" : std::string{"none"});
        if (unknown) unknown(std::move(done));
        else done(smpp::status::ok);
        return;
    }
    auto t = tracked_.find(current->id.value);
    const auto final_state = final_state_of(state);
    if (store::is_final(current->state) || state == 1 || state == 6 || state == 0) {
        // Already final (a repeated receipt), or an intermediate one
        // (ENROUTE / ACCEPTED) that changes nothing here.
        ++stats_.duplicate_receipts;
        done(smpp::status::ok);
        return;
    }
    store::message next = *current;
    next.state = final_state;
    next.done_at = now;
    next.last_status = err;
    store::write_batch b;
    store::add_event(next, {now, next.state, err, carrier + " receipt"});
    b.put_message(next, &*current);
    std::optional<store::delivery> d;
    if (wants_receipt(next)) {
        d = client_receipt(next, store_.next_delivery_id(), now, err, cfg_.client_delivery_ttl);
        if (d) b.put_delivery(*d);
    }
    if (t != tracked_.end()) t->second.m = next; // its own pending write must not resurrect it
    ++stats_.finished;
    store_.write(std::move(b), executor_, [this, d = std::move(d), done = std::move(done)](const store::error_code& ec) mutable {
        if (ec) {
            ++stats_.store_failures;
            done(smpp::status::x_t_appn); // the carrier resends it later
            return;
        }
        done(smpp::status::ok);
        if (d && on_delivery_) on_delivery_(std::move(*d));
    });
}

} // namespace twinsms::engine
