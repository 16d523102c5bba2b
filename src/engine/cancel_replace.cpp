// The dispatcher's answers to a client's requests about messages it
// submitted: query_sm (find), cancel_sm and replace_sm. Carrier receipts
// are in receipts.cpp.
#include "engine/dispatcher.hpp"
#include "engine/message_pdu.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

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
    store::add_event(next, {now_(), next.state, 0, "replace_sm"});
    b.put_message(next, &*m);
    if (t != tracked_.end()) t->second.m = next;
    store_.write(std::move(b), executor_, [done = std::move(done)](const store::error_code& ec) {
        done(ec ? smpp::status::replacefail : smpp::status::ok);
    });
}

} // namespace twinsms::engine
