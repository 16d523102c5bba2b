// The dispatcher's answers to what arrives about existing messages: carrier
// receipts, and the client's query_sm / cancel_sm / replace_sm.
#include "app/dispatcher.hpp"
#include "app/message_pdu.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::app {

void dispatcher::on_receipt(const std::string& carrier, std::string_view carrier_id, std::uint8_t state,
                            std::uint32_t err, status_fn done, std::function<void(status_fn)> unknown) {
    ++stats_.receipts;
    const auto now = now_();
    // Carriers may print the id of the receipt in another base than in
    // submit_sm_resp; try each reading.
    std::optional<std::uint64_t> id;
    for (const auto& form : route::message_id_forms(carrier_id)) {
        if (auto it = submitting_.find(carrier + '\0' + form); it != submitting_.end()) id = it->second;
        else if (auto found = store_.find_receipt(carrier, form, now)) id = found->value;
        if (id) break;
    }
    if (!id) {
        // Not ours (or its mapping expired): acknowledge so the carrier
        // stops resending, and say so.
        ++stats_.unknown_receipts;
        log::warn("dispatcher", "unknown_receipt").kv("carrier", carrier).kv("carrier_id", carrier_id)
            .kv("then", unknown ? "hand to the peer" : "acknowledge");
        if (unknown) unknown(std::move(done));
        else done(smpp::status::ok);
        return;
    }
    auto t = tracked_.find(*id);
    std::optional<store::message> current = t != tracked_.end() ? std::optional{t->second.m} : store_.get({*id});
    if (!current) {
        done(smpp::status::ok);
        return;
    }
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
    b.put_message(next, &*current);
    b.add_event(next.id, event_no(next), {now, next.state, err, carrier + " receipt"});
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

std::optional<store::message> dispatcher::find(store::message_id id, std::string_view account) const {
    std::optional<store::message> m;
    if (auto t = tracked_.find(id.value); t != tracked_.end()) m = t->second.m;
    else m = store_.get(id);
    if (m && m->account != account) return std::nullopt; // not this client's to see
    return m;
}

void dispatcher::cancel(store::message_id id, std::string_view account, status_fn done) {
    auto m = find(id, account);
    auto t = tracked_.find(id.value);
    if (!m) return done(smpp::status::invmsgid);
    // Only what no carrier has yet can be withdrawn.
    if (!store::is_queued(m->state) || m->in_flight || (t != tracked_.end() && t->second.busy))
        return done(smpp::status::cancelfail);
    if (t == tracked_.end()) t = tracked_.emplace(id.value, tracked{*m, {}, false}).first;
    finish(t->second, store::msg_state::cancelled, 0, "cancel_sm", [done = std::move(done)](const store::error_code& ec) {
        done(ec ? smpp::status::cancelfail : smpp::status::ok);
    });
}

void dispatcher::replace(store::message_id id, std::string_view account, replacement r, status_fn done) {
    auto m = find(id, account);
    auto t = tracked_.find(id.value);
    if (!m) return done(smpp::status::invmsgid);
    if (!store::is_queued(m->state) || m->in_flight || (t != tracked_.end() && t->second.busy))
        return done(smpp::status::replacefail);
    smpp::pdu p;
    if (smpp::decode(m->pdu, p)) return done(smpp::status::replacefail);
    auto* s = p.as<smpp::submit_sm>();
    if (!s) return done(smpp::status::replacefail); // data_sm has no short_message to replace
    s->short_message = r.short_message;
    s->registered_delivery = r.registered_delivery;
    smpp::erase(s->tlvs, smpp::tag::message_payload);
    store::message next = *m;
    next.pdu = stored_bytes(p);
    if (next.pdu.empty()) return done(smpp::status::replacefail);
    if (r.not_before) next.not_before = r.not_before, next.next_attempt = std::max(r.not_before, now_());
    if (r.expires_at) next.expires_at = r.expires_at;
    store::write_batch b;
    b.put_message(next, &*m);
    b.add_event(next.id, event_no(next) | 0x80, {now_(), next.state, 0, "replace_sm"});
    if (t != tracked_.end()) t->second.m = next;
    store_.write(std::move(b), executor_, [done = std::move(done)](const store::error_code& ec) {
        done(ec ? smpp::status::replacefail : smpp::status::ok);
    });
}

} // namespace twinsms::app
