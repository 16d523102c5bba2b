// What carriers send an engine (deliver_sm, data_sm): a receipt goes to the
// dispatcher (receipts.cpp), anything else is MO (mo.cpp).
#include "engine/message_engine.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

void message_engine::on_carrier_deliver(const std::string& carrier, const smpp::pdu& req, smpp::responder r,
                                        unknown_receipt_fn unknown) {
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
    dispatcher_.on_receipt(carrier, info->message_id, static_cast<std::uint8_t>(*info->state), info->err.value_or(0),
                           [r](smpp::command_status st) mutable { r.respond(st); }, std::move(unknown));
}

} // namespace twinsms::engine
