// The SMTP side on arbitrary input: the session state machine fed the
// input's lines (as the listener would, with its line limits), every mail it
// hands over answered with an outcome picked from the input, and the MIME
// decoder run on every mail's raw text. The first byte picks the mode:
// session lines or a raw message for parse_message. Properties beyond "no
// crash": every reply is CRLF-terminated lines of 3-digit codes, a closed
// session stays closed, and a mail goes only to recipients of the domain's
// numbers, at most max_recipients of them.
#include <memory>

#include "fuzz_support.hpp"
#include "smtp/mime.hpp"
#include "smtp/smtp_session_logic.hpp"

using namespace twinsms;
using namespace twinsms::smtp;

namespace {

std::shared_ptr<const rules> make_rules() {
    auto r = std::make_shared<rules>();
    r->hostname = "mx.test";
    r->domain = "sms.test";
    r->max_size = 4096;
    r->max_recipients = 5;
    r->max_errors = 5;
    r->starttls = true;
    r->clients.push_back({"alpha", "alpha", "alpha1", true, {}, text_mode::subject_and_body});
    r->clients.push_back({"open", "", "", false, {"@example.test"}, text_mode::body});
    r->serves = [](std::string_view) { return true; };
    r->routable = [](std::string_view, std::string_view n) { return !n.empty() && n[0] != '0'; };
    return r;
}

void check_reply(const step& s) {
    const std::string_view r = s.reply;
    for (std::size_t at = 0; at < r.size();) {
        const auto nl = r.find("\r\n", at);
        FUZZ_CHECK(nl != std::string_view::npos, "every reply line ends in CRLF");
        const auto line = r.substr(at, nl - at);
        FUZZ_CHECK(line.size() >= 3 && line[0] >= '2' && line[0] <= '5', "a reply line starts with its code");
        at = nl + 2;
    }
}

void run_session(std::string_view text, std::uint8_t outcome) {
    static const auto r = make_rules();
    session_logic s{r, boost::asio::ip::make_address("192.0.2.1")};
    check_reply(s.greet());
    for (std::size_t at = 0; at < text.size() && !s.closed();) {
        auto nl = text.find('\n', at);
        if (nl == std::string_view::npos) nl = text.size();
        auto line = text.substr(at, nl - at);
        at = nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        step st = line.size() > s.line_limit() ? s.on_line_too_long() : s.on_line(line);
        check_reply(st);
        if (st.start_tls) s.tls_started();
        if (st.deliver) {
            FUZZ_CHECK(!st.deliver->recipients.empty() && st.deliver->recipients.size() <= r->max_recipients,
                       "a mail has 1..max_recipients numbers");
            for (const auto& n : st.deliver->recipients) FUZZ_CHECK(n.find_first_not_of("0123456789") == std::string::npos, "digits only");
            (void)mime::parse_message(st.deliver->text);
            delivery_result d;
            d.result = static_cast<delivery_result::outcome>(outcome % 4);
            if (d.result == delivery_result::outcome::ok)
                for (std::size_t i = 0; i < st.deliver->recipients.size(); ++i) d.ids.push_back({"m" + std::to_string(i)});
            else
                d.reason = "fuzz";
            check_reply(s.delivered(d));
        }
        if (st.close) break;
    }
    if (s.closed()) {
        const auto after = s.on_line("NOOP");
        FUZZ_CHECK(after.reply.empty() || after.close, "a closed session takes nothing more");
    }
    check_reply(s.on_timeout());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    if (in.selector() & 1) {
        const auto m = mime::parse_message(in.rest().text());
        if (m.body) FUZZ_CHECK(m.body_error.empty(), "a body or a reason, not both");
        (void)mime::decode_header_value(in.rest().text());
        (void)mime::decode_quoted_printable(in.rest().text());
        (void)mime::decode_base64(in.rest().text());
    } else {
        run_session(in.rest().text(), in.selector() >> 1);
    }
    return 0;
}
