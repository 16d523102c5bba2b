// Merging what the peer did for this store (dispatcher.hpp, adopt): after a
// failback to a node that never stopped, the survivor's run of its promoted
// replica comes back as images and mappings (replication/live_merge.hpp).
#include "engine/dispatcher.hpp"
#include "engine/message_pdu.hpp"
#include "route/receipt_text.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

namespace {
// Records per write: a large merge goes in several commits, not one
// transaction past the store's max_batch_ops.
constexpr std::size_t ops_per_write = 2'000;
} // namespace

void dispatcher::adopt(std::vector<store::message> images, std::vector<store::merge_plan::mapping> mappings,
                       std::function<void(adoption)> done) {
    struct progress_of_merge {
        adoption counts;
        std::size_t writes = 0;
        std::function<void(adoption)> done;
    };
    auto p = std::make_shared<progress_of_merge>();
    p->done = std::move(done);
    const auto now = now_();
    const auto expires = now + cfg_.receipt_map_ttl.count();
    store::write_batch b;
    std::vector<std::uint64_t> held; // ids kept busy until their write commits
    auto map = [&](const std::string& carrier, const std::string& carrier_id, store::message_id id) {
        // The keys of the id, as at a submit; another reading that names
        // something already is left alone.
        const auto forms = route::message_id_keys(carrier_id);
        for (std::size_t i = 0; i < forms.size(); ++i) {
            if (forms[i].empty()) continue;
            if (i > 0 && store_.find_receipt(carrier, forms[i], now)) continue;
            b.put_receipt_map(carrier, forms[i], id, expires);
        }
    };
    auto write = [&] {
        if (b.empty()) return;
        ++p->writes;
        store_.write(std::exchange(b, {}), executor_,
                     [this, p, ids = std::exchange(held, {}), alive = std::weak_ptr<int>{alive_}](const store::error_code& ec) {
                         if (ec) {
                             p->counts.failed += ids.size();
                             log::error("dispatcher", "merge_write_failed").kv("messages", ids.size()).kv("error", ec.message())
                                 .kv("then", "those messages are sent again from their older image");
                             spilled_ = true; // read back from the store
                         }
                         if (!alive.expired())
                             for (auto id : ids) untrack(id);
                         if (--p->writes == 0 && p->done) std::exchange(p->done, nullptr)(p->counts);
                     });
    };
    for (auto& c : images) {
        const auto id = c.id.value;
        auto t = tracked_.find(id);
        if (t != tracked_.end() && t->second.busy) {
            ++p->counts.busy; // our own attempt is under way: both sent, its receipt finds ours
            if (!c.carrier_message_id.empty()) map(c.carrier, c.carrier_message_id, c.id), ++p->counts.mappings;
            continue;
        }
        const auto before = t != tracked_.end() ? std::optional{t->second.m} : store_.get(c.id);
        if (!before || store::progress(c.state) <= store::progress(before->state)) {
            ++p->counts.behind;
            continue;
        }
        c.in_flight = false;
        store::add_event(c, {now, c.state, c.last_status,
                             "merged from the peer's run of this store: " + c.carrier + " " + c.carrier_message_id});
        b.put_message(c, &*before);
        if (!c.carrier_message_id.empty()) map(c.carrier, c.carrier_message_id, c.id);
        // Busy until committed, so the older image is not dispatched meanwhile.
        if (t != tracked_.end()) t->second = tracked{c, {}, true};
        else tracked_.emplace(id, tracked{c, {}, true});
        held.push_back(id);
        ++p->counts.messages;
        if (b.ops().size() >= ops_per_write) write();
    }
    for (const auto& m : mappings) {
        map(m.carrier, m.carrier_id, m.message);
        ++p->counts.mappings;
        if (b.ops().size() >= ops_per_write) write();
    }
    write();
    if (p->writes == 0 && p->done) std::exchange(p->done, nullptr)(p->counts);
}

} // namespace twinsms::engine
