#include "engine/carrier_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "util/log.hpp"

namespace twinsms::engine {
namespace {

// Settings whose change needs new links; anything else is ignored on reload.
bool same_links(const config::carrier_profile& a, const config::carrier_profile& b) {
    const auto &x = a.link, &y = b.link;
    return a.state == b.state && a.binds == b.binds && x.host == y.host && x.port == y.port && x.bind == y.bind &&
           x.system_id == y.system_id && x.password == y.password && x.system_type == y.system_type &&
           x.interface_version == y.interface_version && x.address_range == y.address_range &&
           x.session.window == y.session.window && x.tps == y.tps &&
           x.session.response_timeout == y.session.response_timeout &&
           x.session.keepalive.interval == y.session.keepalive.interval && x.tls == y.tls;
}

} // namespace

carrier_pool::carrier_pool(boost::asio::any_io_executor ex, deliver_fn on_deliver, change_fn on_change)
    : executor_{std::move(ex)}, on_deliver_{std::move(on_deliver)}, on_change_{std::move(on_change)} {}

carrier_pool::~carrier_pool() = default;

void carrier_pool::apply(const std::vector<config::carrier_profile>& profiles) {
    std::map<std::string, const config::carrier_profile*, std::less<>> wanted;
    for (const auto& p : profiles)
        if (p.state == config::profile_state::active) wanted[p.name] = &p;
    for (auto it = carriers_.begin(); it != carriers_.end();) {
        auto w = wanted.find(it->first);
        if (w != wanted.end() && same_links(it->second.profile, *w->second)) {
            it->second.profile = *w->second;
            wanted.erase(w);
            ++it;
            continue;
        }
        log::info("carrier_pool", "carrier_stopped").kv("carrier", it->first)
            .kv("why", w == wanted.end() ? "removed or passive" : "settings changed");
        retire(std::move(it->second));
        it = carriers_.erase(it);
    }
    for (const auto& [name, p] : wanted) {
        carrier_links c{*p, {}, 0};
        // Enough queued per link to keep its window full between answers,
        // little enough that a link going down strands few messages.
        c.capacity = 2 * std::max<std::size_t>(p->link.session.window, 1);
        for (unsigned i = 0; i < std::max(1u, p->binds); ++i) {
            auto cfg = p->link;
            cfg.name = p->binds > 1 ? name + "#" + std::to_string(i + 1) : name;
            auto link = std::make_shared<smpp::carrier_client>(executor_, cfg, this);
            if (fence_) link->set_fence([f = fence_, name] { return (*f)(name); });
            link->start();
            c.links.push_back(std::move(link));
        }
        log::info("carrier_pool", "carrier_started").kv("carrier", name).kv("binds", c.links.size());
        carriers_.emplace(name, std::move(c));
    }
    if (on_change_) on_change_();
}

void carrier_pool::retire(carrier_links&& c) {
    // Its queued messages come back failed (session_error::closed) and are
    // retried elsewhere by the dispatcher.
    for (auto& l : c.links) {
        retiring_.push_back(l);
        boost::asio::co_spawn(executor_, [this, l]() -> boost::asio::awaitable<void> {
            co_await l->stop();
            std::erase(retiring_, l);
        }, boost::asio::detached);
    }
}

boost::asio::awaitable<void> carrier_pool::stop() {
    auto all = std::move(carriers_);
    carriers_.clear();
    for (auto& [name, c] : all)
        for (auto& l : c.links) co_await l->stop();
}

smpp::carrier_client* carrier_pool::best_link(std::string_view carrier) const {
    auto it = carriers_.find(carrier);
    if (it == carriers_.end()) return nullptr;
    smpp::carrier_client* best = nullptr;
    std::size_t best_load = 0;
    for (const auto& l : it->second.links) {
        if (!l->bound()) continue;
        const auto load = l->queued() + l->in_flight();
        if (!best || load < best_load) best = l.get(), best_load = load;
    }
    return best;
}

bool carrier_pool::up(std::string_view carrier) const {
    return !unroutable_.contains(carrier) && best_link(carrier) != nullptr;
}

void carrier_pool::set_routable(std::string_view carrier, bool routable) {
    const bool changed = routable ? unroutable_.erase(std::string{carrier}) > 0
                                  : unroutable_.insert(std::string{carrier}).second;
    if (changed && on_change_) on_change_();
}

void carrier_pool::set_fence(fence_fn f) {
    // Shared, so a retiring link still unbinding never outlives what it asks.
    fence_ = std::make_shared<const fence_fn>(std::move(f));
    for (auto& [name, c] : carriers_)
        for (auto& l : c.links) l->set_fence([f = fence_, n = name] { return (*f)(n); });
}

smpp::carrier_client* carrier_pool::bound_link(std::string_view carrier) const { return best_link(carrier); }

bool carrier_pool::has_room(std::string_view carrier, std::size_t pending) const {
    auto it = carriers_.find(carrier);
    if (it == carriers_.end() || unroutable_.contains(carrier)) return false;
    // Over all bound links: `pending` is not yet assigned to any one of them.
    std::size_t load = pending, capacity = 0;
    for (const auto& l : it->second.links) {
        if (!l->bound()) continue;
        load += l->queued() + l->in_flight();
        capacity += it->second.capacity;
    }
    return load < capacity;
}

bool carrier_pool::submit(std::string_view carrier, smpp::owned_pdu req, smpp::carrier_client::done_fn done) {
    auto* l = unroutable_.contains(carrier) ? nullptr : best_link(carrier);
    if (!l) return false;
    l->submit(std::move(req), std::move(done));
    return true;
}

std::vector<carrier_pool::link_view> carrier_pool::links() const {
    std::vector<link_view> out;
    for (const auto& [name, c] : carriers_)
        for (const auto& l : c.links)
            out.push_back({name, l->bound(), l->queued(), l->in_flight(), l->stats(), l->window(),
                           l->response_latency().snapshot(), l->incoming_pending(), l->incoming_high_water()});
    return out;
}

void carrier_pool::on_deliver(smpp::carrier_client& c, const smpp::pdu& req, smpp::responder r) {
    // Links of one carrier share a name before '#'.
    const auto& n = c.config().name;
    on_deliver_(n.substr(0, n.find('#')), req, std::move(r));
}

void carrier_pool::on_link_up(smpp::carrier_client&) {
    if (on_change_) on_change_();
}

void carrier_pool::on_link_down(smpp::carrier_client&, const smpp::error_code&) {
    if (on_change_) on_change_();
}

} // namespace twinsms::engine
