// Hand-made bad bytes from a raw peer: unknown commands and malformed bodies
// are nacked and the session carries on; a bad command_length is nacked and
// ends the connection. Also malformed answers to our own requests.
#define BOOST_TEST_MODULE malformed
#include <boost/test/unit_test.hpp>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;
using bytes_t = std::vector<std::uint8_t>;

namespace {
struct raw_client {
    asio::io_context io;
    recording_handler h;
    tcp::socket peer{io};
    std::shared_ptr<session> server;
    std::vector<reply> replies;

    explicit raw_client(std::uint32_t max_pdu = smpp::default_max_pdu_size) {
        auto [c, s] = socket_pair(io);
        peer = std::move(c);
        smpp::session_config cfg;
        cfg.name = "server";
        cfg.codec.max_pdu_size = max_pdu;
        server = session::create(std::move(s), smpp::role::smsc, cfg);
        server->set_handler(&h);
        server->start();
    }
    ~raw_client() { shutdown(io, {server}); }

    // Writes `out` in one go, then reads `n` replies (stopping at an error).
    void send_read(bytes_t out, std::size_t n) {
        bool done = false;
        asio::co_spawn(io, [this, &done, n, out = std::move(out)]() -> asio::awaitable<void> {
            co_await write_all(peer, out);
            for (std::size_t i = 0; i < n; ++i) {
                replies.push_back(co_await read_pdu(peer));
                if (replies.back().ec) break;
            }
            done = true;
        }, asio::detached);
        BOOST_REQUIRE(run_until(io, [&] { return done; }));
    }
    void bind() {
        send_read(encoded(bind_trx(1)), 1);
        BOOST_REQUIRE(replies.back().hdr.command_status == st::ok);
        replies.clear();
    }
    // A valid submit after the bad input: the session still works.
    void expect_still_serving(std::uint32_t seq) {
        replies.clear();
        send_read(encoded(pdu{st::ok, seq, submit().body}), 1);
        BOOST_REQUIRE(replies.size() == 1u);
        BOOST_TEST(replies[0].id() == command_id::submit_sm_resp);
        BOOST_TEST(replies[0].hdr.command_status == st::ok);
        BOOST_TEST(replies[0].hdr.sequence_number == seq);
        BOOST_TEST(!server->closed());
    }
    void expect_resp(const reply& r, command_id id, std::uint32_t status, std::uint32_t seq) {
        BOOST_REQUIRE(!r.ec);
        BOOST_TEST(r.id() == id);
        BOOST_TEST(r.hdr.command_status == status);
        BOOST_TEST(r.hdr.sequence_number == seq);
        BOOST_TEST(r.hdr.command_length == 16u); // error responses carry no body
    }
    void expect_nack(const reply& r, std::uint32_t status, std::uint32_t seq) {
        expect_resp(r, command_id::generic_nack, status, seq);
    }
};

bytes_t submit_with_dest(std::string_view dest_bytes, bool nul) {
    auto b = submit_prefix();
    if (nul) b.cstr(dest_bytes);
    else b.raw(dest_bytes);
    return submit_suffix(b).finish(0x00000004, 42);
}
} // namespace

BOOST_AUTO_TEST_CASE(unknown_command_id_is_generic_nack_invcmdid) {
    raw_client t;
    t.bind();
    t.send_read(bytes{}.raw("xyz").finish(0x00000099, 0x1234), 1);
    t.expect_nack(t.replies[0], st::invcmdid, 0x1234);
    t.replies.clear();
    t.send_read(bytes{}.finish(0x80000777, 0x55), 1); // unknown response id too
    t.expect_nack(t.replies[0], st::invcmdid, 0x55);
    BOOST_TEST(t.h.requests.empty());
    BOOST_TEST(t.server->stats().decode_errors == 2u);
    t.expect_still_serving(2);
}

BOOST_AUTO_TEST_CASE(unknown_command_id_before_bind_is_still_invcmdid) {
    raw_client t;
    t.send_read(bytes{}.finish(0x00000200, 9), 1);
    t.expect_nack(t.replies[0], st::invcmdid, 9);
}

// SMPP 3.4 4.3: generic_nack only for a bad command_length or command_id;
// a bad field of a known request is answered in that request's response.
BOOST_AUTO_TEST_CASE(destination_addr_without_nul_is_submit_sm_resp_invdstadr) {
    raw_client t;
    t.bind();
    // 25 digits and no NUL within destination_addr's 21 bytes.
    t.send_read(submit_with_dest("1234567890123456789012345", false), 1);
    t.expect_resp(t.replies[0], command_id::submit_sm_resp, st::invdstadr, 42);
    BOOST_TEST(t.h.requests.empty());
    t.expect_still_serving(43);
    BOOST_TEST(t.h.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_submit_before_bind_is_submit_sm_resp_invbndsts) {
    raw_client t;
    // The bind-state verdict comes before the field's: nothing is bound yet.
    t.send_read(submit_with_dest("1234567890123456789012345", false), 1);
    t.expect_resp(t.replies[0], command_id::submit_sm_resp, st::invbndsts, 42);
    t.bind();
    t.expect_still_serving(43);
}

BOOST_AUTO_TEST_CASE(overlong_password_is_bind_resp_invpaswd_and_bind_can_follow) {
    raw_client t;
    // password is at most 9 bytes with its NUL; 14 characters never decode.
    auto b = bytes{}.cstr("esme").raw("longpassword12").u8(0);
    b.cstr("").u8(0x34).u8(0).u8(0).cstr("");
    t.send_read(b.finish(0x00000009, 3), 1);
    t.expect_resp(t.replies[0], command_id::bind_transceiver_resp, st::invpaswd, 3);
    BOOST_TEST(!t.server->closed());
    t.bind(); // still open: a correct bind is accepted afterwards
    t.expect_still_serving(4);
}

BOOST_AUTO_TEST_CASE(field_running_past_the_end_is_invcmdlen) {
    raw_client t;
    t.bind();
    // destination_addr's NUL is missing because the PDU ends inside it.
    t.send_read(submit_prefix().raw("1234").finish(0x00000004, 77), 1);
    t.expect_nack(t.replies[0], st::invcmdlen, 77);
    t.expect_still_serving(78);
}

BOOST_AUTO_TEST_CASE(tlv_overrun_is_invoptparstream) {
    raw_client t;
    t.bind();
    auto b = submit_prefix();
    b.cstr("123456");
    submit_suffix(b).u16(0x0204).u16(10).u16(1); // user_message_reference claiming 10 bytes, 2 present
    t.send_read(b.finish(0x00000004, 5), 1);
    t.expect_resp(t.replies[0], command_id::submit_sm_resp, st::invoptparstream, 5);
    auto trunc = submit_prefix();
    trunc.cstr("123456");
    submit_suffix(trunc).u16(0x0204).u8(0); // 3 bytes: not even a TLV header
    t.replies.clear();
    t.send_read(trunc.finish(0x00000004, 6), 1);
    t.expect_resp(t.replies[0], command_id::submit_sm_resp, st::invoptparstream, 6);
    t.expect_still_serving(7);
}

BOOST_AUTO_TEST_CASE(trailing_bytes_after_an_empty_body) {
    raw_client t;
    t.send_read(bytes{}.raw("abc").finish(0x00000015, 3), 1); // enquire_link with a body
    t.expect_nack(t.replies[0], st::invcmdlen, 3);
    t.bind();
    t.expect_still_serving(4);
}

BOOST_AUTO_TEST_CASE(bad_pdus_between_good_ones_in_one_write) {
    raw_client t;
    t.bind();
    bytes_t all = encoded(pdu{st::ok, 10, submit().body});
    all = cat(all, submit_with_dest("1234567890123456789012345", false)); // seq 42
    all = cat(all, bytes{}.finish(0x00000099, 11));
    all = cat(all, encoded(pdu{st::ok, 12, submit().body}));
    t.send_read(all, 4);
    BOOST_REQUIRE(t.replies.size() == 4u);
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    BOOST_TEST(t.replies[0].hdr.sequence_number == 10u);
    t.expect_resp(t.replies[1], command_id::submit_sm_resp, st::invdstadr, 42);
    t.expect_nack(t.replies[2], st::invcmdid, 11);
    BOOST_TEST(t.replies[3].hdr.command_status == st::ok);
    BOOST_TEST(t.replies[3].hdr.sequence_number == 12u);
    BOOST_TEST(t.h.requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(command_length_below_16_nacks_then_closes) {
    raw_client t;
    t.bind();
    // A good PDU, then a header whose command_length is 8, in one write.
    t.send_read(cat(encoded(pdu{st::ok, 2, submit().body}), bytes{}.finish_len(8, 0x00000004, 3)), 3);
    BOOST_REQUIRE(t.replies.size() == 3u);
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    t.expect_nack(t.replies[1], st::invcmdlen, 3);
    BOOST_TEST(t.replies[2].ec == asio::error::eof); // then the connection is closed
    BOOST_REQUIRE(run_until(t.io, [&] { return t.server->closed(); }));
    BOOST_TEST(t.server->close_reason() == smpp::session_error::bad_framing);
    BOOST_TEST(t.h.close_reason == smpp::session_error::bad_framing);
}

BOOST_AUTO_TEST_CASE(command_length_above_max_nacks_then_closes) {
    raw_client t{1024};
    t.bind();
    // Exactly the maximum is fine: a submit_sm padded with a vendor TLV.
    auto fit = submit_prefix();
    fit.cstr("123456");
    submit_suffix(fit);
    const auto body_so_far = fit.finish(0, 0).size();
    fit.u16(0x1400).u16(static_cast<std::uint16_t>(1024 - body_so_far - 4)).raw(std::string(1024 - body_so_far - 4, 'x'));
    auto at_max = fit.finish(0x00000004, 2);
    BOOST_REQUIRE(at_max.size() == 1024u);
    t.send_read(at_max, 1);
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    t.replies.clear();
    t.send_read(bytes{}.finish_len(1025, 0x00000004, 3), 2);
    BOOST_REQUIRE(t.replies.size() == 2u);
    t.expect_nack(t.replies[0], st::invcmdlen, 3);
    BOOST_TEST(t.replies[1].ec == asio::error::eof);
    BOOST_TEST(t.server->close_reason() == smpp::session_error::bad_framing);
}

BOOST_AUTO_TEST_CASE(bad_length_nack_survives_unread_junk) {
    // A huge declared length followed by junk the session never reads: the
    // nack must still reach the peer before the connection goes away.
    raw_client t;
    t.bind();
    bytes junk;
    junk.raw(std::string(256 * 1024, 'j'));
    auto out = junk.finish_len(0x7FFFFFFF, 0x00000004, 99);
    asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { co_await write_all(t.peer, out); }, asio::detached);
    t.send_read({}, 2);
    BOOST_REQUIRE(t.replies.size() >= 1u);
    t.expect_nack(t.replies[0], st::invcmdlen, 99);
    BOOST_TEST(t.server->close_reason() == smpp::session_error::bad_framing);
}

// ---- malformed answers to our own requests (esme side, raw SMSC) ----------

BOOST_AUTO_TEST_CASE(malformed_response_fails_only_its_request) {
    asio::io_context io;
    auto [c, s] = socket_pair(io);
    tcp::socket smsc = std::move(s);
    smpp::session_config cfg;
    cfg.name = "client";
    auto client = session::create(std::move(c), smpp::role::esme, cfg);
    client->start();

    // The raw SMSC: accept the bind, then answer three submits: garbage, generic_nack, good.
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        auto b = co_await read_pdu(smsc);
        pdu ok{st::ok, b.hdr.sequence_number, smpp::bind_transceiver_resp{}};
        auto ok_bytes = encoded(ok);
        co_await write_all(smsc, std::move(ok_bytes));
        for (int i = 0; i < 3; ++i) {
            auto r = co_await read_pdu(smsc);
            if (r.ec) co_return;
            const auto seq = r.hdr.sequence_number;
            // Built outside the co_await expression: GCC 12 mishandles temporaries there.
            std::vector<std::uint8_t> out;
            if (i == 0) out = bytes{}.raw(std::string(70, '7')).finish(0x80000004, seq);
            if (i == 1) out = bytes{}.finish(0x80000000, seq, st::syserr);
            if (i == 2) out = bytes{}.cstr("good").finish(0x80000004, seq);
            co_await write_all(smsc, std::move(out));
        }
    }, asio::detached);
    BOOST_REQUIRE(bind_now(io, *client).status == st::ok);

    std::vector<error_code> ecs;
    std::vector<owned_pdu> resps;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
            const pdu req = submit();
            auto [ec, r] = co_await client->async_request(req, use_tuple);
            ecs.push_back(ec);
            resps.push_back(std::move(r));
        }
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return ecs.size() == 3; }));
    BOOST_TEST(ecs[0] == smpp::codec_error::cstring_unterminated); // no NUL in 65 bytes
    BOOST_TEST(ecs[1] == error_code{});                           // a nack is an answer
    BOOST_TEST(resps[1]->id() == command_id::generic_nack);
    BOOST_TEST(resps[1]->status == st::syserr);
    BOOST_TEST(ecs[2] == error_code{});
    BOOST_TEST(resps[2]->as<smpp::submit_sm_resp>()->message_id == "good");
    BOOST_TEST(!client->closed());
    BOOST_TEST(client->in_flight() == 0u);
    shutdown(io, {client});
}
