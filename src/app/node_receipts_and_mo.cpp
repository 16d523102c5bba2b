// Part of class node (node.hpp): what carriers send us goes to the engine
// (message_engine::on_carrier_deliver: receipts in engine/receipts.cpp, MO
// in engine/mo.cpp); in a pair, a receipt no message of ours maps is
// forwarded to the peer, and the peer link's forwarded receipts and
// handed-over deliveries come in here. Each is answered only once what it
// changes is committed, so a carrier or the peer never forgets something we
// have not stored.
#include "engine/message_pdu.hpp"
#include "app/node.hpp"
#include "cluster/peer_report.hpp"
#include "smpp/codec/codec.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::app {
using engine::stored_bytes;
void node::on_carrier_deliver(const std::string& carrier, const smpp::pdu& req, smpp::responder r) {
    if (smpp::is_peer_vendor(req.id())) {
        const auto* peer = profiles_.peer_carrier();
        if (!cluster_ || !peer || peer->name != carrier) r.respond(smpp::status::invcmdid);
        else if (req.id() == smpp::command_id::peer_status) cluster_->on_peer_status(req, std::move(r));
        else on_peer_forward(req, std::move(r));
        return;
    }
    // In a pair, a receipt for a message the other node sent (the carrier
    // moved with a takeover or switchover) is handed to it, not dropped;
    // never one that came over the peer link itself (no ping-pong).
    message_engine::unknown_receipt_fn unknown;
    const auto* peer = profiles_.peer_carrier();
    if (cluster_ && !(peer && peer->name == carrier))
        // `req` outlives the call: the engine calls `unknown` before it returns.
        unknown = [this, &carrier, &req](dispatcher::status_fn done) {
            auto to_peer = [this, &carrier, &req](dispatcher::status_fn d) {
                forward_receipt(carrier, stored_bytes(req), std::move(d));
            };
            // After a takeover: perhaps the dead peer's message, in its promoted replica.
            std::optional<route::receipt_info> info;
            if (auto* d = req.as<smpp::deliver_sm>()) info = route::read_receipt(*d);
            else if (auto* ds = req.as<smpp::data_sm>()) info = route::read_receipt(*ds);
            if (!peer_engine_now() || !info || !info->state) return to_peer(std::move(done));
            peer_engine_now()->dispatch().on_receipt(carrier, info->message_id, static_cast<std::uint8_t>(*info->state),
                                                info->err.value_or(0), std::move(done), std::move(to_peer));
        };
    engine_->on_carrier_deliver(carrier, req, std::move(r), std::move(unknown));
}

void node::forward_receipt(const std::string& carrier, const std::vector<std::uint8_t>& bytes,
                           dispatcher::status_fn done) {
    const cluster::forwarded_receipt f{carrier, std::string{bytes.begin(), bytes.end()}};
    const smpp::pdu p{smpp::status::ok, 0, smpp::peer_forward{cluster::encode(f)}};
    auto d = engine_->new_delivery(std::string{peer_forward_account});
    d.pdu = stored_bytes(p);
    if (bytes.empty() || d.pdu.empty()) {
        // Too big to wrap for the peer (logged by stored_bytes): refusing it
        // would have the carrier resend it forever, like an unreadable one.
        ++stats_.receipts_not_forwarded;
        log::warn("node", "receipt_not_forwarded").kv("carrier", carrier).kv("why", "does not encode");
        done(smpp::status::ok);
        return;
    }
    engine_->take_delivery(std::move(d), false, [this, done = std::move(done), carrier](const store::error_code& ec) {
        if (ec) {
            log::warn("node", "receipt_forward_not_stored").kv("error", ec.message());
            done(smpp::status::x_t_appn); // the carrier resends it
            return;
        }
        ++stats_.receipts_forwarded;
        log::info("node", "receipt_to_peer").kv("carrier", carrier);
        done(smpp::status::ok);
    });
}

void node::on_peer_forward(const smpp::pdu& req, smpp::responder r) {
    const auto* body = req.as<smpp::peer_forward>();
    if (auto h = body ? cluster::decode_handoff(body->tlvs) : std::nullopt) return on_handed_delivery(std::move(*h), std::move(r));
    const auto f = body ? cluster::decode_forward(body->tlvs) : std::nullopt;
    smpp::pdu inner;
    const auto* raw = f ? reinterpret_cast<const std::uint8_t*>(f->pdu.data()) : nullptr;
    if (!f || smpp::decode({raw, f->pdu.size()}, inner)) {
        // Unreadable: resending it would not make it readable.
        log::warn("node", "bad_peer_forward").kv("why", f ? "embedded PDU does not decode" : "missing TLVs");
        r.respond(smpp::status::ok);
        return;
    }
    std::optional<route::receipt_info> info;
    if (auto* d = inner.as<smpp::deliver_sm>()) info = route::read_receipt(*d);
    else if (auto* ds = inner.as<smpp::data_sm>()) info = route::read_receipt(*ds);
    if (!info || info->message_id.empty() || !info->state) {
        log::warn("node", "bad_peer_forward").kv("why", "not a readable receipt");
        r.respond(smpp::status::ok);
        return;
    }
    ++stats_.receipts_from_peer;
    const auto state = static_cast<std::uint8_t>(*info->state);
    const auto err = info->err.value_or(0);
    engine_->dispatch().on_receipt(
        f->carrier, info->message_id, state, err, [r](smpp::command_status st) mutable { r.respond(st); },
        [this, carrier = f->carrier, id = info->message_id, state, err](dispatcher::status_fn done) {
            // A message the peer's replica held when this node took over,
            // and sent again from here: its mapping is in that replica.
            if (peer_engine_now()) return peer_engine_now()->dispatch().on_receipt(carrier, id, state, err, std::move(done));
            done(smpp::status::ok); // neither node has it
        });
}

// A delivery the other node held for a client we serve now. Refused (and
// so kept there) unless we serve the client: it must not bounce.
void node::on_handed_delivery(cluster::handed_delivery h, smpp::responder r) {
    const auto* c = client_of(h.account);
    if (!c || !takes_handoff(*c)) {
        ++stats_.deliveries_from_peer_refused;
        log::info("node", "handoff_refused").kv("account", h.account)
            .kv("why", !c ? "no such client here" : c->peer ? "the peer account" : "not served here");
        r.respond(smpp::status::x_t_appn);
        return;
    }
    if (engine_->deliveries().holds_receipt(h.account, h.message)) {
        // Already here: our first answer was lost and the peer sent it again.
        ++stats_.deliveries_from_peer_duplicates;
        log::info("node", "handoff_duplicate").kv("account", h.account).kv("message", store::message_id{h.message}.to_string());
        r.respond(smpp::status::ok);
        return;
    }
    auto d = engine_->new_delivery(std::move(h.account));
    d.created_at = h.created_at;
    d.expires_at = h.expires_at;
    d.message = {h.message};
    d.pdu.assign(h.pdu.begin(), h.pdu.end());
    // Not new to the pair: taken on a full store like a receipt.
    engine_->take_delivery(d, false, [this, r, d](const store::error_code& ec) mutable {
        if (ec) {
            log::warn("node", "handoff_not_stored").kv("account", d.account).kv("error", ec.message());
            r.respond(smpp::status::x_t_appn); // the peer keeps it and tries again
            return;
        }
        ++stats_.deliveries_from_peer;
        log::info("node", "handoff_taken").kv("account", d.account).kv("delivery", d.id.value)
            .kv("message", d.message.to_string());
        r.respond(smpp::status::ok);
    });
}

} // namespace twinsms::app
