#pragma once
// What a shared profile is, as a digest both nodes can compare: the YAML
// tree in a canonical form (mapping keys sorted, comments and layout
// ignored), without the node-local `state:` of a client or carrier (active
// on one node, passive on the other by design), hashed with SHA-256. Pure.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::settings {

// Profile key ("clients/alpha.yaml", "carriers/sim.yaml", "routes.yaml") -> digest.
using digest_map = std::map<std::string, std::string, std::less<>>;

// The root key a profile file of that key has: "client", "carrier", or
// empty for routes.yaml (two roots, routes and mo, and no state).
std::string_view root_of(std::string_view profile) noexcept;

// 64 hex digits over the canonical tree of `yaml` without <root>.state.
// Throws std::runtime_error when the text does not parse.
std::string profile_digest(std::string_view yaml, std::string_view root);

// One digest of several profiles (those both nodes hold): over the sorted
// names and their digests, so it does not depend on listing order.
std::string set_digest(const digest_map& profiles);

// The text of <root>.state in `yaml`, or nullopt without one.
std::optional<std::string> state_of(std::string_view yaml, std::string_view root);

// `yaml` with <root>.state set to `state` (removed when nullopt), every
// other line as it was (comments kept). Block-style mappings only; throws
// std::runtime_error for what it cannot rewrite safely.
std::string with_state(std::string_view yaml, std::string_view root, const std::optional<std::string>& state);

} // namespace twinsms::settings
