// The credential guard's part of /metrics (node_metrics.cpp lists every name):
//   twinsms_auth_failures_total{door}            counter wrong secrets (door: smpp, admin, api, sendsms, smtp)
//   twinsms_auth_refused_total{door,reason}      counter attempts refused unchecked (address_blocked,
//                                                        network_blocked, account_locked, overloaded)
//   twinsms_auth_blocks_total{kind}              counter blocks started (address, network, account, overload)
//   twinsms_auth_tracked{table}                  gauge   entries held (addresses, networks, accounts, trusted)
#include "app/metrics/node_metrics_parts.hpp"
#include "app/node.hpp"

namespace twinsms::app {

void guard_metrics(metrics_writer& w, const guard::credential_guard& g) {
    using guard::door;
    using guard::verdict;
    constexpr door doors[] = {door::smpp, door::admin, door::api, door::sendsms, door::smtp};
    w.family("twinsms_auth_failures_total", "counter", "wrong passwords and tokens, by door");
    for (auto d : doors) w.sample({{"door", guard::door_name(d)}}, g.counts(d).failures);
    w.family("twinsms_auth_refused_total", "counter", "logins refused before their secret was compared");
    for (auto d : doors)
        for (auto v : {verdict::address_blocked, verdict::network_blocked, verdict::account_locked, verdict::overloaded})
            w.sample({{"door", guard::door_name(d)}, {"reason", guard::verdict_name(v)}},
                     g.counts(d).refused[static_cast<std::size_t>(v)]);
    const auto& s = g.started();
    w.family("twinsms_auth_blocks_total", "counter", "blocks started by repeated failed logins");
    w.sample({{"kind", "address"}}, s.address_blocks);
    w.sample({{"kind", "network"}}, s.network_blocks);
    w.sample({{"kind", "account"}}, s.account_lockouts);
    w.sample({{"kind", "overload"}}, s.overloads);
    w.family("twinsms_auth_tracked", "gauge", "entries the credential guard holds (bounded by auth_guard.max_tracked)");
    w.sample({{"table", "addresses"}}, static_cast<std::uint64_t>(g.tracked_addresses()));
    w.sample({{"table", "networks"}}, static_cast<std::uint64_t>(g.tracked_networks()));
    w.sample({{"table", "accounts"}}, static_cast<std::uint64_t>(g.tracked_accounts()));
    w.sample({{"table", "trusted"}}, static_cast<std::uint64_t>(g.trusted_addresses()));
}

} // namespace twinsms::app
