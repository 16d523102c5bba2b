#define BOOST_TEST_MODULE store_codec
#include <limits>
#include <random>

#include <boost/test/unit_test.hpp>

#include "store/message_codec.hpp"
#include "store/printers.hpp"

using namespace twinsms::store;

namespace {

message full_message() {
    message m;
    m.id = {0x0123456789abcdefull};
    m.account = "acme";
    m.accepted_at = 1'700'000'000'123;
    m.not_before = 1'700'000'100'000;
    m.expires_at = 1'700'086'400'000;
    m.next_attempt = -5; // odd, but must survive
    m.done_at = std::numeric_limits<epoch_ms>::min();
    m.state = msg_state::retry_pending;
    m.attempts = std::numeric_limits<std::uint32_t>::max();
    m.in_flight = true;
    m.last_status = 0x58;
    m.route = "eu-mobile";
    m.carrier = "carrier-a";
    m.carrier_message_id = std::string{"id\0with nul", 11};
    for (int i = 0; i < 300; ++i) m.pdu.push_back(static_cast<std::uint8_t>(i * 7));
    m.events = {{1'700'000'000'123, msg_state::accepted, 0, "from acme via eu-mobile"},
                {-3, msg_state::retry_pending, 0x58, std::string{"carrier-a\0", 10}}};
    return m;
}

// A version 1 message (schema 1 stores): version 2 without the history,
// which sits at the end.
std::string as_version_1(const message& m) {
    message bare = m;
    bare.events.clear();
    auto s = encode(bare);
    s[0] = 1;
    s.pop_back(); // the event count, 0
    return s;
}

// What a version 1 encoding `s` reads as, encoded at today's version.
std::string upgraded(std::string s) {
    if (s.empty() || s[0] != 1) return s;
    s[0] = static_cast<char>(message_codec_version);
    return s + '\0';
}

bool same(const message& a, const message& b) {
    return a.id == b.id && a.account == b.account && a.accepted_at == b.accepted_at && a.not_before == b.not_before &&
           a.expires_at == b.expires_at && a.next_attempt == b.next_attempt && a.done_at == b.done_at &&
           a.state == b.state && a.attempts == b.attempts && a.in_flight == b.in_flight &&
           a.last_status == b.last_status && a.route == b.route && a.carrier == b.carrier &&
           a.carrier_message_id == b.carrier_message_id && a.pdu == b.pdu && a.events == b.events;
}

delivery full_delivery() {
    delivery d;
    d.id = {std::numeric_limits<std::uint64_t>::max()};
    d.account = "acme";
    d.created_at = 1'700'000'000'000;
    d.expires_at = std::numeric_limits<epoch_ms>::max();
    d.message = {42};
    d.attempts = 3;
    d.pdu = {0, 1, 2, 0xff};
    return d;
}

// Every proper prefix of `enc` must be refused.
template <class T>
void check_truncations(const std::string& enc) {
    for (std::size_t n = 0; n < enc.size(); ++n) {
        T out;
        BOOST_TEST_REQUIRE(!decode(std::string_view{enc}.substr(0, n), out), "prefix of " << n << " bytes accepted");
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(message_round_trip) {
    const auto m = full_message();
    const auto enc = encode(m);
    BOOST_TEST(static_cast<std::uint8_t>(enc[0]) == message_codec_version);
    message out;
    BOOST_TEST_REQUIRE(decode(enc, out));
    BOOST_TEST(same(m, out));
    BOOST_TEST(out.events.size() == 2u);

    const message empty{};
    message out2 = full_message();
    BOOST_TEST_REQUIRE(decode(encode(empty), out2));
    BOOST_TEST(same(empty, out2));
}

BOOST_AUTO_TEST_CASE(version_1_records_still_decode_without_history) {
    auto m = full_message();
    message out;
    BOOST_TEST_REQUIRE(decode(as_version_1(m), out));
    BOOST_TEST(out.events.empty());
    m.events.clear();
    BOOST_TEST(same(m, out));
    check_truncations<message>(as_version_1(m));
    BOOST_TEST(!decode(as_version_1(m) + '\0', out)); // a history count is not version 1
}

BOOST_AUTO_TEST_CASE(typical_message_is_compact) {
    message m = full_message();
    m.next_attempt = m.accepted_at;
    m.done_at = 0;
    m.attempts = 1;
    m.pdu.assign(200, 'x');
    m.events.clear();
    // Fixed fields (id, 5 times, counters) take far less than their 60-odd bytes in memory.
    BOOST_TEST(encode(m).size() < m.pdu.size() + m.account.size() + m.route.size() + m.carrier.size() +
                                      m.carrier_message_id.size() + 50);
}

BOOST_AUTO_TEST_CASE(delivery_and_event_round_trip) {
    const auto d = full_delivery();
    delivery dout;
    BOOST_TEST_REQUIRE(decode(encode(d), dout));
    BOOST_TEST(dout.id == d.id);
    BOOST_TEST(dout.account == d.account);
    BOOST_TEST(dout.created_at == d.created_at);
    BOOST_TEST(dout.expires_at == d.expires_at);
    BOOST_TEST(dout.message == d.message);
    BOOST_TEST(dout.attempts == d.attempts);
    BOOST_TEST(dout.pdu == d.pdu);

    const event e{1'700'000'000'999, msg_state::delivered, 0x0b, "carrier-a id=77"};
    event eout;
    BOOST_TEST_REQUIRE(decode(encode(e), eout));
    BOOST_TEST(eout.at == e.at);
    BOOST_TEST((eout.state == e.state));
    BOOST_TEST(eout.status == e.status);
    BOOST_TEST(eout.detail == e.detail);
}

BOOST_AUTO_TEST_CASE(truncated_input_is_refused) {
    check_truncations<message>(encode(full_message()));
    check_truncations<delivery>(encode(full_delivery()));
    check_truncations<event>(encode(event{5, msg_state::queued, 1, "x"}));
}

BOOST_AUTO_TEST_CASE(trailing_bytes_and_wrong_version_are_refused) {
    auto enc = encode(full_message());
    message out;
    BOOST_TEST(!decode(enc + '\0', out));
    enc[0] = static_cast<char>(message_codec_version + 1);
    BOOST_TEST(!decode(enc, out));
    BOOST_TEST(!decode("", out));
}

BOOST_AUTO_TEST_CASE(out_of_range_fields_are_refused) {
    // event: version, time (zigzag varint), state, status, detail
    event out;
    BOOST_TEST(decode(std::string{"\x01\x02\x08\x00\x00", 5}, out)); // state 8: cancelled
    BOOST_TEST((out.state == msg_state::cancelled));
    BOOST_TEST(!decode(std::string{"\x01\x02\x09\x00\x00", 5}, out)); // state 9: none
    // status above 32 bits
    BOOST_TEST(!decode(std::string{"\x01\x02\x00\x80\x80\x80\x80\x10\x00", 9}, out));
    // varint longer than 64 bits
    BOOST_TEST(!decode(std::string{"\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00", 14}, out));
    // a length far past the end
    BOOST_TEST(!decode(std::string{"\x01\x02\x00\x00\xff\xff\xff\xff\x0f", 9}, out));
    // in_flight flag other than 0/1
    message m{};
    auto enc = encode(m);
    // version, id, account(len 0), 5 times, state, attempts, in_flight
    BOOST_TEST_REQUIRE(enc[10] == '\0');
    enc[10] = 2;
    message mout;
    BOOST_TEST(!decode(enc, mout));
}

BOOST_AUTO_TEST_CASE(random_corruption_never_reads_out_of_bounds) {
    // Run under ASan/valgrind to make "never out of bounds" strict; here
    // it must at least not crash, and flipped bytes must mostly be caught.
    //
    // What is checked for each corrupted input (flipped bytes, then cut at a
    // random length): decode() either refuses it, or what it decoded is
    // exactly what the bytes say: encoding the result gives the input back,
    // byte for byte (nothing misread, nothing skipped, no trailing bytes).
    // An input that is still the good encoding decodes to the full message.
    // And "mostly": at least 95% of the inputs that differ from the good
    // encoding are refused as a message (20,000 inputs, fixed seed).
    std::mt19937 rng{12345};
    const auto original = full_message();
    const auto good = encode(original);
    int changed = 0, refused = 0;
    for (int i = 0; i < 20'000; ++i) {
        std::string s = good;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) s[rng() % s.size()] = static_cast<char>(rng());
        s.resize(rng() % (s.size() + 1));
        message m;
        const bool as_message = decode(s, m);
        if (s == good) {
            BOOST_TEST(as_message, "input " << i << " is the good encoding");
            BOOST_TEST(same(m, original), "input " << i);
        } else {
            ++changed;
            if (!as_message) ++refused;
        }
        if (as_message) BOOST_TEST(encode(m) == upgraded(s), "input " << i << ": message misread");
        delivery d;
        if (decode(s, d)) BOOST_TEST(encode(d) == s, "input " << i << ": delivery misread");
        event e;
        if (decode(s, e)) BOOST_TEST(encode(e) == s, "input " << i << ": event misread");
    }
    BOOST_TEST_MESSAGE("corrupted message inputs refused: " << refused << " of " << changed);
    BOOST_TEST(changed > 19'000);
    BOOST_TEST(refused * 100 >= changed * 95);
    for (int i = 0; i < 20'000; ++i) {
        std::string s(rng() % 64, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        if (!s.empty()) s[0] = static_cast<char>(codec_version);
        message m;
        if (decode(s, m)) BOOST_TEST(encode(m) == upgraded(s), "random input " << i << ": message misread");
        event e;
        if (decode(s, e)) BOOST_TEST(encode(e) == s, "random input " << i << ": event misread");
    }
}

BOOST_AUTO_TEST_CASE(message_id_text) {
    BOOST_TEST(message_id{0}.to_string() == "0000000000000000");
    BOOST_TEST(message_id{0xabcdef0123456789ull}.to_string() == "abcdef0123456789");
    message_id id;
    BOOST_TEST(message_id::parse("ABCDEF0123456789", id));
    BOOST_TEST(id.value == 0xabcdef0123456789ull);
    BOOST_TEST(message_id::parse("ffffffffffffffff", id));
    BOOST_TEST(id.value == std::numeric_limits<std::uint64_t>::max());
    id.value = 7;
    BOOST_TEST(!message_id::parse("abcdef012345678", id));   // 15 digits
    BOOST_TEST(!message_id::parse("abcdef01234567890", id)); // 17 digits
    BOOST_TEST(!message_id::parse("abcdef012345678g", id));
    BOOST_TEST(!message_id::parse("", id));
    BOOST_TEST(id.value == 7u); // untouched on failure
}

BOOST_AUTO_TEST_CASE(state_names) {
    BOOST_TEST(to_string(msg_state::accepted) == "accepted");
    BOOST_TEST(to_string(msg_state::retry_pending) == "retry_pending");
    BOOST_TEST(to_string(msg_state::cancelled) == "cancelled");
    BOOST_TEST(to_string(static_cast<msg_state>(200)) == "unknown");
}

BOOST_AUTO_TEST_CASE(big_endian_keys_sort_numerically) {
    std::string a, b;
    append_be64(a, 0x00000000000000ffull);
    append_be64(b, 0x0000000000000100ull);
    BOOST_TEST(a < b);
    BOOST_TEST(keys::queue(999, {5}) < keys::queue(1000, {1}));
    BOOST_TEST(keys::queue(1000, {1}) < keys::queue(1000, {2}));
    BOOST_TEST(keys::history({1}, 255) < keys::history({1}, 256));
    BOOST_TEST(keys::history({1}, 0xffffffffu) < keys::history({2}, 0));
    BOOST_TEST(keys::queue(-1, {1}) == keys::queue(0, {1})); // clamped

    std::uint64_t v = 0;
    BOOST_TEST(read_be64(b, 0, v));
    BOOST_TEST(v == 0x100u);
    BOOST_TEST(!read_be64(b, 1, v));
    BOOST_TEST(!read_be64(b, 100, v));
    std::string c;
    append_be32(c, 0x01020304u);
    std::uint32_t w = 0;
    BOOST_TEST(read_be32(c, 0, w));
    BOOST_TEST(w == 0x01020304u);
    BOOST_TEST(!read_be32(c, 1, w));

    const auto p = keys::split_pair(keys::finished(77, {88}));
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->at == 77u);
    BOOST_TEST(p->id == 88u);
    BOOST_TEST(!keys::split_pair("short").has_value());
    const auto r = keys::split_receipt_value(keys::receipt_value({9}, 1234));
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->id.value == 9u);
    BOOST_TEST(r->expires == 1234);
    BOOST_TEST(keys::delivery("ab", {1}).substr(0, 3) == std::string("ab\0", 3));
    BOOST_TEST(keys::in_flight({{3}, 1}) < keys::in_flight({{3}, 2}));
    BOOST_TEST(keys::in_flight({{3}, 0xffffffffu}) < keys::in_flight({{4}, 0}));
}
