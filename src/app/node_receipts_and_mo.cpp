// Part of class node (node.hpp): what carriers send us (carrier
// deliver_sm / data_sm): delivery receipts for our messages (the engine's
// dispatcher::on_receipt, engine/receipts.cpp; in a pair, receipts for the
// peer's messages are forwarded to it), the peer link's forwarded receipts
// and handed-over deliveries, and MO for our clients. Each is answered to the carrier only once what it changes is
// committed, so a carrier never forgets something we have not stored.
#include "engine/message_pdu.hpp"
#include "app/node.hpp"
#include "cluster/peer_report.hpp"
#include "smpp/codec/codec.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::app {
namespace {

// The MO text as 8-bit characters for keyword rules: UCS-2 is narrowed.
std::string mo_text(std::string_view sm, std::uint8_t data_coding) {
    if (data_coding != 0x08) return std::string{sm};
    std::string out;
    for (std::size_t i = 0; i + 1 < sm.size(); i += 2) out.push_back(sm[i] == 0 ? sm[i + 1] : '?');
    return out;
}

} // namespace

void node::on_carrier_deliver(const std::string& carrier, const smpp::pdu& req, smpp::responder r) {
    if (smpp::is_peer_vendor(req.id())) {
        const auto* peer = profiles_.peer_carrier();
        if (!cluster_ || !peer || peer->name != carrier) r.respond(smpp::status::invcmdid);
        else if (req.id() == smpp::command_id::peer_status) cluster_->on_peer_status(req, std::move(r));
        else on_peer_forward(req, std::move(r));
        return;
    }
    std::optional<route::receipt_info> info;
    if (auto* d = req.as<smpp::deliver_sm>(); d && route::is_receipt(*d)) info = route::read_receipt(*d);
    else if (auto* ds = req.as<smpp::data_sm>(); ds && route::is_receipt(*ds)) info = route::read_receipt(*ds);
    else return on_mo(carrier, req, std::move(r));
    ++stats_.receipts_received;
    ++stats_.by_carrier[carrier].receipts;
    if (!info || info->message_id.empty() || !info->state) {
        // A receipt we cannot read would be resent forever if refused.
        log::warn("node", "unreadable_receipt").kv("carrier", carrier);
        r.respond(smpp::status::ok);
        return;
    }
    // In a pair, a receipt for a message the other node sent (the carrier
    // moved with a takeover or switchover) is handed to it, not dropped;
    // never one that came over the peer link itself (no ping-pong).
    std::function<void(dispatcher::status_fn)> unknown;
    const auto* peer = profiles_.peer_carrier();
    if (cluster_ && !(peer && peer->name == carrier))
        unknown = [this, carrier, bytes = stored_bytes(req)](dispatcher::status_fn done) {
            forward_receipt(carrier, bytes, std::move(done));
        };
    dispatcher_->on_receipt(carrier, info->message_id, static_cast<std::uint8_t>(*info->state), info->err.value_or(0),
                            [r](smpp::command_status st) mutable { r.respond(st); }, std::move(unknown));
}

void node::forward_receipt(const std::string& carrier, const std::vector<std::uint8_t>& bytes,
                           dispatcher::status_fn done) {
    const cluster::forwarded_receipt f{carrier, std::string{bytes.begin(), bytes.end()}};
    const smpp::pdu p{smpp::status::ok, 0, smpp::peer_forward{cluster::encode(f)}};
    const auto now = now_();
    store::delivery d;
    d.id = store_->next_delivery_id();
    d.account = std::string{peer_forward_account};
    d.created_at = now;
    d.expires_at = now + profiles_.node.delivery.client_delivery_ttl.count();
    d.pdu = stored_bytes(p);
    if (bytes.empty() || d.pdu.empty()) {
        // Too big to wrap for the peer (logged by stored_bytes): refusing it
        // would have the carrier resend it forever, like an unreadable one.
        ++stats_.receipts_not_forwarded;
        log::warn("node", "receipt_not_forwarded").kv("carrier", carrier).kv("why", "does not encode");
        done(smpp::status::ok);
        return;
    }
    store::write_batch b;
    b.put_delivery(d);
    store_->write(std::move(b), io_.get_executor(), [this, done = std::move(done), d, carrier](const store::error_code& ec) mutable {
        if (ec) {
            log::warn("node", "receipt_forward_not_stored").kv("error", ec.message());
            done(smpp::status::x_t_appn); // the carrier resends it
            return;
        }
        ++stats_.receipts_forwarded;
        log::info("node", "receipt_to_peer").kv("carrier", carrier);
        done(smpp::status::ok);
        deliveries_->added(std::move(d));
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
    dispatcher_->on_receipt(f->carrier, info->message_id, static_cast<std::uint8_t>(*info->state), info->err.value_or(0),
                            [r](smpp::command_status st) mutable { r.respond(st); },
                            [](dispatcher::status_fn done) { done(smpp::status::ok); }); // neither node has it
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
    if (deliveries_->holds_receipt(h.account, h.message)) {
        // Already here: our first answer was lost and the peer sent it again.
        ++stats_.deliveries_from_peer_duplicates;
        log::info("node", "handoff_duplicate").kv("account", h.account).kv("message", store::message_id{h.message}.to_string());
        r.respond(smpp::status::ok);
        return;
    }
    store::delivery d;
    d.id = store_->next_delivery_id();
    d.account = std::move(h.account);
    d.created_at = h.created_at;
    d.expires_at = h.expires_at;
    d.message = {h.message};
    d.pdu.assign(h.pdu.begin(), h.pdu.end());
    store::write_batch b;
    b.put_delivery(d); // not new to the pair: taken on a full store like a receipt
    store_->write(std::move(b), io_.get_executor(), [this, r, d](const store::error_code& ec) mutable {
        if (ec) {
            log::warn("node", "handoff_not_stored").kv("account", d.account).kv("error", ec.message());
            r.respond(smpp::status::x_t_appn); // the peer keeps it and tries again
            return;
        }
        ++stats_.deliveries_from_peer;
        log::info("node", "handoff_taken").kv("account", d.account).kv("delivery", d.id.value)
            .kv("message", d.message.to_string());
        r.respond(smpp::status::ok);
        deliveries_->added(std::move(d));
    });
}

void node::on_mo(const std::string& carrier, const smpp::pdu& req, smpp::responder r) {
    ++stats_.mo_received;
    ++stats_.by_carrier[carrier].mo;
    std::string source, dest, text;
    std::uint8_t dc = 0;
    if (auto* d = req.as<smpp::deliver_sm>()) {
        source = d->source_addr, dest = d->destination_addr, dc = d->data_coding;
        text = mo_text(d->short_message.empty() ? smpp::message_payload(d->tlvs).value_or("") : d->short_message, dc);
    } else if (auto* ds = req.as<smpp::data_sm>()) {
        source = ds->source_addr, dest = ds->destination_addr, dc = ds->data_coding;
        text = mo_text(smpp::message_payload(ds->tlvs).value_or(""), dc);
    }
    const auto client = mo_router_.route({carrier, source, dest, text});
    const smpp::client_account* account = nullptr;
    if (client)
        if (auto* p = profiles_.client(*client)) account = &p->account;
    if (!account) {
        // Permanent: no client of ours takes this number or keyword.
        ++stats_.mo_unrouted;
        log::warn("node", "mo_unrouted").kv("carrier", carrier).kv("from", source).kv("to", dest);
        r.respond(smpp::status::x_p_appn);
        return;
    }
    const auto now = now_();
    store::delivery d;
    d.id = store_->next_delivery_id();
    d.account = account->system_id;
    d.created_at = now;
    d.expires_at = now + profiles_.node.delivery.client_delivery_ttl.count();
    d.pdu = stored_bytes(req);
    if (d.pdu.empty()) {
        // It decoded but does not encode again (logged by stored_bytes):
        // permanent, as a resend would not encode either.
        ++stats_.mo_not_stored;
        log::warn("node", "mo_not_stored").kv("carrier", carrier).kv("why", "does not encode");
        r.respond(smpp::status::x_p_appn);
        return;
    }
    store::write_batch b;
    b.put_delivery(d);
    b.admit(); // new: refused on a full store (the carrier resends it), unlike receipts
    store_->write(std::move(b), io_.get_executor(), [this, r, d](const store::error_code& ec) mutable {
        if (ec) {
            log::warn("node", "mo_store_failed").kv("error", ec.message());
            r.respond(smpp::status::x_t_appn); // the carrier keeps it and resends
            return;
        }
        r.respond(smpp::status::ok);
        deliveries_->added(std::move(d));
    });
}

} // namespace twinsms::app
