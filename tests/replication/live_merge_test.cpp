// What a node that never stopped takes from the peer's copy of its store
// (replication/live_merge.hpp), with real stores: a message that went
// further in the copy (sent, finished) is taken with the copy's image; one
// sent in both with different carrier ids adds the copy's mapping; one that
// went as far here, or only exists on one side, is left; a delivery waiting
// in the copy for one of our clients that our store lacks is taken, one we
// have (same message and PDU, any id) is not, nor one for an account that is
// not ours. The copy is removed with its working folder.
#define BOOST_TEST_MODULE replication_live_merge
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>

#include <boost/asio/io_context.hpp>

#include "replication/live_merge.hpp"
#include "replication/temp_store.hpp"

using namespace twinsms;
namespace fs = std::filesystem;

namespace {

store::message msg(std::uint64_t id, store::msg_state s, const std::string& carrier_id = {}) {
    store::message m;
    m.id = {id};
    m.account = "alpha";
    m.state = s;
    m.accepted_at = m.next_attempt = 1000 + static_cast<store::epoch_ms>(id);
    if (!carrier_id.empty()) m.carrier = "sim", m.carrier_message_id = carrier_id;
    if (store::is_final(s)) m.done_at = 5000;
    m.pdu.assign(40, static_cast<std::uint8_t>(id));
    return m;
}

store::delivery dlv(std::uint64_t id, const std::string& account, std::uint64_t message, std::uint8_t fill) {
    store::delivery d;
    d.id = {id};
    d.account = account;
    d.message = {message};
    d.created_at = 1;
    d.expires_at = 4'000'000'000'000;
    d.pdu.assign(20, fill);
    return d;
}

void write(store::message_store& st, store::write_batch b) {
    boost::asio::io_context io;
    st.write(std::move(b), io.get_executor(), [](const store::error_code& ec) { BOOST_REQUIRE(!ec); });
    st.flush();
    io.run();
}

} // namespace

BOOST_AUTO_TEST_CASE(what_went_further_in_the_copy_is_planned_and_nothing_else) {
    test::temp_dir dir;
    const auto own = test::temp_store_options(dir.path / "own");
    store::message_store live{own};
    {
        store::write_batch b;
        b.put_message(msg(1, store::msg_state::queued));
        b.put_message(msg(2, store::msg_state::submitted, "x2"));
        b.put_message(msg(3, store::msg_state::delivered, "x3"));
        b.put_message(msg(4, store::msg_state::queued));
        b.put_message(msg(6, store::msg_state::submitted, "x6"));
        b.put_delivery(dlv(1, "alpha", 3, 0xA1));
        write(live, std::move(b));
    }
    const auto copy_path = dir.path / "copy-store";
    {
        store::message_store copy{test::temp_store_options(copy_path)};
        store::write_batch b;
        b.put_message(msg(1, store::msg_state::submitted, "y1"));   // sent there: taken
        b.put_message(msg(2, store::msg_state::submitted, "z2"));   // sent in both: its mapping
        b.put_message(msg(3, store::msg_state::submitted, "x3"));   // went further here: left
        b.put_message(msg(4, store::msg_state::queued));            // the same: left
        b.put_message(msg(5, store::msg_state::delivered, "y5"));   // only there (swept here): left
        b.put_message(msg(6, store::msg_state::undeliverable, "x6")); // finished there: taken
        b.put_delivery(dlv(7, "alpha", 3, 0xA1));  // ours already (another id)
        b.put_delivery(dlv(8, "alpha", 6, 0xB2));  // waiting there only: taken
        b.put_delivery(dlv(9, "other", 1, 0xC3));  // not one of our accounts
        write(copy, std::move(b));
        BOOST_REQUIRE(!copy.copy_to(dir.path / "copy.mdb"));
    }
    store::merge_plan plan;
    const auto why = replication::plan_live_merge(live, own, dir.path / "copy.mdb", dir.path / "work", {"alpha"}, plan);
    BOOST_REQUIRE_MESSAGE(why.empty(), why);
    BOOST_TEST(plan.scanned == 6u);
    BOOST_REQUIRE(plan.messages.size() == 2u);
    std::set<std::uint64_t> taken;
    for (const auto& m : plan.messages) {
        taken.insert(m.id.value);
        BOOST_TEST(!m.in_flight);
    }
    BOOST_TEST((taken == std::set<std::uint64_t>{1, 6}));
    BOOST_REQUIRE(plan.mappings.size() == 1u);
    BOOST_TEST(plan.mappings[0].message.value == 2u);
    BOOST_TEST(plan.mappings[0].carrier_id == "z2");
    BOOST_REQUIRE(plan.deliveries.size() == 1u);
    BOOST_TEST(plan.deliveries[0].message.value == 6u);
    // The copy and the working folder are gone; our store is untouched.
    BOOST_TEST(!fs::exists(dir.path / "copy.mdb"));
    BOOST_TEST(!fs::exists(dir.path / "work"));
    BOOST_TEST((live.get({1})->state == store::msg_state::queued));
}

BOOST_AUTO_TEST_CASE(a_copy_that_is_not_a_store_is_an_error_not_a_plan) {
    test::temp_dir dir;
    const auto own = test::temp_store_options(dir.path / "own");
    store::message_store live{own};
    {
        std::ofstream junk{dir.path / "copy.mdb", std::ios::binary};
        junk << std::string(5000, 'x');
    }
    store::merge_plan plan;
    const auto why = replication::plan_live_merge(live, own, dir.path / "copy.mdb", dir.path / "work", {"alpha"}, plan);
    BOOST_TEST(why.find("does not open as a store") != std::string::npos, why);
    BOOST_TEST(plan.messages.empty());
    BOOST_TEST(!fs::exists(dir.path / "work"));
}
