// Graceful unbind: outstanding requests complete before the unbind goes out,
// nothing new is accepted meanwhile, and unbind_timeout bounds both the drain
// and the wait for unbind_resp.
#define BOOST_TEST_MODULE unbind
#include <boost/test/unit_test.hpp>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;
using smpp::session_error;

namespace {
// A raw SMSC: answers the bind at once; answers submits in one batch
// `delay` after the `batch`-th arrives (never if `answer_submits` is false);
// answers unbind unless told not to. Records, for each PDU received, how many
// submit responses it had written by then.
struct raw_smsc {
    asio::io_context& io;
    tcp::socket sock;
    ms delay{100};
    std::size_t batch = 5;
    bool answer_submits = true, answer_unbind = true;
    std::vector<std::pair<command_id, std::size_t>> seen;
    std::vector<std::uint32_t> submit_seqs;
    std::size_t answers_sent = 0;
    error_code ended;

    raw_smsc(asio::io_context& i, tcp::socket s) : io{i}, sock{std::move(s)} {}

    asio::awaitable<void> read_loop() {
        for (;;) {
            auto r = co_await read_pdu(sock);
            if (r.ec) {
                ended = r.ec;
                co_return;
            }
            seen.emplace_back(r.id(), answers_sent);
            const auto seq = r.hdr.sequence_number;
            if (r.id() == command_id::bind_transceiver) {
                auto out = encoded(pdu{st::ok, seq, smpp::bind_transceiver_resp{}});
                co_await write_all(sock, std::move(out));
            } else if (r.id() == command_id::submit_sm) {
                submit_seqs.push_back(seq);
                if (submit_seqs.size() == batch && answer_submits)
                    asio::co_spawn(io, answer_later(), asio::detached);
            } else if (r.id() == command_id::unbind && answer_unbind) {
                auto out = encoded(pdu{st::ok, seq, smpp::unbind_resp{}});
                co_await write_all(sock, std::move(out));
            }
        }
    }
    asio::awaitable<void> answer_later() {
        asio::steady_timer t{io, delay};
        co_await t.async_wait(use_tuple);
        std::vector<std::uint8_t> all;
        for (auto seq : submit_seqs) {
            pdu r{st::ok, seq, smpp::submit_sm_resp{}};
            r.as<smpp::submit_sm_resp>()->message_id = "m";
            all = cat(std::move(all), encoded(r));
        }
        answers_sent = submit_seqs.size();
        co_await write_all(sock, std::move(all));
    }
    std::size_t count(command_id id) const {
        return std::count_if(seen.begin(), seen.end(), [id](auto& p) { return p.first == id; });
    }
};

struct fixture {
    asio::io_context io;
    std::shared_ptr<session> client;
    std::unique_ptr<raw_smsc> smsc;
    recording_handler ch;

    explicit fixture(smpp::session_config cfg = {}) {
        auto [a, b] = socket_pair(io);
        smsc = std::make_unique<raw_smsc>(io, std::move(b));
        cfg.name = "client";
        client = session::create(std::move(a), smpp::role::esme, cfg);
        client->set_handler(&ch);
        client->start();
        asio::co_spawn(io, smsc->read_loop(), asio::detached);
        BOOST_REQUIRE(bind_now(io, *client).status == st::ok);
    }
    ~fixture() { shutdown(io, {client}); }
};

smpp::session_config timeouts(ms unbind, ms response = ms(30'000)) {
    smpp::session_config c;
    c.unbind_timeout = unbind;
    c.response_timeout = response;
    c.keepalive.interval = ms(0); // no probes: every PDU on the wire is the test's
    return c;
}

struct results {
    std::vector<error_code> ec;
    session::response_handler make() {
        return [this](const error_code& e, const pdu*) { ec.push_back(e); };
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(outstanding_requests_complete_before_unbind_is_sent) {
    fixture f{timeouts(ms(5'000))};
    results r;
    for (int i = 0; i < 5; ++i) f.client->send_request(submit(), r.make());
    bool unbound = false;
    results late;
    asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
        // Spawned from inside the loop, unbind() runs inline up to its first
        // wait: the session is draining when the next line runs.
        asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
            co_await f.client->unbind();
            unbound = true;
        }, asio::detached);
        BOOST_TEST(!f.client->closed());
        f.client->send_request(submit(), late.make()); // refused while draining
        co_return;
    }, asio::detached);
    BOOST_REQUIRE(run_until(f.io, [&] { return unbound && f.client->closed(); }));

    BOOST_REQUIRE(r.ec.size() == 5u);
    for (auto& e : r.ec) BOOST_TEST(!e); // all answered, none cut off by the unbind
    BOOST_REQUIRE(late.ec.size() == 1u);
    BOOST_TEST(late.ec[0] == session_error::not_bound);
    BOOST_TEST(f.smsc->count(command_id::submit_sm) == 5u); // the refused one never left
    BOOST_REQUIRE(f.smsc->count(command_id::unbind) == 1u);
    auto unbind = std::find_if(f.smsc->seen.begin(), f.smsc->seen.end(),
                               [](auto& p) { return p.first == command_id::unbind; });
    BOOST_TEST(unbind->second == 5u); // the unbind arrived after all 5 answers were written
    BOOST_TEST(f.client->close_reason() == session_error::unbound);
    BOOST_TEST(f.ch.close_reason == session_error::unbound);
    BOOST_REQUIRE(run_until(f.io, [&] { return bool(f.smsc->ended); }));
    BOOST_TEST(f.smsc->ended == asio::error::eof);
}

BOOST_AUTO_TEST_CASE(drain_is_bounded_by_unbind_timeout) {
    fixture f{timeouts(ms(200))};
    f.smsc->answer_submits = false;
    results r;
    for (int i = 0; i < 3; ++i) f.client->send_request(submit(), r.make());
    const auto start = std::chrono::steady_clock::now();
    bool unbound = false;
    asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
        co_await f.client->unbind();
        unbound = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(f.io, [&] { return unbound && f.client->closed(); }));
    const auto took = elapsed_ms(start);
    BOOST_TEST_MESSAGE("unanswered drain gave up after " << took.count() << " ms");
    BOOST_TEST(took.count() >= 200);
    BOOST_TEST(took.count() < 1000);
    BOOST_TEST(f.smsc->count(command_id::unbind) == 1u); // still unbinds politely
    BOOST_REQUIRE(r.ec.size() == 3u);
    for (auto& e : r.ec) BOOST_TEST(e == session_error::unbound); // failed with the close reason
}

BOOST_AUTO_TEST_CASE(unbind_resp_wait_is_bounded_by_unbind_timeout) {
    // session_config: unbind_timeout covers "drain + unbind_resp wait"; the
    // 30s response timeout must not hold a shutdown hostage.
    fixture f{timeouts(ms(200), ms(30'000))};
    f.smsc->answer_unbind = false;
    const auto start = std::chrono::steady_clock::now();
    bool unbound = false;
    asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
        co_await f.client->unbind();
        unbound = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(f.io, [&] { return unbound && f.client->closed(); }, ms(5'000)));
    const auto took = elapsed_ms(start);
    BOOST_TEST_MESSAGE("unanswered unbind gave up after " << took.count() << " ms");
    BOOST_TEST(took.count() >= 200);
    BOOST_TEST(took.count() < 1000);
    BOOST_TEST(f.smsc->count(command_id::unbind) == 1u);
    BOOST_TEST(f.client->close_reason() == session_error::unbound);
}

BOOST_AUTO_TEST_CASE(inactivity_during_an_unbind_does_not_unbind_twice) {
    auto cfg = timeouts(ms(5'000));
    cfg.keepalive.inactivity = ms(50);
    fixture f{cfg};
    f.smsc->batch = 1;
    f.smsc->delay = ms(250); // the drain outlasts several inactivity periods
    results r;
    f.client->send_request(submit(), r.make());
    bool unbound = false;
    asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
        co_await f.client->unbind();
        unbound = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(f.io, [&] { return unbound && f.client->closed(); }));
    BOOST_TEST(r.ec.size() == 1u);
    BOOST_TEST(f.smsc->count(command_id::unbind) == 1u);
    BOOST_TEST(f.client->stats().tx_pdus == 3u); // bind, submit, one unbind
}

BOOST_AUTO_TEST_CASE(unbind_of_an_unbound_session_just_closes) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    raw_smsc smsc{io, std::move(b)};
    auto client = session::create(std::move(a), smpp::role::esme, timeouts(ms(1000)));
    client->start();
    asio::co_spawn(io, smsc.read_loop(), asio::detached);
    bool unbound = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        co_await client->unbind();
        unbound = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return unbound && bool(smsc.ended); }));
    BOOST_TEST(client->closed());
    BOOST_TEST(client->close_reason() == session_error::unbound);
    BOOST_TEST(smsc.seen.empty()); // no unbind PDU without a bind
}

BOOST_AUTO_TEST_CASE(smsc_initiated_unbind_fails_the_esmes_requests_once) {
    asio::io_context io;
    recording_handler h;
    h.hold = true;
    auto p = make_pair(io, &h, timeouts(ms(1000)), timeouts(ms(1000)));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    results r;
    for (int i = 0; i < 4; ++i) p.client->send_request(submit(), r.make());
    BOOST_REQUIRE(run_until(io, [&] { return h.held.size() == 4; }));
    bool unbound = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        co_await p.server->unbind();
        unbound = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return unbound && p.client->closed() && p.server->closed(); }));
    BOOST_REQUIRE(run_until(io, [&] { return r.ec.size() >= 4u; }));
    BOOST_TEST(observe_quiet(io, ms(30), [&] { return r.ec.size() != 4u; }), "a request completed twice");
    BOOST_REQUIRE(r.ec.size() == 4u);
    for (auto& e : r.ec) BOOST_TEST(e == session_error::unbound);
    BOOST_TEST(p.client->close_reason() == session_error::unbound);
    BOOST_TEST(p.server->close_reason() == session_error::unbound);
}

namespace {
// The server unbinds while the client's submit is on the wire: the submit
// crosses the unbind, so neither side has seen it when the unbind goes out.
struct crossing {
    asio::io_context io;
    recording_handler h;
    session_pair p;
    results r;
    bool unbound = false;

    explicit crossing(ms unbind_timeout) : p{make_pair(io, &h, timeouts(unbind_timeout), timeouts(unbind_timeout))} {
        h.hold = true;
        BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
        asio::co_spawn(io, [this]() -> asio::awaitable<void> {
            asio::co_spawn(io, [this]() -> asio::awaitable<void> {
                co_await p.server->unbind();
                unbound = true;
            }, asio::detached);
            p.client->send_request(submit(), r.make()); // queued behind nothing: it crosses the unbind
            co_return;
        }, asio::detached);
        BOOST_REQUIRE(run_until(io, [this] { return h.held.size() == 1; }));
        // The unbind exchange is done; both sides wait for the crossing submit's answer.
        BOOST_REQUIRE(run_until(io, [this] { return p.server->state() == smpp::bind_state::unbound; }));
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(a_request_crossing_the_unbind_is_answered_before_the_close) {
    crossing c{ms(5'000)};
    BOOST_TEST(!c.p.client->closed());
    BOOST_TEST(!c.p.server->closed());
    BOOST_TEST(c.r.ec.empty());
    c.h.answer_held(*c.p.server);
    BOOST_REQUIRE(run_until(c.io, [&] { return c.unbound && c.p.client->closed() && c.p.server->closed(); }));
    BOOST_REQUIRE(c.r.ec.size() == 1u);
    BOOST_TEST(!c.r.ec[0]); // answered, not cut off
    BOOST_TEST(c.p.client->close_reason() == session_error::unbound);
    BOOST_TEST(c.p.server->close_reason() == session_error::unbound);
}

BOOST_AUTO_TEST_CASE(waiting_for_crossing_answers_is_bounded_by_unbind_timeout) {
    crossing c{ms(300)};
    const auto start = std::chrono::steady_clock::now();
    BOOST_REQUIRE(run_until(c.io, [&] { return c.unbound && c.p.client->closed() && c.p.server->closed(); }));
    BOOST_TEST(elapsed_ms(start) < ms(2'000)); // not the 30 s response_timeout
    BOOST_REQUIRE(c.r.ec.size() == 1u);
    BOOST_TEST(c.r.ec[0] == session_error::unbound);
    BOOST_TEST(c.p.server->close_reason() == session_error::unbound);
}
