#include "alert/alerter.hpp"

#include <exception>

#include "util/log.hpp"
#include "util/utc_time.hpp"

namespace twinsms::alert {

namespace {

constexpr std::string_view comp = "alert";
constexpr std::size_t sms_limit = 160;

bool gsm_extension(char c) noexcept {
    switch (c) {
    case '^': case '{': case '}': case '\\': case '[': case '~': case ']': case '|': return true;
    default: return false;
    }
}

// To the ASCII subset of the GSM 7-bit alphabet: carriers would otherwise
// switch the whole SMS to UCS-2 and its 70-character limit, or mangle it.
std::string gsm_safe(std::string_view in) {
    std::string out;
    for (char ch : in) {
        const auto u = static_cast<unsigned char>(ch);
        if (u >= 0x80) {
            if ((u & 0xC0) != 0x80) out += '?'; // one '?' per UTF-8 character
        } else if (ch == '`') {
            out += '\''; // the one printable ASCII character GSM 7-bit lacks
        } else if (u < 0x20 || u == 0x7f) {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out;
}

void append_word(std::string& s, std::string_view w) {
    if (w.empty()) return;
    if (!s.empty()) s += ' ';
    s += w;
}

std::string kind_words(alert_kind k) {
    std::string s{to_string(k)};
    for (auto& c : s)
        if (c == '_') c = ' ';
    return s;
}

} // namespace

epoch_ms system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::size_t gsm_septets(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) n += gsm_extension(c) ? 2 : 1;
    return n;
}

std::string sms_text(std::string_view node, alert_kind k, std::string_view subject, std::string_view detail,
                     std::uint64_t suppressed) {
    std::string text = "twinsms " + std::string{node} + ":";
    append_word(text, label(k));
    append_word(text, subject);
    append_word(text, detail);
    text = gsm_safe(text);
    const std::string suffix = suppressed ? " (+" + std::to_string(suppressed) + " suppressed)" : "";
    if (gsm_septets(text) + suffix.size() > sms_limit) {
        const std::size_t room = sms_limit - suffix.size() - 3;
        while (gsm_septets(text) > room) text.pop_back();
        text += "...";
    }
    return text + suffix;
}

std::string iso8601_utc(epoch_ms t) { return format_utc_ms(t); }

email alert_email(std::string_view node, alert_kind k, std::string_view subject, std::string_view detail,
                  std::uint64_t suppressed, epoch_ms when) {
    email m;
    m.subject = "[twinsms] " + std::string{node} + ":";
    append_word(m.subject, kind_words(k));
    append_word(m.subject, subject);
    std::string& b = m.body;
    b += "twinsms node " + std::string{node} + " raised an alert.\n\n";
    b += "node:    " + std::string{node} + "\n";
    b += "event:   " + std::string{to_string(k)} + "\n";
    b += "subject: " + std::string{subject} + "\n";
    b += "detail:  " + std::string{detail} + "\n";
    b += "time:    " + iso8601_utc(when) + " (UTC)\n";
    if (suppressed)
        b += "\n" + std::to_string(suppressed) +
             " earlier alert(s) were suppressed on this channel since the last email (repeats within "
             "min_interval, or over max_per_hour).\n";
    m.date = std::chrono::system_clock::time_point{std::chrono::milliseconds{when}};
    return m;
}

alerter::alerter(boost::asio::any_io_executor ex, config::alert_settings settings, std::string node_id,
                 sms_fn send_sms, clock_fn clock)
    : settings_{std::move(settings)}, node_{std::move(node_id)}, send_sms_{std::move(send_sms)},
      clock_{clock ? std::move(clock) : clock_fn{system_now_ms}},
      policy_{policy_config{settings_.min_interval, settings_.max_per_hour}} {
    if (settings_.email) mailer_.emplace(std::move(ex), *settings_.email);
}

alerter::~alerter() { stop(); }

void alerter::stop(std::chrono::milliseconds grace) {
    stopped_ = true;
    if (mailer_) mailer_->stop(grace);
}

void alerter::raise(alert_kind k, std::string subject, std::string detail) {
    ++counters_->raised;
    const auto now = clock_();
    log::info(comp, "raised").kv("kind", to_string(k)).kv("subject", subject).kv("detail", detail);
    if (stopped_) {
        log::warn(comp, "raised_after_stop").kv("kind", to_string(k)).kv("subject", subject);
        return;
    }
    if (!settings_.enabled()) log::warn(comp, "no_channel").kv("kind", to_string(k)).kv("subject", subject);
    if (!settings_.sms_to.empty()) raise_sms(k, subject, detail, now);
    if (mailer_) raise_email(k, subject, detail, now);
}

void alerter::raise_sms(alert_kind k, const std::string& subject, const std::string& detail, epoch_ms now) {
    const auto d = policy_.decide(channel::sms, k, subject, now);
    log::info(comp, "decision").kv("channel", "sms").kv("kind", to_string(k)).kv("subject", subject)
        .kv("verdict", to_string(d.what)).kv("suppressed_before", d.suppressed_before);
    if (!d.send()) {
        ++counters_->sms_suppressed;
        return;
    }
    ++counters_->sms_sent;
    const auto text = sms_text(node_, k, subject, detail, d.suppressed_before);
    for (const auto& to : settings_.sms_to) {
        // A failing route for one admin must not keep the others uninformed.
        try {
            if (!send_sms_) throw std::runtime_error{"no sms_fn"};
            send_sms_(to, settings_.sms_from, text);
            ++counters_->sms_messages;
        } catch (const std::exception& e) {
            ++counters_->sms_failures;
            log::error(comp, "sms_failed").kv("to", to).kv("error", e.what());
        }
    }
}

void alerter::raise_email(alert_kind k, const std::string& subject, const std::string& detail, epoch_ms now) {
    const auto d = policy_.decide(channel::email, k, subject, now);
    log::info(comp, "decision").kv("channel", "email").kv("kind", to_string(k)).kv("subject", subject)
        .kv("verdict", to_string(d.what)).kv("suppressed_before", d.suppressed_before);
    if (!d.send()) {
        ++counters_->email_suppressed;
        return;
    }
    ++counters_->email_queued;
    mailer_->send(alert_email(node_, k, subject, detail, d.suppressed_before, now),
                  [c = counters_, kind = to_string(k), subject](const mail_result& r) {
                      if (r.ok) {
                          ++c->email_sent;
                          log::info(comp, "email_sent").kv("kind", kind).kv("subject", subject);
                      } else {
                          ++c->email_failures;
                          log::warn(comp, "email_failed").kv("kind", kind).kv("subject", subject).kv("error", r.error);
                      }
                  });
}

} // namespace twinsms::alert
