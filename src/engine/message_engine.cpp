// The message engine over one store (message_engine.hpp): its parts wired
// together, and deliveries made elsewhere taken into its store.
#include "engine/message_engine.hpp"

#include "util/log.hpp"

namespace twinsms::engine {

message_engine::message_engine(boost::asio::any_io_executor ex, store::message_store& st, carrier_pool& carriers,
                               std::shared_ptr<route::route_table> routes, route::mo_router mo_routes,
                               engine_config cfg, engine_ports ports, clock_fn now)
    : executor_{ex}, store_{st}, mo_routes_{std::move(mo_routes)}, cfg_{cfg}, ports_{std::move(ports)},
      now_{std::move(now)}, credits_{st},
      dispatcher_{ex, st, carriers, routes, [&] {
                      auto d = cfg.dispatch;
                      d.client_delivery_ttl = cfg.client_delivery_ttl;
                      return d;
                  }(),
                  now_, [this](store::delivery d) { deliveries_.added(std::move(d)); }},
      deliveries_{ex, st, ports_.receivers, cfg.deliveries, now_},
      intake_{ex, st, dispatcher_, routes, ports_.profile_of, now_} {
    intake_.set_credit_book(&credits_);
    dispatcher_.set_credit_book(&credits_);
    if (ports_.sink) deliveries_.set_sinks(ports_.sink);
    if (ports_.replicated) intake_.set_commit_gate(ports_.replicated);
    if (ports_.find_elsewhere) intake_.set_finder(ports_.find_elsewhere);
    if (ports_.mapped_elsewhere) dispatcher_.set_mapped_elsewhere(ports_.mapped_elsewhere);
}

void message_engine::start() {
    dispatcher_.start();
    deliveries_.start();
}

void message_engine::stop() {
    dispatcher_.stop();
    deliveries_.stop();
}

void message_engine::set_routes(std::shared_ptr<route::route_table> routes, route::mo_router mo_routes) {
    dispatcher_.set_routes(routes);
    intake_.set_routes(std::move(routes));
    mo_routes_ = std::move(mo_routes);
}

store::delivery message_engine::new_delivery(std::string account) const {
    const auto now = now_();
    store::delivery d;
    d.id = store_.next_delivery_id();
    d.account = std::move(account);
    d.created_at = now;
    d.expires_at = now + cfg_.client_delivery_ttl.count();
    return d;
}

void message_engine::take_delivery(store::delivery d, bool admit, std::function<void(const store::error_code&)> done,
                                   store::write_batch with) {
    store::write_batch b;
    b.put_delivery(d);
    if (!with.empty()) b.append(std::move(with));
    if (admit) b.admit();
    store_.write(std::move(b), executor_, [this, d = std::move(d), done = std::move(done)](const store::error_code& ec) mutable {
        done(ec);
        if (!ec) deliveries_.added(std::move(d));
    });
}

} // namespace twinsms::engine
