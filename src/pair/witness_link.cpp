#include "pair/witness_link.hpp"

#include "util/log.hpp"

namespace twinsms::pair {

witness_link::witness_link(boost::asio::any_io_executor ex, const config::witness_settings& s, std::string node_id,
                           std::function<void()> on_answer)
    : node_id_{std::move(node_id)}, on_answer_{std::move(on_answer)},
      lease_{cluster::witness_timing{std::chrono::duration_cast<std::chrono::milliseconds>(s.lease_ttl)}},
      client_{std::move(ex), s} {}

witness_link::~witness_link() { client_.stop(); }

void witness_link::step(bool want, cluster::clock::time_point now) {
    lease_.want(want);
    lease_.tick(now);
    const auto r = lease_.next(now);
    if (r == cluster::witness_request::none) return;
    lease_.on_sent(r, now);
    auto done = [this, r, alive = std::weak_ptr<int>{alive_}](const witness::answer& a) {
        if (alive.expired()) return;
        answered(r, a);
    };
    switch (r) {
    case cluster::witness_request::grant: client_.grant(std::move(done)); break;
    case cluster::witness_request::renew: client_.keepalive(*lease_.lease_id(), std::move(done)); break;
    case cluster::witness_request::acquire: client_.acquire(*lease_.lease_id(), node_id_, std::move(done)); break;
    case cluster::witness_request::release: client_.revoke(*lease_.lease_id(), std::move(done)); break;
    case cluster::witness_request::none: break;
    }
}

void witness_link::answered(cluster::witness_request r, const witness::answer& a) {
    const auto now = cluster::clock::now();
    if (!a.ok()) {
        log::warn("witness", "request_failed").kv("request", cluster::to_string(r)).kv("endpoint", a.endpoint)
            .kv("error", a.error);
        lease_.on_failed(a.error, now);
    } else {
        endpoint_ = a.endpoint;
        switch (r) {
        case cluster::witness_request::grant:
            log::info("witness", "lease_granted").kv("lease", a.lease).kv("ttl_s", a.ttl.count()).kv("endpoint", a.endpoint);
            lease_.on_granted(a.lease, a.ttl, now);
            break;
        case cluster::witness_request::renew: lease_.on_renewed(a.ttl, now); break;
        case cluster::witness_request::acquire:
            if (a.acquired) lease_.on_acquired(a.revision, now);
            else lease_.on_refused(a.holder.empty() ? std::string{"another node"} : a.holder, a.revision, now);
            break;
        case cluster::witness_request::release: lease_.on_released(now); break;
        case cluster::witness_request::none: break;
        }
    }
    if (on_answer_) on_answer_();
}

} // namespace twinsms::pair
