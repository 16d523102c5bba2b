#pragma once
// One guard per node against credential guessing, shared by every front door
// that checks a secret: SMPP binds (plain, TLS, the second path), the admin
// and API Bearer tokens, the Kannel sendsms password and SMTP AUTH. Failures
// count per address (a guesser), per account (many guessers at one account)
// and, when the address table is full, per network (/24, /56), so an attack
// from many addresses is still throttled; when that table is full too, only
// addresses that logged in before are let in until the flood has passed
// (refuse the unknown rather than stop counting). Pure: the caller passes the
// time (steady clock) and does the logging; memory is bounded by the config.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

namespace twinsms::guard {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

// The doors, for the per-door figures on /metrics.
enum class door : std::uint8_t { smpp, admin, api, sendsms, smtp };
inline constexpr std::size_t door_count = 5;
std::string_view door_name(door d) noexcept;

// node.yaml node.auth_guard (config/auth_guard.cpp); the defaults are the node's.
struct credential_guard_config {
    unsigned max_failures = 5;                  // failures of one address within `window`...
    std::chrono::milliseconds window{60'000};
    std::chrono::milliseconds block_for{60'000}; // ...block it (and, past the address table, its network) this long
    unsigned account_max_failures = 20;          // failures at one account within `account_window`...
    std::chrono::milliseconds account_window{600'000};
    std::chrono::milliseconds account_lockout{900'000}; // ...lock it this long, except from trusted addresses
    std::chrono::milliseconds trust_for{86'400'000};    // an address that logged in is trusted this long
    std::size_t max_addresses = 10'000; // each table holds at most this many entries
};

enum class verdict : std::uint8_t {
    allow,
    address_blocked, // this address failed too often
    network_blocked, // addresses of its /24 (/64) failed too often while the address table was full
    account_locked,  // the account was guessed at too often (not from a trusted address)
    overloaded,      // both tables full: addresses that never logged in wait until the flood has passed
};
std::string_view verdict_name(verdict v) noexcept;

class credential_guard {
public:
    explicit credential_guard(credential_guard_config cfg = {}) : cfg_{cfg} {}

    // Before the secret is compared: anything but allow refuses the attempt
    // unchecked. `account`: the account the attempt names, if it names one.
    // An attempt at a locked account counts against its address as a failure.
    verdict check(door d, const boost::asio::ip::address& a, std::string_view account, time_point now);
    // A wrong secret. `account`: an existing account the attempt named, else
    // empty (an unknown name or token is counted for the address only, so
    // made-up names cannot fill the table). Returns what this failure
    // started (allow: nothing new), for the caller's log line.
    verdict failed(door d, const boost::asio::ip::address& a, std::string_view account, time_point now);
    // The right secret: the address's failures are forgotten and it is trusted.
    void succeeded(door d, const boost::asio::ip::address& a, std::string_view account, time_point now);

    struct door_counts {
        std::uint64_t failures = 0;
        std::array<std::uint64_t, 5> refused{}; // by verdict (index 0 unused)
    };
    const door_counts& counts(door d) const noexcept { return doors_[static_cast<std::size_t>(d)]; }
    struct totals {
        std::uint64_t address_blocks = 0, network_blocks = 0, account_lockouts = 0, overloads = 0;
    };
    const totals& started() const noexcept { return started_; }
    std::size_t tracked_addresses() const noexcept { return addresses_.entries.size(); }
    std::size_t tracked_networks() const noexcept { return networks_.entries.size(); }
    std::size_t tracked_accounts() const noexcept { return accounts_.entries.size(); }
    std::size_t trusted_addresses() const noexcept { return trusted_.size(); }
    const credential_guard_config& config() const noexcept { return cfg_; }
    // Reload: new limits for what comes next; what is counted stays.
    void set_config(const credential_guard_config& cfg) { cfg_ = cfg; }

private:
    struct counter {
        unsigned failures = 0;
        time_point first{};
        time_point blocked_until{};
    };
    struct table {
        std::unordered_map<std::string, counter> entries;
        // A full table with nothing stale is not scanned again before this
        // (when its first entry goes stale): a flood costs no scan per failure.
        time_point next_prune{};
    };
    // Counts one failure; true when it starts a block.
    static bool count(counter& c, time_point now, unsigned max, std::chrono::milliseconds window,
                      std::chrono::milliseconds block);
    // Makes room for `key` in `t` (dropping entries neither blocked nor in
    // their window); false if there is none.
    bool room(table& t, const std::string& key, time_point now, std::chrono::milliseconds window);
    bool trusted(const std::string& key, time_point now) const;
    static bool blocked(const table& t, const std::string& key, time_point now);

    credential_guard_config cfg_;
    table addresses_, networks_, accounts_;
    std::unordered_map<std::string, time_point> trusted_; // address -> trusted until
    time_point next_trusted_prune_{};
    time_point overloaded_until_{};
    std::array<door_counts, door_count> doors_{};
    totals started_;
};

// The network an address is counted under when the address table is full:
// "192.0.2.0/24", "2001:db8:1:200::/56" (an IPv4-mapped IPv6 address as
// IPv4). /56 for IPv6: what one customer of an ISP commonly gets.
std::string network_of(const boost::asio::ip::address& a);

} // namespace twinsms::guard
