// node.yaml node.auth_guard: the credential guard's limits (guard/credential_guard.hpp).
#include "config/profiles.hpp"
#include "config/reader.hpp"

namespace twinsms::config {

guard::credential_guard_config read_auth_guard(const reader& r) {
    guard::credential_guard_config g;
    g.max_failures = static_cast<unsigned>(r.int_or("max_failures", g.max_failures, 1, 1'000'000));
    g.window = r.duration_or("window", g.window);
    g.block_for = r.duration_or("block_for", g.block_for);
    g.account_max_failures =
        static_cast<unsigned>(r.int_or("account_max_failures", g.account_max_failures, 1, 1'000'000));
    g.account_window = r.duration_or("account_window", g.account_window);
    g.account_lockout = r.duration_or("account_lockout", g.account_lockout);
    g.trust_for = r.duration_or("trust_for", g.trust_for);
    g.max_addresses = static_cast<std::size_t>(
        r.int_or("max_tracked", static_cast<std::int64_t>(g.max_addresses), 100, 10'000'000));
    for (const char* k : {"window", "block_for", "account_window", "account_lockout", "trust_for"})
        if (auto v = r.find(k); v && v->duration() <= std::chrono::milliseconds::zero()) v->fail("must be positive");
    r.finish();
    return g;
}

} // namespace twinsms::config
