#include "engine/message_pdu.hpp"

#include "route/address_rules.hpp"
#include "route/parts.hpp"
#include "route/receipt_text.hpp"
#include "route/route_table.hpp"
#include "route/smpp_time.hpp"
#include "sms/carrier_charset.hpp"
#include "util/log.hpp"

namespace twinsms::engine {
namespace {

template <class F> auto with_request(const store::message& m, F&& f) -> std::optional<decltype(f(smpp::submit_sm{}))> {
    smpp::pdu p;
    if (smpp::decode(m.pdu, p)) return std::nullopt;
    if (auto* s = p.as<smpp::submit_sm>()) return f(*s);
    if (auto* d = p.as<smpp::data_sm>()) return f(*d);
    return std::nullopt;
}

// `p` (a submit_sm or data_sm) as the carrier's charset wants it, into `out`.
void with_charset(smpp::pdu& p, const sms::carrier_charset& cs, std::uint16_t ref, carrier_pdus& out) {
    std::visit(
        [&](auto& b) {
            if constexpr (requires { b.data_coding; }) {
                std::string_view ud;
                if constexpr (requires { b.short_message; }) ud = b.short_message;
                if (ud.empty()) ud = smpp::message_payload(b.tlvs).value_or(std::string_view{});
                auto r = sms::for_carrier({ud, b.data_coding, b.esm_class}, cs, ref);
                if (!r) {
                    out.refusal = std::move(r.refusal);
                    return;
                }
                const auto& u = *r.value; // the views set below point into it until each part is encoded
                b.data_coding = u.data_coding;
                b.esm_class = static_cast<std::uint8_t>((b.esm_class & ~route::esm_udhi) | (u.udhi ? route::esm_udhi : 0));
                for (const auto t : {smpp::tag::message_payload, smpp::tag::sar_msg_ref_num, smpp::tag::sar_total_segments,
                                     smpp::tag::sar_segment_seqnum})
                    smpp::erase(b.tlvs, t);
                const auto total = u.parts.size();
                for (std::size_t i = 0; i < total; ++i) {
                    auto part = b;
                    bool in_payload = u.payload;
                    if constexpr (requires { part.short_message; }) part.short_message = in_payload ? std::string_view{} : u.parts[i];
                    else in_payload = true; // data_sm has no short_message
                    if (in_payload) part.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, u.parts[i]});
                    if (u.sar && total > 1) {
                        part.tlvs.push_back(smpp::tlv::u16(smpp::tag::sar_msg_ref_num, u.ref));
                        part.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_total_segments, static_cast<std::uint8_t>(total)));
                        part.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_segment_seqnum, static_cast<std::uint8_t>(i + 1)));
                    }
                    smpp::owned_pdu o{smpp::pdu{p.status, p.sequence_number, std::move(part)}};
                    if (o.failure()) {
                        out.pdus.clear(); // a part that does not encode: the request as a whole does not
                        return;
                    }
                    out.pdus.push_back(std::move(o));
                }
            } else if (smpp::owned_pdu o{p}; !o.failure()) {
                out.pdus.push_back(std::move(o)); // no user data to write again
            }
        },
        p.body);
}

} // namespace

route::mt_request request_view::as_request(std::string_view account) const {
    return {account, source_addr, destination_addr, service_type};
}

std::optional<request_view> request_fields(const store::message& m) {
    return with_request(m, [](const auto& s) {
        request_view v;
        v.service_type = s.service_type;
        v.source_addr = s.source_addr;
        v.destination_addr = s.destination_addr;
        v.source_ton = s.source_addr_ton, v.source_npi = s.source_addr_npi;
        v.dest_ton = s.dest_addr_ton, v.dest_npi = s.dest_addr_npi;
        v.registered_delivery = s.registered_delivery;
        v.esm_class = s.esm_class;
        v.data_coding = s.data_coding;
        if constexpr (requires { s.short_message; }) {
            v.short_message = s.short_message;
            if (v.short_message.empty())
                if (auto mp = smpp::message_payload(s.tlvs)) v.short_message = *mp;
        } else if (auto mp = smpp::message_payload(s.tlvs)) {
            v.short_message = *mp;
        }
        return v;
    });
}

unsigned parts_of(const store::message& m) {
    return with_request(m, [](const auto& s) { return route::count_parts(s); }).value_or(1u);
}

carrier_pdus carrier_request(const store::message& m, const route::address_rules* rules, std::string_view carrier) {
    carrier_pdus out;
    smpp::pdu p;
    if (smpp::decode(m.pdu, p)) return out;
    route::address src, dst; // the views set below point here until `o` is encoded
    std::visit(
        [&](auto& b) {
            if constexpr (requires { b.registered_delivery; })
                b.registered_delivery = static_cast<std::uint8_t>((b.registered_delivery & ~0x03) | 0x01);
            if constexpr (requires { b.destination_addr; }) {
                if (!rules || rules->empty()) return;
                src = rules->carrier_source(carrier, rules->from_client(m.account, b.source_addr, b.source_addr_ton,
                                                                         b.source_addr_npi));
                dst = rules->carrier_destination(carrier, rules->from_client(m.account, b.destination_addr,
                                                                              b.dest_addr_ton, b.dest_addr_npi));
                b.source_addr = src.addr, b.source_addr_ton = src.ton, b.source_addr_npi = src.npi;
                b.destination_addr = dst.addr, b.dest_addr_ton = dst.ton, b.dest_addr_npi = dst.npi;
            }
        },
        p.body);
    if (const auto* cs = rules ? rules->charset(carrier) : nullptr) {
        with_charset(p, *cs, static_cast<std::uint16_t>(m.id.value), out);
        return out;
    }
    smpp::owned_pdu o{p};
    if (!o.failure()) out.pdus.push_back(std::move(o));
    return out;
}

std::optional<route::address> routed_destination(const store::message& m, const route::address_rules& rules) {
    return with_request(m, [&](const auto& s) {
        return rules.from_client(m.account, s.destination_addr, s.dest_addr_ton, s.dest_addr_npi);
    });
}

bool wants_receipt(const store::message& m) {
    auto v = request_fields(m);
    if (!v) return false;
    switch (v->registered_delivery & 0x03) {
    case 1: return store::is_final(m.state);
    case 2: return store::is_final(m.state) && m.state != store::msg_state::delivered;
    default: return false;
    }
}

std::uint8_t smpp_state_of(store::msg_state s) noexcept {
    using S = store::msg_state;
    switch (s) {
    // Everything on its way is ENROUTE (5.2.28); ACCEPTED means read by
    // customer service on the subscriber's behalf, not "queued".
    case S::accepted:
    case S::queued:
    case S::retry_pending:
    case S::submitted: return 1;
    case S::delivered: return 2;
    case S::undeliverable: return 5;
    case S::expired: return 3;
    case S::rejected: return 8;
    case S::cancelled: return 4;      // DELETED
    }
    return 7;
}

store::msg_state final_state_of(std::uint8_t smpp_state) noexcept {
    switch (smpp_state) {
    case 2: return store::msg_state::delivered;
    case 3: return store::msg_state::expired;
    case 4: return store::msg_state::cancelled;
    case 8: return store::msg_state::rejected;
    default: return store::msg_state::undeliverable;
    }
}

std::vector<std::uint8_t> stored_bytes(const smpp::pdu& p) {
    smpp::pdu copy = p;
    copy.sequence_number = 0;
    std::vector<std::uint8_t> out;
    if (const auto f = smpp::encode(copy, out)) {
        // Callers see an empty result; a PDU is never empty (16-byte header).
        stored_bytes_failures.fetch_add(1, std::memory_order_relaxed);
        log::error("store", "pdu_not_encodable").kv("why", f.describe());
        out.clear();
    }
    return out;
}

std::optional<store::delivery> client_receipt(const store::message& m, store::delivery_id id, store::epoch_ms now,
                                              std::uint32_t err, std::chrono::milliseconds keep) {
    auto v = request_fields(m);
    if (!v) return std::nullopt;
    const auto our_id = m.id.to_string();
    const auto state = smpp_state_of(m.state);
    route::receipt_fields f;
    f.id = our_id;
    f.dlvrd = m.state == store::msg_state::delivered ? 1 : 0;
    f.submit_date = route::format_receipt_date(m.accepted_at);
    f.done_date = route::format_receipt_date(m.done_at ? m.done_at : now);
    f.stat = std::string{route::stat_text(static_cast<route::message_state>(state))};
    f.err = err;
    // The excerpt is of the text: a concatenated part's UDH is not text.
    std::string_view body = v->short_message;
    if (v->esm_class & route::esm_udhi)
        if (auto n = route::udh_length(body)) body.remove_prefix(std::min(*n, body.size()));
    f.text = route::receipt_excerpt(body, v->data_coding);
    const auto text = route::format_receipt(f);

    smpp::pdu p{smpp::status::ok, 0, smpp::deliver_sm{}};
    auto& d = *p.as<smpp::deliver_sm>();
    d.service_type = v->service_type;
    d.source_addr_ton = v->dest_ton, d.source_addr_npi = v->dest_npi, d.source_addr = v->destination_addr;
    d.dest_addr_ton = v->source_ton, d.dest_addr_npi = v->source_npi, d.destination_addr = v->source_addr;
    d.esm_class = 0x04; // SMSC delivery receipt
    d.short_message = text;
    d.tlvs.push_back(smpp::tlv::cstring(smpp::tag::receipted_message_id, our_id));
    d.tlvs.push_back(smpp::tlv::u8(smpp::tag::message_state, state));
    store::delivery out;
    out.id = id;
    out.account = m.account;
    out.created_at = now;
    out.expires_at = now + keep.count();
    out.message = m.id;
    out.pdu = stored_bytes(p);
    return out;
}

} // namespace twinsms::engine
