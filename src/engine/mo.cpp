// MO (mobile originated messages) from carriers: routed to a client by the
// MO routes (number, keyword), stored as a delivery for it and answered to
// the carrier only once committed, so a carrier never forgets an MO we have
// not stored.
#include "engine/message_engine.hpp"
#include "engine/message_pdu.hpp"
#include "util/log.hpp"

namespace twinsms::engine {
namespace {

// The MO text as 8-bit characters for keyword rules: UCS-2 is narrowed.
std::string mo_text(std::string_view sm, std::uint8_t data_coding) {
    if (data_coding != 0x08) return std::string{sm};
    std::string out;
    for (std::size_t i = 0; i + 1 < sm.size(); i += 2) out.push_back(sm[i] == 0 ? sm[i + 1] : '?');
    return out;
}

} // namespace

void message_engine::on_mo(const std::string& carrier, const smpp::pdu& req, smpp::responder r) {
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
    // MO routes see the numbers in the routed form; the client gets them
    // in its own numbering (route/address_rules.hpp).
    const auto& ar = dispatcher_.routes().addresses();
    route::address from, to;
    if (!ar.empty()) {
        std::visit([&](const auto& b) {
            if constexpr (requires { b.destination_addr; }) {
                from = ar.from_carrier(carrier, b.source_addr, b.source_addr_ton, b.source_addr_npi);
                to = ar.from_carrier(carrier, b.destination_addr, b.dest_addr_ton, b.dest_addr_npi);
            }
        }, req.body);
        source = from.addr, dest = to.addr;
    }
    const auto client = mo_routes_.route({carrier, source, dest, text});
    const smpp::client_account* account = client && ports_.account_of ? ports_.account_of(*client) : nullptr;
    if (!account) {
        // Permanent: no client of ours takes this number or keyword.
        ++stats_.mo_unrouted;
        log::warn("node", "mo_unrouted").kv("carrier", carrier).kv("from", source).kv("to", dest);
        r.respond(smpp::status::x_p_appn);
        return;
    }
    auto d = new_delivery(account->system_id);
    if (ar.empty()) {
        d.pdu = stored_bytes(req);
    } else {
        const auto shown_from = ar.to_client(account->system_id, from), shown_to = ar.to_client(account->system_id, to);
        smpp::pdu mine = req;
        std::visit([&](auto& b) {
            if constexpr (requires { b.destination_addr; }) {
                b.source_addr = shown_from.addr, b.source_addr_ton = shown_from.ton, b.source_addr_npi = shown_from.npi;
                b.destination_addr = shown_to.addr, b.dest_addr_ton = shown_to.ton, b.dest_addr_npi = shown_to.npi;
            }
        }, mine.body);
        d.pdu = stored_bytes(mine);
    }
    if (d.pdu.empty()) {
        // It decoded but does not encode again (logged by stored_bytes):
        // permanent, as a resend would not encode either.
        ++stats_.mo_not_stored;
        log::warn("node", "mo_not_stored").kv("carrier", carrier).kv("why", "does not encode");
        r.respond(smpp::status::x_p_appn);
        return;
    }
    // A STOP (or START) changes the client's opt-out list in the same
    // commit as the MO itself: the client is told of it, and the list has
    // it, or neither (the carrier resends). The MO still reaches the client.
    store::write_batch list_change;
    route::opt_out_action action = route::opt_out_action::none;
    std::string number;
    if (const auto& oo = dispatcher_.routes().opt_outs(); !oo.empty()) {
        action = oo.action(account->system_id, text);
        number = route::opt_out_number(source); // the routed form where there is numbering
        if (action == route::opt_out_action::stop)
            list_change.put_opt_out({account->system_id, number, now_(), "mo " + std::string{route::opt_out_keyword(text)} + " via " + carrier});
        else if (action == route::opt_out_action::start)
            list_change.erase_opt_out(account->system_id, number);
    }
    // New to the pair: refused on a full store (the carrier resends it), unlike receipts.
    take_delivery(std::move(d), true, [this, r, action, number, system_id = account->system_id](const store::error_code& ec) mutable {
        if (ec) log::warn("node", "mo_store_failed").kv("error", ec.message());
        if (!ec && action != route::opt_out_action::none) {
            const bool stop = action == route::opt_out_action::stop;
            ++(stop ? stats_.opt_outs : stats_.opt_ins);
            log::info("node", stop ? "opt_out" : "opt_in").kv("account", system_id).kv("number", number).kv("via", "mo");
        }
        r.respond(ec ? smpp::status::x_t_appn : smpp::status::ok); // on error the carrier keeps it and resends
    }, std::move(list_change));
}

} // namespace twinsms::engine
