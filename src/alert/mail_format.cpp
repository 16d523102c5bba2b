// The message text curl uploads (declared in mailer.hpp): pure formatting.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "alert/mailer.hpp"
#include "util/base64.hpp"

namespace twinsms::alert {

namespace {

bool ascii(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047 encoded words of at most 45 octets each (60 base64 characters,
// under the 75-character limit), never splitting a UTF-8 sequence, folded.
std::string encode_header(std::string_view v) {
    if (ascii(v)) return std::string{v};
    std::string out;
    while (!v.empty()) {
        std::size_t n = std::min<std::size_t>(45, v.size());
        while (n < v.size() && n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
        if (!out.empty()) out += "\r\n ";
        out += "=?utf-8?B?" + base64_encode(v.substr(0, n)) + "?=";
        v.remove_prefix(n);
    }
    return out;
}

std::string one_line(std::string_view v) {
    std::string s{v};
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return s;
}

// RFC 5322 date in UTC, without the locale strftime would consult.
std::string rfc5322_date(std::chrono::system_clock::time_point tp) {
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::chrono::system_clock::to_time_t(tp);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string crlf_body(std::string_view b) {
    std::string out;
    out.reserve(b.size() + b.size() / 32 + 2);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (b[i] == '\r') {
            if (i + 1 < b.size() && b[i + 1] == '\n') ++i;
            out += "\r\n";
        } else if (b[i] == '\n') {
            out += "\r\n";
        } else {
            out += b[i];
        }
    }
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    return out;
}

} // namespace

std::string_view bare_address(std::string_view a) noexcept {
    const auto lt = a.rfind('<');
    const auto gt = a.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) return a.substr(lt + 1, gt - lt - 1);
    while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    return a;
}

std::string format_message(const config::smtp_settings& s, const email& m, std::string_view message_id) {
    std::string to;
    for (const auto& r : s.to) to += (to.empty() ? "" : ", ") + r;
    const auto date = m.date == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : m.date;
    std::string msg;
    msg += "From: " + s.from + "\r\n";
    msg += "To: " + to + "\r\n";
    msg += "Subject: " + encode_header(one_line(m.subject)) + "\r\n";
    msg += "Date: " + rfc5322_date(date) + "\r\n";
    msg += "Message-ID: <" + std::string{message_id} + ">\r\n";
    msg += "MIME-Version: 1.0\r\n";
    msg += "Content-Type: text/plain; charset=utf-8\r\n";
    msg += std::string{"Content-Transfer-Encoding: "} + (ascii(m.body) ? "7bit" : "8bit") + "\r\n";
    msg += "\r\n";
    msg += crlf_body(m.body);
    return msg;
}

} // namespace twinsms::alert
