#pragma once
// Reading the `replication` object of a node's status document (the pair's
// replication tests).
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

namespace twinsms::test {

inline std::uint64_t num_of(const boost::json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_int64() ? static_cast<std::uint64_t>(v->as_int64()) : v && v->is_uint64() ? v->as_uint64() : 0;
}

inline const boost::json::object* replication_of(const boost::json::object& st) {
    const auto* r = st.if_contains("replication");
    return r && r->is_object() ? &r->as_object() : nullptr;
}

// The peer has acknowledged everything the node committed.
inline bool caught_up(const boost::json::object& st) {
    const auto* r = replication_of(st);
    return r && num_of(*r, "last_committed") > 0 && num_of(*r, "acked") == num_of(*r, "last_committed");
}

// Under load the two never stand equal for long: the peer has acknowledged
// at least `seq` (a last_committed read earlier).
inline auto acked_at_least(std::uint64_t seq) {
    return [seq](const boost::json::object& st) {
        const auto* r = replication_of(st);
        return r && num_of(*r, "acked") >= seq;
    };
}
inline std::uint64_t last_committed_of(const boost::json::object& st) {
    const auto* r = replication_of(st);
    return r ? num_of(*r, "last_committed") : 0;
}

} // namespace twinsms::test
