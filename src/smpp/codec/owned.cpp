#include "smpp/codec/owned.hpp"

namespace twinsms::smpp {

owned_pdu::owned_pdu(std::span<const std::uint8_t> frame, const codec_options& opt)
    : bytes_(frame.begin(), frame.end()) {
    failure_ = decode(bytes_, pdu_, opt);
}

owned_pdu::owned_pdu(const pdu& p, const codec_options& opt) {
    failure_ = encode(p, bytes_, opt);
    if (!failure_) failure_ = decode(bytes_, pdu_, opt);
}

} // namespace twinsms::smpp
