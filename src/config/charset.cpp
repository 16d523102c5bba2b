// A carrier profile's charset key: the alphabet data_coding 0 means on its
// link, whether it takes UCS-2 and message_payload, how it wants long
// messages split (sms/carrier_charset.hpp).
#include "config/profile_files.hpp"

namespace twinsms::config {

sms::carrier_charset read_charset(const reader& r) {
    sms::carrier_charset c;
    if (auto a = r.find("default_alphabet")) {
        static constexpr sms::alphabet by_index[] = {sms::alphabet::gsm, sms::alphabet::latin1, sms::alphabet::ascii};
        c.default_alphabet = by_index[a->choice({"gsm", "latin1", "ascii"})];
    }
    c.ucs2 = r.bool_or("ucs2", c.ucs2);
    c.message_payload = r.bool_or("message_payload", c.message_payload);
    if (auto k = r.find("concatenation")) {
        static constexpr sms::concatenation by_index[] = {sms::concatenation::udh8, sms::concatenation::udh16,
                                                          sms::concatenation::sar};
        c.concat = by_index[k->choice({"udh", "udh16", "sar"})];
    }
    // The header's part count is one octet.
    c.max_parts = static_cast<std::size_t>(r.int_or("max_parts", static_cast<std::int64_t>(c.max_parts), 1, 255));
    if (auto u = r.find("unrepresentable")) {
        c.other = u->choice({"refuse", "replace"}) == 0 ? sms::unrepresentable::refuse : sms::unrepresentable::replace;
        // With UCS-2 every character has a way through: nothing to replace.
        if (c.other == sms::unrepresentable::replace && c.ucs2)
            u->fail("replace is for a carrier that takes no UCS-2 (ucs2: false); with UCS-2 such a message goes as UCS-2");
    }
    r.finish();
    return c;
}

} // namespace twinsms::config
