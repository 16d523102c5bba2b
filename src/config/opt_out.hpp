#pragma once
// A client's opt-out (do-not-disturb) list: the MO keywords that put a
// handset on it and take it off, and whether the client's messages to a
// listed handset are refused. Plain data read from the `opt_out` key of a
// client profile (config/opt_out.cpp); route/opt_out_rules.hpp decides and
// the store holds the list (store/opt_out.hpp).
#include <string>
#include <vector>

namespace twinsms::config {

struct opt_out_settings {
    // First word of an MO routed to this client, compared without case.
    std::vector<std::string> stop{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"};
    std::vector<std::string> start{"START", "UNSTOP"};
    // false: the list is kept (and can be exported) but the client's
    // messages to listed handsets still go; the client application decides.
    bool enforce = true;
};

} // namespace twinsms::config
