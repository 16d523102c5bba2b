#pragma once
// Pair tests of replication through takeovers and failbacks (node.replication
// on): load with receipts through both nodes (alpha at home on site1, bravo
// on site2, each trying the other site when refused), a round that kills a
// node with SIGKILL, lets the survivor run its promoted replica, restarts
// the node (which takes its store back before it serves) and waits for the
// failback; and the final tally against what the carrier simulator got.
#include "pair/pair_fixture.hpp"
#include "pair/replication_status.hpp"

namespace twinsms::test {

struct failback_tally {
    std::size_t sent = 0, acked = 0, delivered = 0, lost = 0, duplicated = 0, receipts_missing = 0;
    std::string lost_texts, missing_receipts; // the first few, for a failure message
    std::vector<std::string> missing_keys;    // client message ids and carrier ids of the first few
    std::map<std::string, std::size_t> duplicated_by_client; // "alpha", "bravo": repeats at the carrier
};

struct failback_fixture : pair_fixture {
    load_client alpha, bravo;
    static pair_options defaults() { return pair_options{.hold = "1s", .replication = true}; }
    explicit failback_fixture(ms gap = 10ms, pair_options o = defaults())
        : pair_fixture(std::move(o)),
          alpha{io, {s1.smpp_port, s2.smpp_port}, "alpha", "alpha1", "alpha"},
          bravo{io, {s2.smpp_port, s1.smpp_port}, "bravo", "bravo1", "bravo"} {
        alpha.registered_delivery = bravo.registered_delivery = 1;
        alpha.gap = bravo.gap = gap;
    }

    std::int64_t stored_deliveries(site& s) {
        auto st = try_status(s);
        if (!st) return -1;
        return st->at("queue").as_object().at("deliveries").to_number<std::int64_t>();
    }
    void await_load_on(load_client& c, site& s, const std::string& what) {
        require([&] { return c.bound && c.bound_port == s.smpp_port; }, c.system_id + " bound on " + s.name + " " + what, 20s);
        const auto ok = c.ok;
        require([&] { return c.ok >= ok + 10; }, c.system_id + "'s load accepted on " + s.name + " " + what, 15s);
    }
    void start_load() {
        alpha.start();
        bravo.start();
        require([&] { return alpha.ok >= 50 && bravo.ok >= 50; }, "both clients' load flowing", 15s);
    }

    // kill -9 of `dead`; `survivor` promotes its replica and serves `moved`;
    // `dead` restarts, takes its store back (before it serves), and the
    // pair fails back; the survivor's replica is a replica again.
    // `after_kill`: right after the kill; `on_survivor`: what must happen
    // while `moved` is served by the survivor (before the restart).
    void round(site& dead, site& survivor, load_client& moved, load_client& home_of_survivor, const std::string& what,
               const std::function<void()>& on_survivor = {}, const std::function<void()>& after_kill = {}) {
        const auto from_dead = survivor.mark();
        kill9(dead);
        if (after_kill) after_kill();
        await_mode(survivor, "took_over", 15s);
        require([&] { return survivor.has("node", "peer_store_taken_over", {}, from_dead); },
                survivor.name + " runs " + dead.name + "'s replica " + what, 15s);
        await_load_on(moved, survivor, "after the takeover " + what);
        if (on_survivor) on_survivor();
        const auto from_back = survivor.mark();
        start(dead);
        BOOST_TEST(dead.has("node", "store_reclaimed_from_peer"), dead.name << " took its store back " << what);
        require([&] { return survivor.has("node", "peer_store_retired", {}, from_back); },
                survivor.name + " retired the engine over " + dead.name + "'s store " + what, 15s);
        await_mode(survivor, "normal", 25s);
        await_mode(dead, "normal", 25s);
        await_load_on(moved, dead, "after the failback " + what);
        await_load_on(home_of_survivor, survivor, "after the failback " + what);
        require([&] { return survivor.has("replication", "replica_restored", {}, from_back); },
                survivor.name + "'s replica of " + dead.name + " receiving again " + what, 15s);
    }
    void round_of(int n, const std::function<void()>& on_survivor = {}) {
        const auto r = " (round " + std::to_string(n) + ")";
        if (n % 2 == 1) round(s1, s2, alpha, bravo, "(primary killed)" + r, on_survivor);
        else round(s2, s1, bravo, alpha, "(secondary killed)" + r, on_survivor);
    }

    // Texts the carrier accepted, with how often (throttled attempts have no id).
    static std::map<std::string, std::size_t> accepted_at_carrier(const smsc_simulator& s) {
        std::map<std::string, std::size_t> out;
        for (const auto& m : s.messages())
            if (!m.message_id.empty()) ++out[m.text];
        return out;
    }

    // Stops the load, binds each client once more where it is served (the
    // last receipts may come after its load session ended), waits (bounded)
    // until nothing is lost, every receipt arrived and neither store holds
    // a delivery, and counts.
    failback_tally settle() {
        alpha.stop();
        bravo.stop();
        require([&] { return alpha.done && bravo.done; }, "clients stopped", 20s);
        load_client* both[] = {&alpha, &bravo};
        std::unique_ptr<esme> collectors[2];
        for (std::size_t i = 0; i < 2; ++i) {
            both[i]->harvest();
            require([&] {
                for (auto* s : {&s1, &s2}) {
                    auto e = connect(s->smpp_port);
                    if (auto st = try_bind(*e, both[i]->system_id, both[i]->password); st && *st == status::ok) {
                        collectors[i] = std::move(e);
                        return true;
                    }
                }
                return false;
            }, both[i]->system_id + " bound where it is served", 10s);
        }
        auto receipts_of = [&](std::size_t i, const std::string& id) {
            const auto it = both[i]->receipts.find(id);
            std::size_t n = it == both[i]->receipts.end() ? 0 : it->second;
            for (const auto& p : collectors[i]->delivered)
                if (const auto* d = p->as<deliver_sm>();
                    d && (d->esm_class & 0x3C) == 0x04 && smpp::receipted_message_id(d->tlvs).value_or("") == id)
                    ++n;
            return n;
        };
        auto tally_now = [&] {
            failback_tally t;
            t.sent = alpha.sent + bravo.sent;
            const auto carrier = accepted_at_carrier(*sim);
            for (std::size_t i = 0; i < 2; ++i)
                for (const auto& [text, id] : both[i]->accepted) {
                    ++t.acked;
                    const auto it = carrier.find(text);
                    const std::size_t n = it == carrier.end() ? 0 : it->second;
                    ++(n == 0 ? t.lost : t.delivered);
                    if (n == 0 && t.lost_texts.size() < 600) t.lost_texts += " " + text + " (" + id + ")";
                    if (n > 1) t.duplicated += n - 1, t.duplicated_by_client[both[i]->system_id] += n - 1;
                    if (receipts_of(i, id) == 0) {
                        ++t.receipts_missing;
                        if (t.missing_receipts.size() < 600) {
                            std::string carrier_ids;
                            for (const auto& m : sim->messages())
                                if (m.text == text) carrier_ids += (carrier_ids.empty() ? "" : ",") + m.message_id;
                            t.missing_receipts += " " + both[i]->system_id + ":" + id + " (" + text + ", carrier ids " +
                                                  carrier_ids + ")";
                            t.missing_keys.push_back(id);
                        }
                    }
                }
            return t;
        };
        wait([&] {
            const auto t = tally_now();
            return t.lost == 0 && t.receipts_missing == 0 && stored_deliveries(s1) == 0 && stored_deliveries(s2) == 0;
        }, 40s);
        auto t = tally_now();
        if (t.receipts_missing) trace_missing(t);
        return t;
    }

    // For a failure that CI shows only as its output: what both nodes logged
    // about the first messages without a receipt, and the events around
    // resends and unmatched receipts (bounded).
    void trace_missing(const failback_tally& t) {
        static constexpr std::string_view around[] = {"event=retry ", "event=unknown_receipt", "event=duplicate_receipt",
                                                      "event=closed", "event=bound", "event=handed_to_peer", "event=transition"};
        for (auto* s : {&s1, &s2}) {
            if (s->proc) s->log.update(s->proc->proc().err());
            std::size_t shown = 0;
            std::string out;
            for (const auto* lines : {&s->earlier, &s->log.lines})
                for (const auto& l : *lines) {
                    bool hit = false;
                    for (std::size_t k = 0; k < t.missing_keys.size() && k < 4 && !hit; ++k)
                        hit = l.find(t.missing_keys[k]) != std::string::npos;
                    for (auto a : around) hit = hit || l.find(a) != std::string::npos;
                    if (hit && shown++ < 150) out += "\n  " + l;
                }
            std::cout << "trace of missing receipts, " << s->name << " (" << shown << " lines):" << out << std::endl;
        }
    }
};

} // namespace twinsms::test
