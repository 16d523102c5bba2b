// Part of class node (node.hpp): where requests enter the node. Every
// SMPP request from a bound client comes through on_client_request: the
// pair's vendor PDUs (peer_status, peer_forward) from the peer account go to
// the pair, everything else to the engine's intake. Internal SMS (alerts)
// enter the intake here too.
#include "app/node.hpp"
#include "util/log.hpp"

namespace twinsms::app {

void node::on_client_request(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    if (!smpp::is_peer_vendor(req.id())) return engine_->on_request(s, a, req);
    const auto* peer = profiles_.peer_client();
    if (!cluster_ || !peer || peer->account.system_id != a.system_id) {
        s.respond_status(req, smpp::status::invcmdid); // only our peer speaks it
        return;
    }
    if (req.id() == smpp::command_id::peer_status) cluster_->on_peer_status(s, req);
    else on_peer_forward(req, smpp::responder{s, req});
}

void node::send_internal_sms(const std::string& to, const std::string& from, const std::string& text) {
    smpp::submit_sm sm;
    sm.source_addr_ton = 5; // alphanumeric
    sm.source_addr = from;
    sm.dest_addr_ton = 1;
    sm.destination_addr = to;
    sm.short_message = text;
    const bool routed = engine_->submissions().submit_internal(sm, "twinsms-alerts", [to](const store::error_code& ec) {
        if (ec) log::warn("node", "alert_sms_not_stored").kv("to", to).kv("error", ec.message());
        else log::info("node", "alert_sms_queued").kv("to", to);
    });
    if (!routed) log::warn("node", "alert_sms_unrouted").kv("to", to).kv("why", "no route matches client twinsms-alerts");
}

} // namespace twinsms::app
