#pragma once
// PDUs for the libsmpp34 differential test, encoded by our codec. Kept apart
// from libsmpp34_diff_test.cpp, the only file that sees libsmpp34's headers.
#include <string>
#include <vector>

#include "smpp/codec/owned.hpp"

namespace twinsms::smpp::test {

struct corpus_entry {
    std::string name;
    owned_pdu pdu;
    // Empty when libsmpp34 must accept the PDU. Otherwise libsmpp34 rejects
    // it although real peers send it, and this says what is unusual.
    std::string libsmpp34_rejects;
};

// Every PDU type libsmpp34 knows, with varied field values and TLVs, all
// within libsmpp34's own limits (TON/NPI from its lists, 3.4 interface
// version, non-zero sequence numbers, at most a handful of TLVs).
std::vector<corpus_entry> accepted_corpus();

// What real peers send and libsmpp34 refuses.
std::vector<corpus_entry> real_peer_corpus();

} // namespace twinsms::smpp::test
