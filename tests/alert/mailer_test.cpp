// The mailer against a real SMTP server on loopback (aiosmtpd, started per
// test by smtp_fixture.hpp): plain delivery as received, AUTH right and
// wrong, STARTTLS with a self-signed certificate (trusted via ca_file, with
// verify_peer off, and refused without either), a port nobody listens on, a
// server that never answers (send() returns at once, the error comes after
// the timeout), the bounded queue and a bounded stop().
#define BOOST_TEST_MODULE alert_mailer
#include <boost/test/unit_test.hpp>

#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "alert/mailer.hpp"
#include "alert/smtp_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using alert::mail_result;
using alert::mailer;

namespace {

struct outcome {
    std::optional<mail_result> result;
    steady::time_point at{};
    mailer::completion callback() {
        return [this](const mail_result& r) {
            result = r;
            at = steady::now();
        };
    }
};

alert::email sample() {
    return {"[twinsms] site1: takeover of site2 \xE2\x80\x94 epoch 4",
            "Takeover of site2.\n.a line that starts with a dot\nGr\xC3\xBC\xC3\x9F" "e\n", {}};
}

// Sends one message and waits for its completion.
mail_result send_one(boost::asio::io_context& io, const config::smtp_settings& s, alert::email m = sample()) {
    mailer ml{io.get_executor(), s};
    outcome o;
    ml.send(std::move(m), o.callback());
    BOOST_REQUIRE(run_until(io, [&] { return o.result.has_value(); }, 20s));
    return *o.result;
}

} // namespace

BOOST_AUTO_TEST_CASE(plain_delivery_arrives_as_sent) {
    boost::asio::io_context io;
    smtp_sink sink;
    auto r = send_one(io, sink.settings());
    BOOST_TEST_INFO(r.error);
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(run_until(io, [&] { return !sink.messages().empty(); }));
    const auto m = sink.messages().front();
    BOOST_TEST_INFO(sink.describe());
    BOOST_TEST(str(m, "mail_from") == "alerts@example.test");
    BOOST_TEST(boost::json::serialize(m.at("rcpt_tos")) == R"(["ops@example.test","noc@example.test"])");
    BOOST_TEST(str(m, "from") == "twinsms alerts <alerts@example.test>");
    BOOST_TEST(str(m, "to") == "ops@example.test, Night Desk <noc@example.test>");
    BOOST_TEST(str(m, "subject") == "[twinsms] site1: takeover of site2 \xE2\x80\x94 epoch 4");
    BOOST_TEST(str(m, "mime_version") == "1.0");
    BOOST_TEST(str(m, "content_type") == "text/plain");
    BOOST_TEST(str(m, "charset") == "utf-8");
    BOOST_TEST(str(m, "message_id").ends_with("@example.test>"));
    BOOST_TEST(str(m, "date").ends_with("+0000"));
    // Dot-stuffing is undone by the server: the dotted line arrives intact.
    BOOST_TEST(str(m, "body") ==
               "Takeover of site2.\r\n.a line that starts with a dot\r\nGr\xC3\xBC\xC3\x9F" "e\r\n");
    BOOST_TEST(m.at("defects").as_array().empty());
    BOOST_TEST(m.at("tls").as_bool() == false);
    BOOST_TEST(m.at("auth").is_null());
}

BOOST_AUTO_TEST_CASE(auth_with_the_right_password_delivers) {
    boost::asio::io_context io;
    smtp_sink sink{{"--auth", "alice:s3cret"}};
    auto s = sink.settings();
    s.username = "alice";
    s.password = "s3cret";
    auto r = send_one(io, s);
    BOOST_TEST_INFO(r.error);
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(run_until(io, [&] { return !sink.messages().empty(); }));
    BOOST_TEST(str(sink.messages().front(), "auth") == "alice");
}

BOOST_AUTO_TEST_CASE(auth_with_a_wrong_password_is_an_error_not_a_hang) {
    boost::asio::io_context io;
    smtp_sink sink{{"--auth", "alice:s3cret"}};
    auto s = sink.settings();
    s.username = "alice";
    s.password = "wrong";
    const auto t0 = steady::now();
    auto r = send_one(io, s);
    BOOST_TEST(!r.ok);
    BOOST_TEST_MESSAGE("wrong password: " << r.error);
    BOOST_TEST(r.error.find("535") != std::string::npos);
    BOOST_TEST((steady::now() - t0 < s.timeout));
    BOOST_TEST(sink.messages().empty());
}

BOOST_AUTO_TEST_CASE(without_auth_a_server_that_requires_it_refuses) {
    boost::asio::io_context io;
    smtp_sink sink{{"--auth", "alice:s3cret"}};
    auto r = send_one(io, sink.settings());
    BOOST_TEST(!r.ok);
    BOOST_TEST_MESSAGE("no auth: " << r.error);
    BOOST_TEST(sink.messages().empty());
}

BOOST_AUTO_TEST_CASE(starttls_verified_with_ca_file_and_auth) {
    self_signed_cert cert;
    boost::asio::io_context io;
    smtp_sink sink{{"--tls", cert.cert().string(), cert.key().string(), "--auth", "alice:s3cret"}};
    auto s = sink.settings();
    s.tls = config::smtp_tls::starttls;
    s.ca_file = cert.cert();
    s.username = "alice";
    s.password = "s3cret";
    auto r = send_one(io, s);
    BOOST_TEST_INFO(r.error);
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(run_until(io, [&] { return !sink.messages().empty(); }));
    BOOST_TEST(sink.messages().front().at("tls").as_bool());
    BOOST_TEST(str(sink.messages().front(), "auth") == "alice");
}

BOOST_AUTO_TEST_CASE(starttls_without_verification_accepts_a_self_signed_server) {
    self_signed_cert cert;
    boost::asio::io_context io;
    smtp_sink sink{{"--tls", cert.cert().string(), cert.key().string()}};
    auto s = sink.settings();
    s.tls = config::smtp_tls::starttls;
    s.verify_peer = false;
    auto r = send_one(io, s);
    BOOST_TEST_INFO(r.error);
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(run_until(io, [&] { return !sink.messages().empty(); }));
    BOOST_TEST(sink.messages().front().at("tls").as_bool());
}

BOOST_AUTO_TEST_CASE(starttls_refuses_an_untrusted_certificate) {
    self_signed_cert cert;
    boost::asio::io_context io;
    smtp_sink sink{{"--tls", cert.cert().string(), cert.key().string()}};
    auto s = sink.settings();
    s.tls = config::smtp_tls::starttls; // verify_peer on, no ca_file: the system CAs do not know it
    auto r = send_one(io, s);
    BOOST_TEST(!r.ok);
    BOOST_TEST_MESSAGE("untrusted: " << r.error);
    BOOST_TEST(sink.messages().empty());
}

BOOST_AUTO_TEST_CASE(starttls_required_but_not_offered_is_an_error) {
    boost::asio::io_context io;
    smtp_sink sink; // plain only
    auto s = sink.settings();
    s.tls = config::smtp_tls::starttls;
    s.verify_peer = false;
    auto r = send_one(io, s);
    BOOST_TEST(!r.ok); // never falls back to the clear
    BOOST_TEST_MESSAGE("no starttls offered: " << r.error);
    BOOST_TEST(sink.messages().empty());
}

BOOST_AUTO_TEST_CASE(server_not_listening_fails_quickly) {
    boost::asio::io_context io;
    config::smtp_settings s;
    s.host = "127.0.0.1";
    s.port = free_port();
    s.from = "alerts@example.test";
    s.to = {"ops@example.test"};
    const auto t0 = steady::now();
    auto r = send_one(io, s);
    BOOST_TEST(!r.ok);
    BOOST_TEST_MESSAGE("refused: " << r.error);
    BOOST_TEST(r.error.find("onnect") != std::string::npos);
    BOOST_TEST((steady::now() - t0 < 3s));
}

BOOST_AUTO_TEST_CASE(silent_server_times_out_while_send_returns_at_once) {
    boost::asio::io_context io;
    silent_listener silent;
    config::smtp_settings s;
    s.host = "127.0.0.1";
    s.port = silent.port();
    s.from = "alerts@example.test";
    s.to = {"ops@example.test"};
    s.timeout = 1000ms;
    mailer ml{io.get_executor(), s};
    outcome o;
    const auto t0 = steady::now();
    ml.send(sample(), o.callback());
    const auto returned = steady::now() - t0;
    BOOST_TEST((returned < 50ms));
    BOOST_REQUIRE(run_until(io, [&] { return o.result.has_value(); }, 15s));
    BOOST_TEST(!o.result->ok);
    BOOST_TEST_MESSAGE("silent: " << o.result->error);
    BOOST_TEST(o.result->error.find("imeout") != std::string::npos);
    const auto took = o.at - t0;
    BOOST_TEST((took >= 900ms));
    BOOST_TEST((took < 5s));
}

BOOST_AUTO_TEST_CASE(full_queue_drops_the_oldest_and_stop_abandons_the_rest_in_bounded_time) {
    boost::asio::io_context io;
    silent_listener silent;
    config::smtp_settings s;
    s.host = "127.0.0.1";
    s.port = silent.port();
    s.from = "alerts@example.test";
    s.to = {"ops@example.test"};
    s.timeout = 60s; // the transfer would hang for a minute
    std::vector<outcome> outs(6);
    std::optional<mailer> ml;
    ml.emplace(io.get_executor(), s, 2);
    for (auto& o : outs) ml->send(sample(), o.callback());
    // One in progress (or about to be), two waiting; the rest were dropped.
    BOOST_TEST(ml->dropped() >= 3u);
    BOOST_TEST(ml->queued() <= 2u);
    const auto t0 = steady::now();
    ml->stop(200ms);
    BOOST_TEST((steady::now() - t0 < 2s));
    ml->send(sample(), [](const mail_result& r) { BOOST_TEST(r.error == "mailer stopped"); });
    ml.reset(); // the destructor after stop() is a no-op
    BOOST_REQUIRE(run_until(io, [&] {
        return std::all_of(outs.begin(), outs.end(), [](const outcome& o) { return o.result.has_value(); });
    }));
    std::size_t dropped = 0, abandoned = 0;
    for (const auto& o : outs) {
        BOOST_TEST(!o.result->ok);
        if (o.result->error.starts_with("dropped")) ++dropped;
        if (o.result->error.starts_with("abandoned")) ++abandoned;
    }
    BOOST_TEST(dropped >= 3u);
    BOOST_TEST(dropped + abandoned == outs.size());
}

namespace {

// True once a thread of this process other than the caller sits in a
// poll-family system call (/proc/self/task/*/syscall names the call a
// blocked thread is in): the mailer's worker waiting in curl_multi_poll.
bool another_thread_polls() {
    const auto self = std::to_string(::gettid());
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator{"/proc/self/task", ec}) {
        if (task.path().filename() == self) continue;
        long nr = -1;
        if (std::ifstream in{task.path() / "syscall"}; !(in >> nr)) continue; // "running" or gone
        for (const long poll_call : {
#ifdef SYS_poll
                 long{SYS_poll},
#endif
                 long{SYS_ppoll}})
            if (nr == poll_call) return true;
    }
    return false;
}

// Bounded: polls /proc every millisecond for at most `limit`.
bool wait_for_a_polling_thread(std::chrono::milliseconds limit) {
    const auto end = steady::now() + limit;
    while (!another_thread_polls())
        if (steady::now() >= end) return false;
        else std::this_thread::sleep_for(1ms);
    return true;
}

// curl waits for these replies inside one blocking call (the end of DATA,
// QUIT), deaf to its wakeup: stop() must still return in about its grace.
void stop_is_bounded_while_curl_blocks(const char* mode, const char* stalled_line) {
    boost::asio::io_context io;
    smtp_sink sink{{mode}};
    auto s = sink.settings();
    s.timeout = 60s;
    outcome o;
    std::optional<mailer> ml;
    ml.emplace(io.get_executor(), s);
    ml->send(sample(), o.callback());
    BOOST_REQUIRE_MESSAGE(sink.saw_line(stalled_line, 15s), sink.describe());
    // curl has sent what the server stalls on; wait until it sits in its
    // blocking wait (the worker thread inside poll), not a fixed time.
    BOOST_REQUIRE_MESSAGE(wait_for_a_polling_thread(5000ms), "the mailer's thread never waited in poll");
    const auto t0 = steady::now();
    ml->stop(200ms);
    const auto took = steady::now() - t0;
    BOOST_TEST((took < 1500ms));
    ml.reset();
    BOOST_REQUIRE(run_until(io, [&] { return o.result.has_value(); }, 5s));
    BOOST_TEST_MESSAGE(mode << ": ok=" << o.result->ok << " " << o.result->error);
}

} // namespace

BOOST_AUTO_TEST_CASE(stop_is_bounded_when_the_server_never_answers_the_message) {
    stop_is_bounded_while_curl_blocks("--stall-data", "stalled data");
}

BOOST_AUTO_TEST_CASE(stop_is_bounded_when_the_server_never_answers_quit) {
    stop_is_bounded_while_curl_blocks("--stall-quit", "stalled quit");
}

BOOST_AUTO_TEST_CASE(stop_lets_queued_mail_finish_within_the_grace) {
    boost::asio::io_context io;
    smtp_sink sink;
    std::vector<outcome> outs(3);
    {
        mailer ml{io.get_executor(), sink.settings()};
        for (auto& o : outs) ml.send(sample(), o.callback());
        ml.stop(10s);
    }
    BOOST_REQUIRE(run_until(io, [&] {
        return std::all_of(outs.begin(), outs.end(), [](const outcome& o) { return o.result.has_value(); });
    }));
    for (const auto& o : outs) BOOST_TEST(o.result->ok);
    BOOST_REQUIRE(run_until(io, [&] { return sink.messages().size() == 3u; }));
}
