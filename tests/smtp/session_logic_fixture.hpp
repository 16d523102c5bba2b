#pragma once
// Shared by session_logic_test.cpp and session_logic_auth_test.cpp (one
// executable): the SMTP session state machine driven line by line.
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "smtp/mime.hpp"
#include "smtp/smtp_session_logic.hpp"

using namespace twinsms::smtp;

namespace session_logic_fixture {

inline std::string b64(std::string_view s) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(s[i]) << 16;
        if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
        if (i + 2 < s.size()) v |= static_cast<unsigned char>(s[i + 2]);
        out += t[(v >> 18) & 63];
        out += t[(v >> 12) & 63];
        out += i + 1 < s.size() ? t[(v >> 6) & 63] : '=';
        out += i + 2 < s.size() ? t[v & 63] : '=';
    }
    return out;
}

struct fixture {
    std::shared_ptr<rules> r = std::make_shared<rules>();
    std::vector<std::string> not_served, unroutable;
    std::unique_ptr<session_logic> s;

    fixture() {
        r->hostname = "mx.test";
        r->domain = "sms.example.com";
        r->max_size = 2000;
        r->max_recipients = 3;
        r->max_errors = 100;
        r->clients = {
            {"ops", "ops", "opspw", false, {"nagios@example.com", "@monitor.example.com"}, text_mode::subject_and_body},
            {"subj", "subj", "x", false, {"@subject.example"}, text_mode::subject},
            {"body", "body", "x", false, {"@body.example", "vip@monitor.example.com"}, text_mode::body},
            {"secure", "secure", "s3cret", true, {"@secure.example"}, text_mode::body},
            {"anyone", "anyone", "pw", true, {}, text_mode::body},
        };
        r->serves = [this](std::string_view c) { return std::find(not_served.begin(), not_served.end(), c) == not_served.end(); };
        r->routable = [this](std::string_view, std::string_view n) {
            return std::find(unroutable.begin(), unroutable.end(), n) == unroutable.end();
        };
        s = std::make_unique<session_logic>(r);
    }
    void restart() { s = std::make_unique<session_logic>(r); }

    step in(std::string_view l) { return s->on_line(l); }
    // The code of the last reply line.
    static std::string code(const step& st) {
        if (st.reply.size() < 5) return st.reply;
        const auto last = st.reply.rfind("\r\n", st.reply.size() - 3);
        return st.reply.substr(last == std::string::npos ? 0 : last + 2, 3);
    }
    std::string say(std::string_view l) { return code(in(l)); }
    void ehlo() { BOOST_REQUIRE_EQUAL(say("EHLO client.test"), "250"); }
    void envelope(std::string_view from = "nagios@example.com", std::string_view to = "6591234567") {
        ehlo();
        BOOST_REQUIRE_EQUAL(say("MAIL FROM:<" + std::string{from} + ">"), "250");
        BOOST_REQUIRE_EQUAL(say("RCPT TO:<" + std::string{to} + "@sms.example.com>"), "250");
        BOOST_REQUIRE_EQUAL(say("DATA"), "354");
    }
    // Sends the lines and the final dot; returns the last step.
    step body(std::vector<std::string> lines) {
        for (const auto& l : lines) BOOST_REQUIRE(in(l).reply.empty());
        return in(".");
    }
};

} // namespace session_logic_fixture

using namespace session_logic_fixture;
