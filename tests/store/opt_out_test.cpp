#define BOOST_TEST_MODULE store_opt_out
// Opt-out lists in the store: added and removed in batches, looked up,
// listed per account in number order with paging, kept across a reopen, and
// in the change stream like every other write.
#include "store/store_fixture.hpp"

using namespace store_test;

namespace {
std::vector<std::string> numbers(const std::vector<opt_out_entry>& es) {
    std::vector<std::string> out;
    for (const auto& e : es) out.push_back(e.number);
    return out;
}
using strings = std::vector<std::string>;
} // namespace

BOOST_AUTO_TEST_CASE(added_looked_up_listed_and_removed) {
    temp_dir dir;
    message_store s{options(dir.path())};
    BOOST_TEST(!s.opted_out("acme", "447700900001").has_value());
    write_batch b;
    b.put_opt_out({"acme", "447700900003", 1000, "mo STOP via uk"});
    b.put_opt_out({"acme", "447700900001", 2000, "admin"});
    b.put_opt_out({"acme2", "447700900002", 3000, "admin"}); // another account, sorting right after
    b.put_opt_out({"acm", "447700900009", 4000, "admin"});   // and one right before
    BOOST_REQUIRE(!commit(s, std::move(b)));
    const auto e = s.opted_out("acme", "447700900003");
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->at == 1000);
    BOOST_TEST(e->via == "mo STOP via uk");
    BOOST_TEST(!s.opted_out("acme", "447700900002").has_value()); // acme2's
    BOOST_TEST((numbers(s.opt_outs("acme", "", 10)) == strings{"447700900001", "447700900003"}));
    BOOST_TEST((numbers(s.opt_outs("acme", "", 1)) == strings{"447700900001"}));
    BOOST_TEST((numbers(s.opt_outs("acme", "447700900001", 10)) == strings{"447700900003"}));
    BOOST_TEST(s.opt_outs("acme", "447700900003", 10).empty());
    BOOST_TEST((numbers(s.opt_outs("acme2", "", 10)) == strings{"447700900002"}));
    BOOST_TEST(s.opt_outs("nobody", "", 10).empty());

    write_batch r;
    r.erase_opt_out("acme", "447700900003");
    BOOST_REQUIRE(!commit(s, std::move(r)));
    BOOST_TEST(!s.opted_out("acme", "447700900003").has_value());
    BOOST_TEST((numbers(s.opt_outs("acme", "", 10)) == strings{"447700900001"}));
    BOOST_TEST(s.get_stats().ops[static_cast<std::size_t>(table::opt_out)] == 5u);
}

BOOST_AUTO_TEST_CASE(kept_across_a_reopen_and_in_the_change_stream) {
    temp_dir dir;
    std::vector<write_batch::op> seen;
    {
        message_store s{options(dir.path())};
        s.set_change_sink([&](std::uint64_t, const write_batch& b) {
            for (const auto& o : b.ops())
                if (o.t == table::opt_out) seen.push_back(o);
        });
        write_batch b;
        b.put_opt_out({"acme", "447700900004", 5000, "admin"});
        BOOST_REQUIRE(!commit(s, std::move(b)));
        s.flush();
    }
    BOOST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(!seen[0].erase);
    message_store again{options(dir.path())};
    const auto e = again.opted_out("acme", "447700900004");
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->at == 5000);
    // A replica replays the op as it came and holds the same entry.
    temp_dir other;
    message_store replica{options(other.path())};
    write_batch copy;
    copy.put(seen[0].t, seen[0].key, seen[0].value);
    BOOST_REQUIRE(!commit(replica, std::move(copy)));
    BOOST_TEST((replica.opted_out("acme", "447700900004") == e));
}
