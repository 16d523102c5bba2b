#include "cluster/witness_lease.hpp"

#include <algorithm>

namespace twinsms::cluster {

std::string_view to_string(witness_request r) noexcept {
    switch (r) {
    case witness_request::none: return "none";
    case witness_request::grant: return "grant";
    case witness_request::renew: return "renew";
    case witness_request::acquire: return "acquire";
    case witness_request::release: return "release";
    }
    return "unknown";
}

std::string_view to_string(witness_event_kind k) noexcept {
    switch (k) {
    case witness_event_kind::acquired: return "witness_acquired";
    case witness_event_kind::refused: return "witness_refused";
    case witness_event_kind::lost: return "witness_lost";
    case witness_event_kind::released: return "witness_released";
    }
    return "unknown";
}

witness_request witness_lease::next(clock::time_point now) const {
    if (in_flight_ != witness_request::none) return witness_request::none;
    if (!want_) return lease_ ? witness_request::release : witness_request::none;
    if (!lease_) return now >= retry_at_ ? witness_request::grant : witness_request::none;
    if (now >= last_renew_sent_ + t_.renew_every()) return witness_request::renew;
    if (!revision_ && now >= retry_at_) return witness_request::acquire;
    return witness_request::none;
}

void witness_lease::on_sent(witness_request r, clock::time_point now) {
    in_flight_ = r;
    sent_at_ = now;
    ++stats_.requests;
    // The next renewal is due a period after this attempt, whatever it gets.
    if (r == witness_request::renew) last_renew_sent_ = now;
}

void witness_lease::on_granted(std::int64_t lease_id, std::chrono::seconds ttl, clock::time_point now) {
    in_flight_ = witness_request::none;
    lease_ = lease_id;
    revision_.reset();
    last_renew_sent_ = sent_at_;
    safe_until_ = sent_at_ + std::min<std::chrono::milliseconds>(ttl, t_.ttl) - t_.guard();
    retry_at_ = now; // acquire right away
}

void witness_lease::on_renewed(std::chrono::seconds ttl, clock::time_point) {
    const auto was = std::exchange(in_flight_, witness_request::none);
    if (!lease_ || was != witness_request::renew) return; // lost meanwhile: that lease is forgotten
    if (ttl.count() <= 0) {
        lose("etcd no longer has our lease (expired or revoked)");
        return;
    }
    safe_until_ = std::max(safe_until_, sent_at_ + std::min<std::chrono::milliseconds>(ttl, t_.ttl) - t_.guard());
}

void witness_lease::on_acquired(std::int64_t revision, clock::time_point) {
    in_flight_ = witness_request::none;
    if (!lease_) return;
    revision_ = revision;
    refused_reported_ = false;
    holder_.clear();
    ++stats_.acquisitions;
    events_.push_back({witness_event_kind::acquired, "carrier key acquired at revision " + std::to_string(revision), revision});
}

void witness_lease::on_refused(const std::string& holder, std::int64_t revision, clock::time_point now) {
    in_flight_ = witness_request::none;
    retry_at_ = now + t_.retry_every();
    holder_ = holder;
    ++stats_.refusals;
    if (refused_reported_) return;
    refused_reported_ = true;
    events_.push_back({witness_event_kind::refused,
                       holder + " holds the carrier key (revision " + std::to_string(revision) + ")", revision});
}

void witness_lease::on_released(clock::time_point) {
    in_flight_ = witness_request::none;
    const auto had = std::exchange(revision_, std::nullopt);
    lease_.reset();
    refused_reported_ = false;
    if (had) events_.push_back({witness_event_kind::released, "carrier key given back", *had});
}

void witness_lease::on_failed(const std::string& why, clock::time_point now) {
    const auto was = std::exchange(in_flight_, witness_request::none);
    last_error_ = why;
    ++stats_.failures;
    switch (was) {
    case witness_request::grant:
    case witness_request::acquire: retry_at_ = now + t_.retry_every(); break;
    case witness_request::release:
        // etcd expires the lease (and the key with it) within the TTL anyway.
        lease_.reset();
        revision_.reset();
        break;
    default: break; // a renewal: the window decides, not one failure
    }
}

void witness_lease::tick(clock::time_point now) {
    if (lease_ && now >= safe_until_) lose("no renewal answered within the lease (" + std::to_string(t_.ttl.count()) +
                                           " ms less a " + std::to_string(t_.guard().count()) + " ms guard)" +
                                           (last_error_.empty() ? "" : ": " + last_error_));
}

void witness_lease::lose(std::string why) {
    if (revision_) {
        ++stats_.losses;
        events_.push_back({witness_event_kind::lost, std::move(why), *revision_});
    }
    lease_.reset();
    revision_.reset();
    refused_reported_ = false;
    retry_at_ = {};
}

clock::time_point witness_lease::next_deadline(clock::time_point now) const {
    if (in_flight_ != witness_request::none) return lease_ ? safe_until_ : clock::time_point::max();
    if (next(now) != witness_request::none) return now;
    auto t = clock::time_point::max();
    if (lease_) t = std::min({t, safe_until_, last_renew_sent_ + t_.renew_every()});
    if (want_ && (!lease_ || !revision_)) t = std::min(t, retry_at_);
    return t;
}

} // namespace twinsms::cluster
