#include "cluster/peer_report.hpp"

#include "smpp/codec/pdu.hpp"

namespace twinsms::cluster {

std::string_view to_string(node_mode m) noexcept {
    switch (m) {
    case node_mode::joining: return "joining";
    case node_mode::normal: return "normal";
    case node_mode::took_over: return "took_over";
    case node_mode::handing_back: return "handing_back";
    case node_mode::fenced: return "fenced";
    case node_mode::standby: return "standby";
    }
    return "unknown";
}

namespace {
constexpr std::uint8_t flag_handover = 1, flag_reclaim = 2, flag_holding = 4;
}

smpp::tlv_list encode(const peer_report& r) {
    smpp::tlv_list l;
    l.push_back(smpp::tlv::cstring(peer_tag::node_id, r.node_id));
    l.push_back(smpp::tlv::u8(peer_tag::mode, static_cast<std::uint8_t>(r.mode)));
    l.push_back(smpp::tlv::u32(peer_tag::epoch, r.epoch));
    l.push_back(smpp::tlv::u32(peer_tag::carrier_queue, r.carrier_queue));
    const std::uint8_t flags =
        (r.handover ? flag_handover : 0) | (r.reclaim ? flag_reclaim : 0) | (r.holding ? flag_holding : 0);
    l.push_back(smpp::tlv::u8(peer_tag::flags, flags));
    return l;
}

std::optional<peer_report> decode(const smpp::tlv_list& tlvs) {
    const auto id = smpp::get_cstring(tlvs, peer_tag::node_id);
    const auto mode = smpp::get_u8(tlvs, peer_tag::mode);
    const auto epoch = smpp::get_u32(tlvs, peer_tag::epoch);
    if (!id || !mode || !epoch || *mode > static_cast<std::uint8_t>(node_mode::standby)) return std::nullopt;
    peer_report r;
    r.node_id = std::string{*id};
    r.mode = static_cast<node_mode>(*mode);
    r.epoch = *epoch;
    r.carrier_queue = smpp::get_u32(tlvs, peer_tag::carrier_queue).value_or(0);
    const auto flags = smpp::get_u8(tlvs, peer_tag::flags).value_or(0);
    r.handover = flags & flag_handover;
    r.reclaim = flags & flag_reclaim;
    r.holding = flags & flag_holding;
    return r;
}

smpp::tlv_list encode(const forwarded_receipt& f) {
    smpp::tlv_list l;
    l.push_back(smpp::tlv::cstring(peer_tag::forward_carrier, f.carrier));
    l.push_back(smpp::tlv{peer_tag::forward_pdu, f.pdu});
    return l;
}

std::optional<forwarded_receipt> decode_forward(const smpp::tlv_list& tlvs) {
    const auto carrier = smpp::get_cstring(tlvs, peer_tag::forward_carrier);
    const auto pdu = smpp::get_octets(tlvs, peer_tag::forward_pdu);
    if (!carrier || carrier->empty() || !pdu || pdu->size() < smpp::header_size) return std::nullopt;
    return forwarded_receipt{std::string{*carrier}, std::string{*pdu}};
}

namespace {
void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
}
std::uint64_t get_u64(std::string_view in) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
    return v;
}
} // namespace

smpp::tlv_list encode(const handed_delivery& d, std::string& scratch) {
    scratch.clear();
    put_u64(scratch, d.message);
    put_u64(scratch, static_cast<std::uint64_t>(d.created_at));
    put_u64(scratch, static_cast<std::uint64_t>(d.expires_at));
    smpp::tlv_list l;
    l.push_back(smpp::tlv::cstring(peer_tag::handoff_account, d.account));
    l.push_back(smpp::tlv{peer_tag::handoff_times, scratch});
    l.push_back(smpp::tlv{peer_tag::handoff_pdu, d.pdu});
    return l;
}

std::optional<handed_delivery> decode_handoff(const smpp::tlv_list& tlvs) {
    const auto account = smpp::get_cstring(tlvs, peer_tag::handoff_account);
    const auto times = smpp::get_octets(tlvs, peer_tag::handoff_times);
    const auto pdu = smpp::get_octets(tlvs, peer_tag::handoff_pdu);
    if (!account || account->empty() || !times || times->size() != 24 || !pdu || pdu->size() < smpp::header_size)
        return std::nullopt;
    handed_delivery d;
    d.account = std::string{*account};
    d.message = get_u64(times->substr(0, 8));
    d.created_at = static_cast<std::int64_t>(get_u64(times->substr(8, 8)));
    d.expires_at = static_cast<std::int64_t>(get_u64(times->substr(16, 8)));
    d.pdu = std::string{*pdu};
    return d;
}

} // namespace twinsms::cluster
