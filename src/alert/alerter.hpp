#pragma once
// Takeover alerts to the admins: the node calls raise() on peer loss,
// takeover, failback, peer-link trouble, brain-split and overflow changes;
// the alerter applies the policy per channel (alert_policy.hpp), then sends
// an SMS to each admin number through the node's sms_fn and one email to all
// configured addresses through the mailer (off-thread, never blocking).
//
// Everything runs on the node's io_context thread (the mailer's completions
// are posted back to the same executor), so there is no locking here.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "alert/alert_policy.hpp"
#include "alert/mailer.hpp"
#include "config/cluster.hpp"

namespace twinsms::alert {

// Hands one SMS to whatever carrier works at the moment (the node's routing).
using sms_fn = std::function<void(const std::string& to, const std::string& from, const std::string& text)>;
// Wall-clock milliseconds since the epoch (the same shape as engine::clock_fn).
using clock_fn = std::function<epoch_ms()>;
epoch_ms system_now_ms();

struct alert_counters {
    std::uint64_t raised = 0;
    std::uint64_t sms_sent = 0;         // alerts that went out by SMS
    std::uint64_t sms_messages = 0;     // SMS handed to sms_fn (one per admin number)
    std::uint64_t sms_failures = 0;     // sms_fn threw
    std::uint64_t sms_suppressed = 0;   // de-dup or rate limit
    std::uint64_t email_sent = 0;       // accepted by the SMTP server
    std::uint64_t email_queued = 0;     // handed to the mailer (sent + failures + still queued)
    std::uint64_t email_failures = 0;   // SMTP/curl error, dropped from a full queue, abandoned at stop
    std::uint64_t email_suppressed = 0; // de-dup or rate limit
};

// "twinsms site1: TAKEOVER of site2 (peer dead 3.0s) epoch 4 (+3 suppressed)"
// for raise(takeover, "of site2", "(peer dead 3.0s) epoch 4") with 3
// suppressed before it. Reduced to what every carrier sends as one GSM 7-bit
// SMS: at most 160 septets (^{}\[~]| count two), non-GSM characters become
// '?'; a long detail is cut with "..." so the suppressed count survives.
std::string sms_text(std::string_view node, alert_kind k, std::string_view subject, std::string_view detail,
                     std::uint64_t suppressed);
// Septets `text` takes in the GSM 7-bit default alphabet (text from sms_text).
std::size_t gsm_septets(std::string_view text) noexcept;
// Subject "[twinsms] site1: takeover of site2"; the body has node, event,
// subject, detail, the time in UTC ISO-8601 and the suppressed count.
email alert_email(std::string_view node, alert_kind k, std::string_view subject, std::string_view detail,
                  std::uint64_t suppressed, epoch_ms when);
// 2026-01-02T03:04:05.123Z
std::string iso8601_utc(epoch_ms t);

class alerter {
public:
    // No SMS numbers: no SMS channel; no email section: no mailer (and no
    // thread). `send_sms` may be empty when there are no numbers.
    alerter(boost::asio::any_io_executor ex, config::alert_settings settings, std::string node_id, sms_fn send_sms,
            clock_fn clock = system_now_ms);
    ~alerter(); // stop()
    alerter(const alerter&) = delete;
    alerter& operator=(const alerter&) = delete;

    // `subject` is the de-dup key with the kind: keep it stable (the peer's
    // id, "of site2"); what varies (durations, epochs) goes in `detail`.
    void raise(alert_kind k, std::string subject, std::string detail);

    // Stops the mailer (queued email gets `grace` to go out, then is
    // abandoned; blocks the caller for at most about that long). Later
    // raise() calls are counted and logged but send nothing. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{2'000});

    alert_counters counters() const noexcept { return *counters_; }
    const alert_policy& policy() const noexcept { return policy_; }
    const config::alert_settings& settings() const noexcept { return settings_; }

private:
    void raise_sms(alert_kind k, const std::string& subject, const std::string& detail, epoch_ms now);
    void raise_email(alert_kind k, const std::string& subject, const std::string& detail, epoch_ms now);

    const config::alert_settings settings_;
    const std::string node_;
    sms_fn send_sms_;
    clock_fn clock_;
    alert_policy policy_;
    // Shared with the mailer's completions, which may run after we are gone.
    std::shared_ptr<alert_counters> counters_ = std::make_shared<alert_counters>();
    std::optional<mailer> mailer_;
    bool stopped_ = false;
};

} // namespace twinsms::alert
