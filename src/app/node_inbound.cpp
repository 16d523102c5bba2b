// What carriers send us: delivery receipts for our messages, and MO for our
// clients. Each is answered to the carrier only once what it changes is
// committed, so a carrier never forgets something we have not stored.
#include "app/message_pdu.hpp"
#include "app/node.hpp"
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
    if (req.id() == smpp::command_id::peer_status) {
        const auto* peer = profiles_.peer_carrier();
        if (cluster_ && peer && peer->name == carrier) cluster_->on_peer_status(req, std::move(r));
        else r.respond(smpp::status::invcmdid);
        return;
    }
    std::optional<route::receipt_info> info;
    if (auto* d = req.as<smpp::deliver_sm>(); d && route::is_receipt(*d)) info = route::read_receipt(*d);
    else if (auto* ds = req.as<smpp::data_sm>(); ds && route::is_receipt(*ds)) info = route::read_receipt(*ds);
    else return on_mo(carrier, req, std::move(r));
    ++stats_.receipts_received;
    if (!info || info->message_id.empty() || !info->state) {
        // A receipt we cannot read would be resent forever if refused.
        log::warn("node", "unreadable_receipt").kv("carrier", carrier);
        r.respond(smpp::status::ok);
        return;
    }
    dispatcher_->on_receipt(carrier, info->message_id, static_cast<std::uint8_t>(*info->state), info->err.value_or(0),
                            [r](smpp::command_status st) mutable { r.respond(st); });
}

void node::on_mo(const std::string& carrier, const smpp::pdu& req, smpp::responder r) {
    ++stats_.mo_received;
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
    store::write_batch b;
    b.put_delivery(d);
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
