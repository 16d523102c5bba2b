#pragma once
// The SMPP side of a stored message: building it from a client's request,
// the request sent to the carrier, and the receipt deliver_sm the client
// gets back. Pure functions over the stored bytes.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "smpp/codec/owned.hpp"
#include "store/message.hpp"

namespace twinsms::route {
struct mt_request;
struct address;
class address_rules;
}

namespace twinsms::engine {

// The routing-relevant fields of a stored request.
struct request_view {
    std::string service_type, source_addr, destination_addr;
    std::uint8_t source_ton = 0, source_npi = 0, dest_ton = 0, dest_npi = 0;
    std::uint8_t registered_delivery = 0, data_coding = 0, esm_class = 0;
    std::string short_message; // or message_payload for data_sm
    route::mt_request as_request(std::string_view account) const;
};
std::optional<request_view> request_fields(const store::message& m);


// The stored request as sent to a carrier: the client's fields untouched
// except that an SMSC delivery receipt is always requested, since the
// carrier's receipt is how we learn the final state, and that with `rules`
// the numbers are as `carrier` wants them (route/address_rules.hpp). A
// carrier with a charset key gets the user data in its coding, split into
// parts when it wants that (sms/carrier_charset.hpp): one PDU per part, or
// none and the reason when the text cannot go to it. Without the key it is
// one PDU, as it always was; no pdus and no refusal: the stored request does
// not decode or encode.
struct carrier_pdus {
    boost::container::small_vector<smpp::owned_pdu, 1> pdus;
    std::string refusal;
};
carrier_pdus carrier_request(const store::message& m, const route::address_rules* rules = nullptr,
                             std::string_view carrier = {});

// The stored request's destination in the routed form of `rules`.
std::optional<route::address> routed_destination(const store::message& m, const route::address_rules& rules);

// How many SMS parts the stored request is on the air (what credit charges);
// 1 when it does not decode.
unsigned parts_of(const store::message& m);

// Whether the client asked for a receipt in this final state
// (registered_delivery bits 0-1: 1 = always, 2 = on failure only).
bool wants_receipt(const store::message& m);

// The receipt deliver_sm for the client: OUR message id in the text and in
// receipted_message_id, message_state from the final state, addresses
// swapped. nullopt if the stored request does not decode.
std::optional<store::delivery> client_receipt(const store::message& m, store::delivery_id id, store::epoch_ms now,
                                              std::uint32_t err = 0,
                                              std::chrono::milliseconds keep = std::chrono::hours(72));

// SMPP message_state (5.2.28) of a stored state, and back for receipts.
std::uint8_t smpp_state_of(store::msg_state s) noexcept;
store::msg_state final_state_of(std::uint8_t smpp_state) noexcept;

// Encodes `p` with sequence number 0, as the store keeps requests. Empty
// when `p` cannot be encoded (logged as pdu_not_encodable and counted in
// stored_bytes_failures): callers must not store or send that.
std::vector<std::uint8_t> stored_bytes(const smpp::pdu& p);
inline std::atomic<std::uint64_t> stored_bytes_failures{0};

} // namespace twinsms::engine
