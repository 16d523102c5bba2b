#pragma once
// operator<< for the session enums so BOOST_TEST can print them on failure.
#include <ostream>

#include "smpp/codec/command.hpp"
#include "smpp/codec/error.hpp"
#include "smpp/session/bind_state.hpp"
#include "smpp/session/error.hpp"

namespace twinsms::smpp {
inline std::ostream& operator<<(std::ostream& os, bind_state s) { return os << to_string(s); }
inline std::ostream& operator<<(std::ostream& os, command_id id) { return os << to_string(id); }
inline std::ostream& operator<<(std::ostream& os, role r) { return os << (r == role::esme ? "esme" : "smsc"); }
inline std::ostream& operator<<(std::ostream& os, session_error e) { return os << make_error_code(e).message(); }
inline std::ostream& operator<<(std::ostream& os, codec_error e) { return os << make_error_code(e).message(); }
} // namespace twinsms::smpp

// bind_type is config's enum (config/session.hpp): found there by ADL.
namespace twinsms::config {
inline std::ostream& operator<<(std::ostream& os, bind_type t) { return os << smpp::to_string(t); }
} // namespace twinsms::config
