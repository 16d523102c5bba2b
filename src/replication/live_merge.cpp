// What a fenced node takes from the peer's copy of its store (live_merge.hpp).
#include "replication/live_merge.hpp"

#include <limits>
#include <set>

#include "replication/reclaim.hpp"
#include "util/log.hpp"

namespace twinsms::replication {

using store::progress;

namespace {

void plan_messages(const store::message_store& live, const store::message_store& copy, live_merge_plan& out) {
    copy.scan_messages(std::nullopt, std::numeric_limits<std::size_t>::max(), [&](const store::message& c) {
        ++out.scanned;
        // Only messages both hold: one only the copy has was finished and
        // swept here (or never ours), and ours alone are newer than the copy.
        const auto l = live.get(c.id);
        if (!l) return true;
        const bool sent_there = progress(c.state) >= 1 && !c.carrier_message_id.empty();
        if (progress(c.state) > progress(l->state)) {
            out.messages.push_back(c);
            out.messages.back().in_flight = false; // the survivor retired its engine once its attempts were answered
        } else if (sent_there && (c.carrier != l->carrier || c.carrier_message_id != l->carrier_message_id)) {
            out.mappings.push_back({c.carrier, c.carrier_message_id, c.id});
        }
        return true;
    });
}

void plan_deliveries(const store::message_store& live, const store::message_store& copy,
                     const std::vector<std::string>& accounts, live_merge_plan& out) {
    constexpr auto all = std::numeric_limits<std::size_t>::max();
    for (const auto& account : accounts) {
        // The same receipt or MO has the same message and PDU on both sides
        // (ids may differ: both stores hand them out).
        std::set<std::pair<std::uint64_t, std::vector<std::uint8_t>>> have;
        for (auto& d : live.deliveries_for(account, all)) have.emplace(d.message.value, std::move(d.pdu));
        for (auto& d : copy.deliveries_for(account, all))
            if (!have.contains({d.message.value, d.pdu})) out.deliveries.push_back(std::move(d));
    }
}

} // namespace

std::string plan_live_merge(const store::message_store& live, const store::store_options& own,
                            const std::filesystem::path& copy_file, const std::filesystem::path& work_dir,
                            const std::vector<std::string>& accounts, live_merge_plan& out) {
    if (auto why = place_copy(copy_file, work_dir); !why.empty()) return why;
    std::string why;
    try {
        auto co = own;
        co.path = work_dir;
        co.sync = false; // read only: nothing here needs to survive a crash
        const store::message_store copy{co};
        plan_messages(live, copy, out);
        plan_deliveries(live, copy, accounts, out);
    } catch (const std::exception& e) {
        why = std::string{"the copy does not open as a store: "} + e.what();
    }
    std::error_code ec;
    std::filesystem::remove_all(work_dir, ec);
    return why;
}

} // namespace twinsms::replication
