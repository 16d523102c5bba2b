#include "guard/credential_guard.hpp"

#include <algorithm>

namespace twinsms::guard {
namespace {

boost::asio::ip::address canonical(const boost::asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    return a;
}

std::string key_of(const boost::asio::ip::address& a) { return canonical(a).to_string(); }

} // namespace

std::string_view door_name(door d) noexcept {
    switch (d) {
    case door::smpp: return "smpp";
    case door::admin: return "admin";
    case door::api: return "api";
    case door::sendsms: return "sendsms";
    case door::smtp: return "smtp";
    }
    return "unknown";
}

std::string_view verdict_name(verdict v) noexcept {
    switch (v) {
    case verdict::allow: return "allow";
    case verdict::address_blocked: return "address_blocked";
    case verdict::network_blocked: return "network_blocked";
    case verdict::account_locked: return "account_locked";
    case verdict::overloaded: return "overloaded";
    }
    return "unknown";
}

std::string network_of(const boost::asio::ip::address& addr) {
    const auto a = canonical(addr);
    if (a.is_v4()) {
        auto b = a.to_v4().to_bytes();
        b[3] = 0;
        return boost::asio::ip::address_v4{b}.to_string() + "/24";
    }
    auto b = a.to_v6().to_bytes();
    std::fill(b.begin() + 7, b.end(), 0);
    return boost::asio::ip::address_v6{b}.to_string() + "/56";
}

bool credential_guard::blocked(const table& t, const std::string& key, time_point now) {
    auto it = t.entries.find(key);
    return it != t.entries.end() && now < it->second.blocked_until;
}

bool credential_guard::trusted(const std::string& key, time_point now) const {
    auto it = trusted_.find(key);
    return it != trusted_.end() && now < it->second;
}

bool credential_guard::count(counter& c, time_point now, unsigned max, std::chrono::milliseconds window,
                             std::chrono::milliseconds block) {
    if (c.failures == 0 || now - c.first > window) {
        c.failures = 0;
        c.first = now;
    }
    if (++c.failures < max) return false;
    // Counting starts over when the block ends: the next `max` failures block again.
    const bool starts = now >= c.blocked_until;
    c.blocked_until = now + block;
    c.failures = 0;
    return starts;
}

bool credential_guard::room(table& t, const std::string& key, time_point now, std::chrono::milliseconds window) {
    if (t.entries.size() < cfg_.max_addresses || t.entries.contains(key)) return true;
    if (now < t.next_prune) return false;
    time_point next = time_point::max();
    for (auto it = t.entries.begin(); it != t.entries.end();) {
        const auto stale_at = std::max(it->second.blocked_until, it->second.first + window);
        if (now >= stale_at) {
            it = t.entries.erase(it);
        } else {
            next = std::min(next, stale_at);
            ++it;
        }
    }
    t.next_prune = next;
    return t.entries.size() < cfg_.max_addresses;
}

verdict credential_guard::check(door d, const boost::asio::ip::address& a, std::string_view account, time_point now) {
    const auto key = key_of(a);
    verdict v = verdict::allow;
    if (blocked(addresses_, key, now)) {
        v = verdict::address_blocked;
    } else if (!trusted(key, now)) {
        // A trusted address (it logged in within trust_for) is not held back
        // by what others do: the account's own client keeps working while
        // its account is being guessed at, or the node flooded.
        if (blocked(networks_, network_of(a), now)) v = verdict::network_blocked;
        else if (now < overloaded_until_) v = verdict::overloaded;
        else if (!account.empty() && blocked(accounts_, std::string{account}, now)) {
            v = verdict::account_locked;
            // Still guessing: the address is counted as if it had failed,
            // so it ends up blocked like any other guesser.
            if (room(addresses_, key, now, cfg_.window) &&
                count(addresses_.entries[key], now, cfg_.max_failures, cfg_.window, cfg_.block_for))
                ++started_.address_blocks;
        }
    }
    if (v != verdict::allow) ++doors_[static_cast<std::size_t>(d)].refused[static_cast<std::size_t>(v)];
    return v;
}

verdict credential_guard::failed(door d, const boost::asio::ip::address& a, std::string_view account, time_point now) {
    ++doors_[static_cast<std::size_t>(d)].failures;
    verdict started = verdict::allow;
    const auto key = key_of(a);
    if (room(addresses_, key, now, cfg_.window)) {
        if (count(addresses_.entries[key], now, cfg_.max_failures, cfg_.window, cfg_.block_for)) {
            started = verdict::address_blocked;
            ++started_.address_blocks;
        }
    } else if (const auto net = network_of(a); room(networks_, net, now, cfg_.window)) {
        if (count(networks_.entries[net], now, cfg_.max_failures, cfg_.window, cfg_.block_for)) {
            started = verdict::network_blocked;
            ++started_.network_blocks;
        }
    } else {
        // Nowhere left to count this one: the unknown wait a window after
        // the last failure that could not be counted.
        if (now >= overloaded_until_) {
            started = verdict::overloaded;
            ++started_.overloads;
        }
        overloaded_until_ = now + cfg_.window;
    }
    if (!account.empty()) {
        const std::string acc{account};
        if (room(accounts_, acc, now, cfg_.account_window) &&
            count(accounts_.entries[acc], now, cfg_.account_max_failures, cfg_.account_window, cfg_.account_lockout)) {
            if (started == verdict::allow) started = verdict::account_locked;
            ++started_.account_lockouts;
        }
    }
    return started;
}

void credential_guard::succeeded(door, const boost::asio::ip::address& a, std::string_view account, time_point now) {
    const auto key = key_of(a);
    addresses_.entries.erase(key);
    if (!account.empty()) {
        // The account's failures so far were someone else's or a typo; a
        // lockout in force stays (for the others).
        auto it = accounts_.entries.find(std::string{account});
        if (it != accounts_.entries.end() && now >= it->second.blocked_until) accounts_.entries.erase(it);
    }
    if (trusted_.size() >= cfg_.max_addresses && !trusted_.contains(key) && now >= next_trusted_prune_) {
        time_point next = time_point::max();
        for (auto it = trusted_.begin(); it != trusted_.end();) {
            if (now >= it->second) {
                it = trusted_.erase(it);
            } else {
                next = std::min(next, it->second);
                ++it;
            }
        }
        next_trusted_prune_ = next;
    }
    if (trusted_.size() < cfg_.max_addresses || trusted_.contains(key)) trusted_[key] = now + cfg_.trust_for;
}

} // namespace twinsms::guard
