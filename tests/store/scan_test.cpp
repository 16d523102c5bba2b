#define BOOST_TEST_MODULE store_scan
// The message log read: stored messages newest first, resumable below an
// id, bounded by a scan budget, stopped by the visitor.
#include "store/store_fixture.hpp"

using namespace store_test;

namespace {

using v64 = std::vector<std::uint64_t>;

struct scanned {
    v64 ids;
    std::optional<message_id> resume;
};

// Every id `visit` saw; it stops after `take` when given.
scanned scan(const message_store& s, std::optional<message_id> before, std::size_t max_scan,
             std::size_t take = SIZE_MAX, std::string_view account = {}) {
    scanned out;
    out.resume = s.scan_messages(before, max_scan, [&](const message& m) {
        if (account.empty() || m.account == account) out.ids.push_back(m.id.value);
        return out.ids.size() < take;
    });
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(newest_first_resumable_and_bounded) {
    temp_dir dir;
    message_store s{options(dir.path())};
    {
        const auto empty = scan(s, std::nullopt, 100);
        BOOST_TEST(empty.ids.empty());
        BOOST_TEST(!empty.resume.has_value());
    }
    write_batch b;
    for (std::uint64_t id : {3, 10, 11, 20, 21, 22, 40}) {
        auto m = make_message({id}, 100, id % 2 ? msg_state::delivered : msg_state::queued);
        m.account = id < 21 ? "acme" : "beta";
        b.put_message(m);
    }
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));

    const auto all = scan(s, std::nullopt, 100);
    BOOST_TEST(all.ids == (v64{40, 22, 21, 20, 11, 10, 3}), boost::test_tools::per_element());
    BOOST_TEST(!all.resume.has_value());

    // Below an id that is stored, and one that is not.
    BOOST_TEST(scan(s, message_id{21}, 100).ids == (v64{20, 11, 10, 3}), boost::test_tools::per_element());
    BOOST_TEST(scan(s, message_id{15}, 100).ids == (v64{11, 10, 3}), boost::test_tools::per_element());
    BOOST_TEST(scan(s, message_id{1000}, 100).ids.size() == 7u);
    BOOST_TEST(scan(s, message_id{3}, 100).ids.empty());
    BOOST_TEST(!scan(s, message_id{3}, 100).resume.has_value());

    // The visitor stops: resume below the last one it saw.
    const auto two = scan(s, std::nullopt, 100, 2);
    BOOST_TEST(two.ids == (v64{40, 22}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(two.resume.has_value());
    BOOST_TEST(two.resume->value == 22u);
    BOOST_TEST(scan(s, two.resume, 100, 2).ids == (v64{21, 20}), boost::test_tools::per_element());

    // The budget runs out: resume covers the record not read yet.
    const auto budget = scan(s, std::nullopt, 3);
    BOOST_TEST(budget.ids == (v64{40, 22, 21}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(budget.resume.has_value());
    const auto rest = scan(s, budget.resume, 3);
    BOOST_TEST(rest.ids == (v64{20, 11, 10}), boost::test_tools::per_element());
    const auto last = scan(s, rest.resume, 3);
    BOOST_TEST(last.ids == (v64{3}), boost::test_tools::per_element());
    BOOST_TEST(!last.resume.has_value());
    // A budget that ends exactly at the oldest record: nothing is left.
    const auto exact = scan(s, message_id{11}, 2);
    BOOST_TEST(exact.ids == (v64{10, 3}), boost::test_tools::per_element());
    BOOST_TEST(!exact.resume.has_value());

    // Filtering is the visitor's: a budget counts records read, not kept.
    const auto acme = scan(s, std::nullopt, 4, SIZE_MAX, "acme");
    BOOST_TEST(acme.ids == (v64{20}), boost::test_tools::per_element());
    BOOST_TEST(acme.resume.has_value());
    BOOST_TEST(scan(s, acme.resume, 100, SIZE_MAX, "acme").ids == (v64{11, 10, 3}), boost::test_tools::per_element());

    // What it returns is the stored record.
    std::optional<message> seen;
    s.scan_messages(std::nullopt, 1, [&](const message& m) {
        seen = m;
        return false;
    });
    BOOST_TEST_REQUIRE(seen.has_value());
    BOOST_TEST(seen->id.value == 40u);
    BOOST_TEST(seen->account == "beta");
    BOOST_TEST(seen->pdu == make_message({40}, 100).pdu);
}

BOOST_AUTO_TEST_CASE(erased_messages_leave_the_log) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch b;
    for (std::uint64_t id = 1; id <= 5; ++id) b.put_message(make_message({id}, 100));
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    write_batch e;
    e.erase_message(*s.get({4}));
    e.erase_message(*s.get({2}));
    BOOST_TEST_REQUIRE(!commit(s, std::move(e)));
    BOOST_TEST(scan(s, std::nullopt, 100).ids == (v64{5, 3, 1}), boost::test_tools::per_element());
}
