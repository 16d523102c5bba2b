#include "app/front_doors/webhook_sink.hpp"

#include <boost/asio/post.hpp>

#include "util/log.hpp"
#include "webhook/payload.hpp"

namespace twinsms::app {
using engine::delivery_sink;

delivery_sink::result classify(const webhook::post_result& r) noexcept {
    if (r.ok()) return delivery_sink::result::delivered;
    if (!r.error.empty() || r.status == 0) return delivery_sink::result::retry;
    // Rate limiting, timeouts and server trouble pass; a 4xx is an answer
    // about this delivery and will not change by sending it again.
    if (r.status == 408 || r.status == 429 || r.status >= 500) return delivery_sink::result::retry;
    if (r.status >= 400) return delivery_sink::result::undeliverable;
    return delivery_sink::result::retry; // 1xx/3xx: nothing was acknowledged
}

webhook_sink::webhook_sink(std::string account, config::webhook_settings settings, webhook::poster& poster,
                           engine::clock_fn now)
    : account_{std::move(account)}, settings_{std::move(settings)}, poster_{poster}, now_{std::move(now)} {}

bool webhook_sink::accepts(const store::delivery& d) const {
    // Receipts carry the message they report on; MO does not.
    return d.message.value != 0 ? settings_.receipts : settings_.mo;
}

std::chrono::milliseconds webhook_sink::retry_delay(unsigned failures) const {
    auto d = settings_.retry_initial;
    for (unsigned i = 1; i < failures && d < settings_.retry_max; ++i) d *= 2;
    return std::min(d, settings_.retry_max);
}

void webhook_sink::deliver(const store::delivery& d, done_fn done) {
    auto p = webhook::payload_of(d);
    if (!p) {
        // Answered later, like every other outcome, so the manager's pump
        // is never re-entered from inside itself.
        boost::asio::post(poster_.executor(), [done] { done(result::undeliverable, "stored PDU does not decode"); });
        return;
    }
    webhook::post_request req;
    req.url = settings_.url;
    req.headers = webhook::headers(settings_.secret, now_() / 1000, p->body, d);
    req.body = std::move(p->body);
    req.timeout = settings_.timeout;
    req.ca_file = settings_.ca_file;
    req.verify_peer = settings_.verify_peer;
    ++in_flight_;
    ++stats_.posted;
    const bool queued = poster_.post(std::move(req), [self = shared_from_this(), done, id = d.id.value](
                                                         const webhook::post_result& r) {
        --self->in_flight_;
        const auto verdict = classify(r);
        switch (verdict) {
        case result::delivered: ++self->stats_.ok; break;
        case result::retry: ++self->stats_.failed; break;
        case result::undeliverable: ++self->stats_.refused; break;
        case result::handed_over: break; // not a webhook's answer
        }
        const std::string why = !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status);
        if (verdict != result::delivered)
            log::info("webhook", "answer").kv("account", self->account_).kv("delivery", id).kv("why", why);
        done(verdict, why);
    });
    if (!queued) {
        --in_flight_;
        boost::asio::post(poster_.executor(), [done] { done(result::retry, "webhook queue full"); });
    }
}

} // namespace twinsms::app
