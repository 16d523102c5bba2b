// smsc_simulator: deliver_sm towards the ESMEs (delivery receipts and MO),
// queued per account until a receiver or transceiver is bound, and retried.
#include <algorithm>

#include "sim_impl.hpp"
#include "util/log.hpp"

namespace twinsms::sim {
namespace status = smpp::status;

receipt_outcome smsc_simulator::impl::outcome_for(std::string_view destination) const {
    const receipt_rule* best = nullptr;
    for (const auto& r : cfg.receipt_rules)
        if (destination.starts_with(r.prefix) && (!best || r.prefix.size() > best->prefix.size())) best = &r;
    return best ? best->outcome : cfg.receipt_default;
}

void smsc_simulator::impl::schedule_receipts(const received_message& m) {
    const auto done = m.at + cfg.receipt_delay;
    for (const auto& dest : m.destinations) {
        const receipt_outcome o = outcome_for(dest);
        if (!receipt_wanted(m.registered_delivery, o)) continue;
        delivery d;
        d.receipt = true;
        d.account = m.account;
        d.source = dest; // the receipt comes from the handset the message went to
        d.source_ton = m.dest_ton;
        d.source_npi = m.dest_npi;
        d.destination = m.source;
        d.dest_ton = m.source_ton;
        d.dest_npi = m.source_npi;
        d.esm_class = 0x04; // SMSC delivery receipt
        receipt_fields f;
        f.id = m.message_id;
        f.dlvrd = o.state == final_state::delivered ? 1 : 0;
        f.submit_date = smpp_receipt_date(m.at);
        f.done_date = smpp_receipt_date(done);
        f.stat = stat_text(o.state);
        f.err = o.err;
        f.text = receipt_excerpt(m.text, m.data_coding);
        d.short_message = format_receipt(f);
        d.receipted_id = m.message_id;
        d.message_state = static_cast<std::uint8_t>(o.state);
        ++counters.receipts_scheduled;
        queue_delivery(std::move(d), cfg.receipt_delay);
    }
}

void smsc_simulator::impl::queue_delivery(delivery d, milliseconds delay) {
    ++deliveries_outstanding;
    if (delay.count() <= 0) {
        dispatch(std::move(d));
        return;
    }
    later.after(delay, [this, d = std::move(d)]() mutable { dispatch(std::move(d)); });
}

connection* smsc_simulator::impl::pick_receiver(const std::string& account) {
    std::size_t n = 0;
    for (const auto& c : conns)
        if (c->can_receive() && c->account == account) ++n;
    if (n == 0) return nullptr;
    std::size_t& rr = round_robin[account];
    const std::size_t want = rr++ % n;
    std::size_t i = 0;
    for (const auto& c : conns)
        if (c->can_receive() && c->account == account && i++ == want) return c.get();
    return nullptr;
}

void smsc_simulator::impl::flush_waiting(const std::string& account) {
    auto it = waiting.find(account);
    if (it == waiting.end()) return;
    auto queued = std::move(it->second);
    waiting.erase(it);
    log::info("sim", "flush_waiting").kv("account", account).kv("count", queued.size());
    for (auto& d : queued) dispatch(std::move(d));
}

void smsc_simulator::impl::dispatch(delivery d) {
    if (stopped) return;
    connection* c = pick_receiver(d.account);
    if (!c) {
        waiting[d.account].push_back(std::move(d));
        return;
    }
    // The PDU's views point into *dp, which the response handler keeps alive.
    auto dp = std::make_shared<delivery>(std::move(d));
    ++dp->attempts;
    smpp::pdu p{status::ok, 0, smpp::deliver_sm{}};
    auto& b = *p.as<smpp::deliver_sm>();
    b.source_addr = dp->source;
    b.source_addr_ton = dp->source_ton;
    b.source_addr_npi = dp->source_npi;
    b.destination_addr = dp->destination;
    b.dest_addr_ton = dp->dest_ton;
    b.dest_addr_npi = dp->dest_npi;
    b.esm_class = dp->esm_class;
    b.data_coding = dp->data_coding;
    if (dp->short_message.size() <= 254) b.short_message = dp->short_message;
    else b.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, dp->short_message});
    if (dp->receipt) {
        b.tlvs.push_back(smpp::tlv::cstring(smpp::tag::receipted_message_id, dp->receipted_id));
        b.tlvs.push_back(smpp::tlv::u8(smpp::tag::message_state, dp->message_state));
    }
    const auto conn_id = c->id;
    c->s->send_request(p, [w = weak_from_this(), dp, conn_id](const smpp::error_code& ec, const smpp::pdu* resp) {
        auto self = w.lock();
        if (!self || self->stopped) return;
        const bool ok = !ec && resp && resp->status == status::ok && resp->id() == smpp::command_id::deliver_sm_resp;
        if (ok) {
            --self->deliveries_outstanding;
            ++(dp->receipt ? self->counters.receipts_sent : self->counters.mo_sent);
            return;
        }
        const auto why = ec ? ec.message() : smpp::status_name(resp ? resp->status : status::syserr);
        const bool hopeless = ec && ec.category() == smpp::codec_category(); // cannot be encoded
        if (hopeless || (self->cfg.max_delivery_attempts > 0 && dp->attempts >= self->cfg.max_delivery_attempts)) {
            --self->deliveries_outstanding;
            ++self->counters.deliveries_abandoned;
            log::warn("sim", "delivery_abandoned").kv("account", dp->account).kv("conn", conn_id)
                .kv("kind", dp->receipt ? "receipt" : "mo").kv("attempts", dp->attempts).kv("last_error", why);
            return;
        }
        ++self->counters.delivery_retries;
        log::debug("sim", "delivery_retry").kv("account", dp->account).kv("conn", conn_id).kv("error", why);
        // A refusal or a timeout waits before retrying; a connection that went
        // away hands the message straight to another receiver (or the queue).
        const bool link_gone = ec && ec != smpp::session_error::response_timeout &&
                               std::none_of(self->conns.begin(), self->conns.end(), [conn_id](const auto& c) {
                                   return c->id == conn_id && c->can_receive();
                               });
        if (link_gone) self->dispatch(std::move(*dp));
        else self->later.after(self->cfg.redelivery_delay, [s = self.get(), dp] { s->dispatch(std::move(*dp)); });
    });
}

// ---- MO --------------------------------------------------------------------

void smsc_simulator::send_mo(mo_message m) {
    ++impl_->counters.mo_requested;
    delivery d;
    d.account = std::move(m.account);
    d.source = std::move(m.source);
    d.destination = std::move(m.destination);
    d.source_ton = m.source_ton;
    d.source_npi = m.source_npi;
    d.dest_ton = m.dest_ton;
    d.dest_npi = m.dest_npi;
    d.data_coding = m.data_coding;
    d.short_message = std::move(m.text);
    log::debug("sim", "mo").kv("account", d.account).kv("from", d.source).kv("to", d.destination);
    impl_->queue_delivery(std::move(d), milliseconds{0});
}

void smsc_simulator::send_mo(std::string account, std::string from, std::string to, std::string text,
                             std::uint8_t data_coding) {
    mo_message m;
    m.account = std::move(account);
    m.source = std::move(from);
    m.destination = std::move(to);
    m.text = std::move(text);
    m.data_coding = data_coding;
    send_mo(std::move(m));
}

} // namespace twinsms::sim
