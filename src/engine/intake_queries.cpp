// query_sm, cancel_sm and replace_sm from a bound client, answered from the
// store (through the dispatcher, which holds the newest image of messages
// it is working on).
#include "engine/intake.hpp"
#include "engine/message_pdu.hpp"
#include "route/smpp_time.hpp"
#include "smpp/session/responder.hpp"

namespace twinsms::engine {

void intake::on_query(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    const auto& q = *req.as<smpp::query_sm>();
    store::message_id id;
    if (!store::message_id::parse(q.message_id, id)) return s.respond_status(req, smpp::status::invmsgid);
    auto m = dispatcher_.find(id, a.system_id);
    if (!m && find_elsewhere_) m = find_elsewhere_(id, a.system_id);
    if (!m) return s.respond_status(req, smpp::status::queryfail);
    const std::string msg_id{q.message_id};
    const std::string final_date = store::is_final(m->state) ? route::format_smpp_time(m->done_at) : std::string{};
    smpp::pdu resp{smpp::status::ok, req.sequence_number, smpp::query_sm_resp{}};
    auto& r = *resp.as<smpp::query_sm_resp>();
    r.message_id = msg_id;
    r.final_date = final_date;
    r.message_state = smpp_state_of(m->state);
    // error_code is one octet (network specific); the last carrier status
    // that failed it, when it fits.
    const bool failed = store::is_final(m->state) && m->state != store::msg_state::delivered;
    r.error_code = failed && m->last_status <= 0xFF ? static_cast<std::uint8_t>(m->last_status) : 0;
    s.respond(resp);
}

void intake::on_cancel(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    const auto& c = *req.as<smpp::cancel_sm>();
    store::message_id id;
    // Cancelling every message to a destination (empty message_id) is not
    // offered: it would need an index by address.
    if (c.message_id.empty() || !store::message_id::parse(c.message_id, id))
        return s.respond_status(req, smpp::status::invmsgid);
    dispatcher_.cancel(id, a.system_id, [r = smpp::responder{s, req}](smpp::command_status st) mutable {
        r.respond(st);
    });
}

void intake::on_replace(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    const auto& rp = *req.as<smpp::replace_sm>();
    store::message_id id;
    if (!store::message_id::parse(rp.message_id, id)) return s.respond_status(req, smpp::status::invmsgid);
    const auto now = now_();
    auto sched = route::parse_smpp_time(rp.schedule_delivery_time, now);
    if (!sched.ok()) return s.respond_status(req, smpp::status::invsched);
    auto valid = route::parse_smpp_time(rp.validity_period, now);
    if (!valid.ok()) return s.respond_status(req, smpp::status::invexpiry);
    dispatcher::replacement r;
    r.short_message = rp.short_message;
    r.registered_delivery = rp.registered_delivery;
    r.not_before = sched.epoch_ms.value_or(0);
    r.expires_at = valid.epoch_ms.value_or(0);
    dispatcher_.replace(id, a.system_id, std::move(r), [resp = smpp::responder{s, req}](smpp::command_status st) mutable {
        resp.respond(st);
    });
}

} // namespace twinsms::engine
