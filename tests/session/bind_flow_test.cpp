// Bind state over loopback: what an smsc-role session answers to requests
// in the wrong state, refused and repeated binds, and the bind timeout.
#define BOOST_TEST_MODULE bind_flow
#include <boost/test/unit_test.hpp>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;

namespace {
// An smsc-role session on one end, a raw socket on the other.
struct raw_client {
    asio::io_context io;
    recording_handler h;
    tcp::socket peer{io};
    std::shared_ptr<session> server;
    std::vector<reply> replies;
    bool done = false;

    explicit raw_client(smpp::session_config cfg = {}) {
        auto [c, s] = socket_pair(io);
        peer = std::move(c);
        cfg.name = "server";
        server = session::create(std::move(s), smpp::role::smsc, cfg);
        server->set_handler(&h);
        server->start();
    }
    ~raw_client() { shutdown(io, {server}); }

    // Writes each PDU and reads its one reply, in turn.
    void exchange(std::vector<std::vector<std::uint8_t>> out) {
        done = false;
        asio::co_spawn(io, [this, out = std::move(out)]() -> asio::awaitable<void> {
            for (auto& b : out) {
                if (co_await write_all(peer, b)) break;
                replies.push_back(co_await read_pdu(peer));
                if (replies.back().ec) break;
            }
            done = true;
        }, asio::detached);
        BOOST_REQUIRE(run_until(io, [this] { return done; }));
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(submit_before_bind_is_invbndsts) {
    raw_client t;
    t.exchange({encoded(pdu{st::ok, 7, submit().body})});
    BOOST_REQUIRE(t.replies.size() == 1u);
    auto& r = t.replies[0];
    BOOST_REQUIRE(!r.ec);
    BOOST_TEST(r.id() == command_id::submit_sm_resp);
    BOOST_TEST(r.hdr.command_status == st::invbndsts);
    BOOST_TEST(r.hdr.sequence_number == 7u);
    BOOST_TEST(r.hdr.command_length == 16u); // error responses carry no body
    BOOST_TEST(t.h.requests.empty());        // never reached the handler
    BOOST_TEST(!t.server->closed());         // a refusal, not a disconnect
}

BOOST_AUTO_TEST_CASE(second_bind_is_alybnd_and_the_first_stays) {
    raw_client t;
    t.exchange({encoded(bind_trx(1)), encoded(bind_trx(2)), encoded(pdu{st::ok, 3, submit().body})});
    BOOST_REQUIRE(t.replies.size() == 3u);
    BOOST_TEST(t.replies[0].id() == command_id::bind_transceiver_resp);
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    BOOST_TEST(t.replies[0].pdu->as<smpp::bind_transceiver_resp>()->message_id == "twinsms");
    BOOST_TEST(t.replies[1].id() == command_id::bind_transceiver_resp);
    BOOST_TEST(t.replies[1].hdr.command_status == st::alybnd);
    BOOST_TEST(t.replies[1].hdr.sequence_number == 2u);
    BOOST_TEST(t.replies[2].id() == command_id::submit_sm_resp);
    BOOST_TEST(t.replies[2].hdr.command_status == st::ok);
    BOOST_TEST(t.h.bound == 1);
    BOOST_TEST(t.server->state() == smpp::bind_state::bound_trx);
}

BOOST_AUTO_TEST_CASE(receiver_bind_may_not_submit) {
    raw_client t;
    pdu b{st::ok, 1, smpp::bind_receiver{}};
    b.as<smpp::bind_receiver>()->password = "secret";
    t.exchange({encoded(b), encoded(pdu{st::ok, 2, submit().body}), encoded(pdu{st::ok, 3, smpp::enquire_link{}})});
    BOOST_REQUIRE(t.replies.size() == 3u);
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    BOOST_TEST(t.server->state() == smpp::bind_state::bound_rx);
    BOOST_TEST(t.replies[1].id() == command_id::submit_sm_resp);
    BOOST_TEST(t.replies[1].hdr.command_status == st::invbndsts);
    BOOST_TEST(t.replies[2].id() == command_id::enquire_link_resp);
    BOOST_TEST(t.h.requests.empty());
}

BOOST_AUTO_TEST_CASE(deliver_sm_to_an_smsc_is_invbndsts) {
    raw_client t;
    pdu d{st::ok, 2, smpp::deliver_sm{}};
    t.exchange({encoded(bind_trx(1)), encoded(d)});
    BOOST_REQUIRE(t.replies.size() == 2u);
    BOOST_TEST(t.replies[1].id() == command_id::deliver_sm_resp);
    BOOST_TEST(t.replies[1].hdr.command_status == st::invbndsts);
}

BOOST_AUTO_TEST_CASE(bad_password_then_good_one) {
    asio::io_context io;
    recording_handler h;
    auto p = make_pair(io, &h);
    auto bad = bind_now(io, *p.client, "wrong");
    BOOST_TEST(!bad.ec);
    BOOST_TEST(bad.status == st::invpaswd);
    BOOST_TEST(p.client->state() == smpp::bind_state::open);
    BOOST_TEST(p.server->state() == smpp::bind_state::open);
    BOOST_TEST(h.bound == 0);

    // Submitting is refused locally while unbound.
    bool called = false;
    error_code ec;
    p.client->send_request(submit(), [&](const error_code& e, const pdu* r) {
        called = true;
        ec = e;
        BOOST_TEST(r == nullptr);
    });
    BOOST_REQUIRE(run_until(io, [&] { return called; }));
    BOOST_TEST(ec == smpp::session_error::not_bound);
    BOOST_TEST(h.requests.empty());

    auto good = bind_now(io, *p.client, "secret");
    BOOST_TEST(!good.ec);
    BOOST_TEST(good.status == st::ok);
    BOOST_TEST(good.system_id == "twinsms");
    BOOST_TEST(p.client->state() == smpp::bind_state::bound_trx);
    BOOST_TEST(p.server->state() == smpp::bind_state::bound_trx);
    BOOST_TEST(h.bound == 1);

    // And a second bind from the bound client is refused before it leaves.
    auto again = bind_now(io, *p.client, "secret");
    BOOST_TEST(again.ec == smpp::session_error::not_bound);
    BOOST_TEST(h.bound == 1);
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(bind_timeout_closes_a_silent_connection) {
    smpp::session_config cfg;
    cfg.bind_timeout = ms(100);
    const auto start = std::chrono::steady_clock::now();
    raw_client t{cfg};
    // Keepalive before a bind is answered but does not count as binding.
    t.exchange({encoded(pdu{st::ok, 1, smpp::enquire_link{}})});
    BOOST_REQUIRE(t.replies.size() == 1u);
    BOOST_TEST(t.replies[0].id() == command_id::enquire_link_resp);
    t.exchange({{}}); // read only: the next thing is the close
    const auto took = elapsed_ms(start);
    BOOST_TEST_MESSAGE("bind timeout closed the connection after " << took.count() << " ms");
    BOOST_TEST(t.replies[1].ec == asio::error::eof);
    BOOST_TEST(t.server->closed());
    BOOST_TEST(t.server->close_reason() == smpp::session_error::bind_timeout);
    BOOST_TEST(t.h.close_reason == smpp::session_error::bind_timeout);
    BOOST_TEST(took.count() >= 100);
    BOOST_TEST(took.count() < 1000);
}

BOOST_AUTO_TEST_CASE(bind_in_time_disarms_the_bind_timeout) {
    smpp::session_config cfg;
    cfg.bind_timeout = ms(50);
    raw_client t{cfg};
    t.exchange({encoded(bind_trx(1))});
    BOOST_TEST(t.replies[0].hdr.command_status == st::ok);
    // Observe for 6 bind timeouts: nothing may close the session.
    BOOST_TEST(!run_until(t.io, [&] { return t.server->closed(); }, ms(300)));
    t.exchange({encoded(pdu{st::ok, 2, submit().body})});
    BOOST_TEST(t.replies[1].hdr.command_status == st::ok);
}

BOOST_AUTO_TEST_CASE(refused_bind_still_times_out) {
    smpp::session_config cfg;
    cfg.bind_timeout = ms(100);
    raw_client t{cfg};
    t.exchange({encoded(bind_trx(1, "nope"))});
    BOOST_TEST(t.replies[0].hdr.command_status == st::invpaswd);
    BOOST_REQUIRE(run_until(t.io, [&] { return t.server->closed(); }));
    BOOST_TEST(t.server->close_reason() == smpp::session_error::bind_timeout);
}
