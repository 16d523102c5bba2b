#include "cluster/peer_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/secret_equal.hpp"

namespace twinsms::cluster {
namespace {

void put_be(std::string& out, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
}

// Fixed layout, so no two different reports have the same MAC input.
std::string mac_input(const peer_report& r, std::uint64_t sequence) {
    std::string in = "twinsms-peer-status-v1";
    put_be(in, r.node_id.size(), 2);
    in += r.node_id;
    put_be(in, static_cast<std::uint8_t>(r.mode), 1);
    put_be(in, r.epoch, 4);
    put_be(in, r.carrier_queue, 4);
    put_be(in, (r.handover ? 1 : 0) | (r.reclaim ? 2 : 0) | (r.holding ? 4 : 0), 1);
    put_be(in, sequence, 8);
    return in;
}

} // namespace

std::string report_mac(const peer_report& r, std::uint64_t sequence, std::string_view secret) {
    const auto in = mac_input(r, sequence);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(in.data()),
         in.size(), out, &len);
    return std::string{reinterpret_cast<const char*>(out), len};
}

void sign(smpp::tlv_list& tlvs, const peer_report& r, std::uint64_t sequence, std::string_view secret,
          std::string& scratch) {
    scratch.clear();
    put_be(scratch, sequence, 8);
    scratch += report_mac(r, sequence, secret);
    const std::string_view s{scratch};
    tlvs.push_back(smpp::tlv{peer_tag::sequence, s.substr(0, 8)});
    tlvs.push_back(smpp::tlv{peer_tag::mac, s.substr(8)});
}

std::optional<std::uint64_t> verify(const smpp::tlv_list& tlvs, const peer_report& r, std::string_view secret) {
    const auto seq = smpp::get_octets(tlvs, peer_tag::sequence);
    const auto mac = smpp::get_octets(tlvs, peer_tag::mac);
    if (!seq || seq->size() != 8 || !mac || mac->size() != 32) return std::nullopt;
    std::uint64_t s = 0;
    for (const char c : *seq) s = (s << 8) | static_cast<std::uint8_t>(c);
    if (!secret_equal(*mac, report_mac(r, s, secret))) return std::nullopt;
    return s;
}

std::string replay_guard::accept(std::uint64_t sequence, std::int64_t now_us) {
    if (sequence <= last_) return "replayed or out of order (sequence " + std::to_string(sequence) + ", last " + std::to_string(last_) + ")";
    const auto skew = static_cast<std::int64_t>(sequence) - now_us;
    if (skew > max_skew_us_ || skew < -max_skew_us_)
        return "sequence " + std::to_string(sequence) + " is " + std::to_string(skew / 1'000'000) +
               " s from our clock (more than " + std::to_string(max_skew_us_ / 1'000'000) + " s: replayed, or the clocks differ)";
    last_ = sequence;
    return {};
}

} // namespace twinsms::cluster
