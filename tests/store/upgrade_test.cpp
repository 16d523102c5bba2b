#define BOOST_TEST_MODULE store_upgrade
// A store written in schema 1 (history lines as rows, receipt expiry
// entries, one in-flight row per message) opens as schema 2 with nothing
// lost: the lines in their records in time order, the in-flight messages
// still reported, the expiry entries gone; a schema it does not know is
// refused with a message that says what it is.
#include <boost/test/unit_test.hpp>

#include "store/message_codec.hpp"
#include "store_fixture.hpp"

using namespace store_test;

namespace {

// The record as schema 1 stored it: message version 1, no history.
std::string version_1(message m) {
    m.events.clear();
    auto s = encode(m);
    s[0] = 1;
    s.pop_back(); // the history count
    return s;
}

std::string be64(std::uint64_t v) {
    std::string s;
    append_be64(s, v);
    return s;
}

// What a schema 1 build wrote: `n` queued messages with three history
// lines each (keyed by attempt and state, so not in time order), an
// expiry entry per receipt mapping, in-flight rows for every tenth.
void write_schema_1(const std::filesystem::path& p, std::uint64_t n) {
    message_store s{options(p)};
    for (std::uint64_t first = 1; first <= n; first += 1'000) {
        write_batch b;
        for (std::uint64_t id = first; id < first + 1'000 && id <= n; ++id) {
            auto m = make_message({id}, 100);
            m.attempts = 1;
            b.put(table::messages, keys::message(m.id), version_1(m));
            b.put(table::queue, keys::queue(100, m.id), "");
            b.put(table::history, keys::history(m.id, 0x0100), encode(event{20, msg_state::queued, 0, "attempt"}));
            b.put(table::history, keys::history(m.id, 0x0001), encode(event{10, msg_state::queued, 0, "routed"}));
            b.put(table::history, keys::history(m.id, 0x0000), encode(event{5, msg_state::accepted, 0, "from acme"}));
            b.put(table::receipts, keys::receipt("c", std::to_string(id)), keys::receipt_value(m.id, 9'000));
            b.put(table::receipt_expiry, be64(9'000) + keys::receipt("c", std::to_string(id)), "");
            if (id % 10 == 0) b.put(table::in_flight, keys::message(m.id), "");
        }
        BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    }
    write_batch lost; // lines of a message already swept: nowhere to go
    lost.put(table::history, keys::history({n + 5}, 0), encode(event{1, msg_state::accepted, 0, "gone"}));
    lost.put(table::meta, "schema_version", be64(1));
    BOOST_TEST_REQUIRE(!commit(s, std::move(lost)));
}

} // namespace

BOOST_AUTO_TEST_CASE(a_schema_1_store_is_upgraded_in_place) {
    temp_dir dir;
    constexpr std::uint64_t n = 4'000; // 12,000 lines: more than one upgrade transaction
    write_schema_1(dir.path(), n);

    message_store s{options(dir.path())};
    BOOST_TEST(s.get_meta("schema_version").value_or("") == be64(2));
    for (const std::uint64_t id : {std::uint64_t{1}, std::uint64_t{1234}, n}) {
        const auto m = s.get({id});
        BOOST_TEST_REQUIRE(m.has_value());
        BOOST_TEST(m->pdu.size() == 160u);
        BOOST_TEST_REQUIRE(m->events.size() == 3u, "message " << id);
        BOOST_TEST(m->events[0].detail == "from acme");
        BOOST_TEST(m->events[1].detail == "routed");
        BOOST_TEST(m->events[2].detail == "attempt");
        BOOST_TEST(s.history({id}).size() == 3u);
    }
    const auto in_flight = s.in_flight(10'000);
    BOOST_TEST(in_flight.size() == n / 10);
    BOOST_TEST(in_flight.front().id.value == 10u);
    BOOST_TEST(s.due(1'000, 10'000).size() == n);
    BOOST_TEST(s.find_receipt("c", "77", 1'000).value_or(message_id{}) == message_id{77});

    // Every mapping still expires: the sweep reads the expiry from the value.
    auto sw = s.sweep(10'000, 0, 10'000);
    std::size_t receipts = 0, legacy = 0;
    for (const auto& op : sw.ops()) {
        receipts += op.t == table::receipts && op.erase;
        legacy += op.t == table::receipt_expiry || op.t == table::history;
    }
    BOOST_TEST(receipts == n);
    BOOST_TEST(legacy == 0u);
    BOOST_TEST_REQUIRE(!commit(s, std::move(sw)));
    BOOST_TEST(s.get_stats().receipts == 0u);
}

BOOST_AUTO_TEST_CASE(an_upgraded_store_reopens_as_it_is) {
    temp_dir dir;
    write_schema_1(dir.path(), 30);
    { message_store s{options(dir.path())}; }
    message_store s{options(dir.path())};
    BOOST_TEST(s.get({7})->events.size() == 3u); // not moved twice
    BOOST_TEST(s.in_flight(100).size() == 3u);
}

BOOST_AUTO_TEST_CASE(an_unknown_schema_is_refused_with_what_it_is) {
    temp_dir dir;
    {
        message_store s{options(dir.path())};
        write_batch b;
        b.put(table::meta, "schema_version", be64(3));
        BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    }
    try {
        message_store s{options(dir.path())};
        BOOST_FAIL("a schema 3 store opened");
    } catch (const std::system_error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("schema version 3") != std::string::npos, what);
        BOOST_TEST(what.find(dir.path().string()) != std::string::npos, what);
    }
}
