#include "pair/cluster_member.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "pair/transition_hook.hpp"
#include "util/log.hpp"

namespace twinsms::pair {
namespace {

constexpr const char* epoch_key = "cluster_epoch";
// A release (failback drain, switchover drain) that has not finished by
// then is declared done: a client that never answers unbind or a carrier
// that never acknowledges must not hold the pair in between modes.
constexpr std::chrono::seconds release_deadline{20};

// An epoch that cannot be read is not 0: starting at 0 would let this node
// take over below the peer's epoch and be fenced by nothing. Refuse to start.
std::uint32_t load_epoch(const store::message_store& st) {
    const auto v = st.get_meta(epoch_key);
    if (!v) return 0; // a new store: no epoch yet
    std::size_t end = 0;
    unsigned long e = 0;
    try {
        e = std::stoul(*v, &end);
    } catch (const std::exception&) {
        end = 0;
    }
    if (end == 0 || end != v->size() || e > 0xFFFFFFFFul)
        throw std::runtime_error("the cluster epoch in the store (meta key " + std::string{epoch_key} + ") is '" + *v +
                                 "', not a number: refusing to start rather than take over at epoch 0; "
                                 "restore the store from a backup (moving it aside starts empty, without its messages)");
    return static_cast<std::uint32_t>(e);
}

cluster::controller_config controller_config_of(const config::profile_set& p) {
    const auto& c = p.node.cluster;
    cluster::controller_config cc;
    cc.node_id = p.node.id;
    cc.primary = p.node.role == config::node_role::primary;
    cc.auto_failback = c.failback == config::failback_mode::automatic;
    cc.failback_hold = c.failback_hold;
    cc.trouble_grace = c.keepalive_interval;
    if (c.overflow) cc.overflow_high = c.overflow->high, cc.overflow_low = c.overflow->low;
    cc.witness = c.witness.has_value();
    return cc;
}

// What a path offers as evidence this tick: heard (a bound session and when
// the peer last sent on it) or nothing (no bound session).
void observe(cluster::path_monitor& m, bool& connected, std::optional<cluster::clock::time_point> heard,
             cluster::clock::time_point now) {
    if (heard) {
        if (!connected) m.on_connected(now);
        connected = true;
        m.on_heard(*heard);
    } else if (connected) {
        m.on_closed(now);
        connected = false;
    }
}

} // namespace

cluster_member::cluster_member(boost::asio::any_io_executor ex, const config::profile_set& p,
                               store::message_store& st, engine::carrier_pool& pool, host h)
    : executor_{ex}, node_id_{p.node.id}, peer_id_{p.node.cluster.peer_id},
      primary_{p.node.role == config::node_role::primary}, cfg_{p.node.cluster}, store_{st}, pool_{pool},
      host_{std::move(h)},
      detector_{{cfg_.keepalive_interval, cfg_.keepalive_misses, cfg_.second_path.has_value()}, cluster::clock::now()},
      controller_{controller_config_of(p), load_epoch(st), cluster::clock::now()},
      applied_mode_{controller_.mode()}, persisted_epoch_{controller_.epoch()}, timer_{ex} {
    if (const auto* c = p.peer_carrier()) peer_carrier_ = c->name;
    if (const auto* c = p.peer_client()) peer_account_ = c->account.system_id;
    if (!primary_ && cfg_.second_path && p.peer_carrier()) {
        // The heartbeat binds with the peer link's account as a transmitter:
        // the primary tells it from the link (a transceiver) by bind type.
        auto hb = p.peer_carrier()->link;
        hb.name = peer_carrier_ + "/second_path";
        hb.host = cfg_.second_path->address().to_string();
        hb.port = cfg_.second_path->port();
        hb.bind = smpp::bind_type::transmitter;
        second_ = std::make_shared<smpp::carrier_client>(executor_, hb, this);
    }
    if (cfg_.witness)
        witness_ = std::make_unique<witness_link>(executor_, *cfg_.witness, node_id_, [this] {
            if (!stopping_) settle(); // an answer: act on it now, not at the next tick
        });
}

cluster_member::~cluster_member() = default;

void cluster_member::start() {
    log::info("cluster", "joining").kv("node", node_id_).kv("peer", peer_id_).kv("epoch", controller_.epoch())
        .kv("second_path", cfg_.second_path.has_value()).kv("witness", witness_ ? cfg_.witness->key : "none");
    if (second_) second_->start();
    applied_.reset();
    settle();
    boost::asio::co_spawn(executor_, run(), boost::asio::detached);
}

boost::asio::awaitable<void> cluster_member::stop() {
    stopping_ = true;
    timer_.cancel();
    // The lease is left to expire (within its TTL): the carriers may still
    // be unbinding, and the key must not go to the peer before they are.
    if (witness_) witness_->stop();
    if (second_) co_await second_->stop();
}

boost::asio::awaitable<void> cluster_member::run() {
    // A quarter interval: a verdict is due within interval*misses + 1/4.
    const auto period = std::max<std::chrono::milliseconds>(cfg_.keepalive_interval / 4, std::chrono::milliseconds{20});
    while (!stopping_) {
        // The witness's renewals and its window's end come between ticks.
        const auto now = cluster::clock::now();
        auto at = now + period;
        if (witness_) at = std::clamp(witness_->lease().next_deadline(now), now + std::chrono::milliseconds{5}, at);
        timer_.expires_at(at);
        co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (stopping_) break;
        tick();
    }
}

void cluster_member::gather(cluster::clock::time_point now) {
    if (!primary_) {
        auto* l = pool_.bound_link(peer_carrier_);
        observe(detector_.peer_link(), link_connected_, l ? l->last_heard() : std::nullopt, now);
        if (auto* m = detector_.second_path()) observe(*m, second_connected_, second_ ? second_->last_heard() : std::nullopt, now);
        return;
    }
    std::optional<cluster::clock::time_point> link, second;
    for (const auto& s : host_.peer_sessions()) {
        auto& slot = s->state() == smpp::bind_state::bound_tx ? second : link;
        slot = std::max(slot.value_or(cluster::clock::time_point::min()), s->last_receive());
        // A half-open connection (the peer vanished without a FIN) answers
        // nothing; close it so the peer can bind afresh when it returns.
        if (now - s->last_receive() > detector_.config().budget()) s->close();
    }
    observe(detector_.peer_link(), link_connected_, link, now);
    if (auto* m = detector_.second_path()) observe(*m, second_connected_, second, now);
}

void cluster_member::tick() {
    const auto now = cluster::clock::now();
    gather(now);
    const auto d = detector_.poll(now);
    if (d.changed) {
        log::info("cluster", "verdict").kv("peer", peer_id_).kv("verdict", cluster::to_string(d.now));
        if (d.now == cluster::verdict::dead) dead_at_ = now;
        controller_.on_verdict(d.now, now);
    }
    controller_.tick(now);
    if (controller_.releasing()) {
        if (!releasing_since_) releasing_since_ = now;
        if (host_.released() || now - *releasing_since_ > release_deadline) {
            log::info("cluster", "released").kv("mode", cluster::to_string(controller_.mode()))
                .kv("ms", std::chrono::duration_cast<std::chrono::milliseconds>(now - *releasing_since_).count());
            releasing_since_.reset();
            controller_.on_released(now);
        }
    } else {
        releasing_since_.reset();
    }
    settle(); // steps the witness too
    if (now >= next_report_) send_report();
}

void cluster_member::send_report() {
    next_report_ = cluster::clock::now() + cfg_.keepalive_interval;
    const auto rep = current_report();
    std::string scratch;
    const smpp::pdu req{smpp::status::ok, 0, smpp::peer_status{signed_report(rep, scratch, true)}};
    auto on_resp = [this, alive = std::weak_ptr<int>{alive_}](const smpp::error_code& ec, const smpp::pdu* resp) {
        if (ec || !resp || alive.expired()) return;
        if (const auto* b = resp->as<smpp::peer_status_resp>(); b && resp->status == smpp::status::ok) on_report(b->tlvs);
    };
    if (!primary_) {
        if (auto* l = pool_.bound_link(peer_carrier_)) l->request(req, std::move(on_resp));
        return;
    }
    for (const auto& s : host_.peer_sessions())
        if (s->state() == smpp::bind_state::bound_trx || s->state() == smpp::bind_state::bound_rx) {
            s->send_request(req, std::move(on_resp));
            return;
        }
}

void cluster_member::on_report(const smpp::tlv_list& tlvs) {
    const auto r = cluster::decode(tlvs);
    if (!r) {
        log::warn("cluster", "bad_peer_status").kv("peer", peer_id_).kv("why", "missing or malformed twinsms TLVs");
        return;
    }
    if (r->node_id != peer_id_) {
        log::warn("cluster", "unexpected_peer").kv("expected", peer_id_).kv("got", r->node_id);
        return;
    }
    if (!authentic(tlvs, *r)) return;
    controller_.on_peer_report(*r, cluster::clock::now());
    settle();
    if (host_.on_peer_report) host_.on_peer_report(tlvs);
    if (r->holding && host_.peer_holds_our_store) host_.peer_holds_our_store();
}

void cluster_member::on_peer_status(smpp::session& s, const smpp::pdu& req) {
    if (const auto* b = req.as<smpp::peer_status>()) on_report(b->tlvs);
    const auto rep = current_report();
    std::string scratch;
    s.respond(smpp::pdu{smpp::status::ok, req.sequence_number, smpp::peer_status_resp{signed_report(rep, scratch)}});
}

void cluster_member::on_peer_status(const smpp::pdu& req, smpp::responder r) {
    if (const auto* b = req.as<smpp::peer_status>()) on_report(b->tlvs);
    const auto rep = current_report();
    std::string scratch;
    r.respond(smpp::status::ok, [&](smpp::pdu& resp) {
        if (auto* b = resp.as<smpp::peer_status_resp>()) b->tlvs = signed_report(rep, scratch);
    });
}

void cluster_member::on_deliver(smpp::carrier_client&, const smpp::pdu&, smpp::responder r) {
    r.respond(smpp::status::invcmdid); // the heartbeat path carries no traffic
}

std::string cluster_member::command(std::string_view verb) {
    const auto now = cluster::clock::now();
    std::string err;
    if (verb == "takeover") err = controller_.takeover(now);
    else if (verb == "failback") err = controller_.failback(now);
    else if (verb == "switchover") err = controller_.switchover(now);
    else err = "unknown cluster command";
    log::info("cluster", "command").kv("verb", verb).kv("result", err.empty() ? "ok" : err);
    settle();
    if (err.empty()) send_report(); // the peer hears of it now, not next interval
    return err;
}

void cluster_member::run_hook(cluster::node_mode from, cluster::node_mode to) {
    if (cfg_.on_transition.empty()) return;
    run_transition_hook(cfg_.on_transition, {{"TWINSMS_NODE", node_id_},
                                             {"TWINSMS_PEER", peer_id_},
                                             {"TWINSMS_FROM", std::string{cluster::to_string(from)}},
                                             {"TWINSMS_TO", std::string{cluster::to_string(to)}},
                                             {"TWINSMS_EPOCH", std::to_string(controller_.epoch())}});
}

// Committed before it is acted on: settle() applies nothing that serves
// more until this write is done, and a failed write stops the transition
// (retried an interval later) and alerts.
void cluster_member::persist_epoch(std::uint32_t e) {
    epoch_writing_ = true;
    store::write_batch b;
    b.put(store::table::meta, epoch_key, std::to_string(e));
    store_.write(std::move(b), executor_, [this, e, alive = std::weak_ptr<int>{alive_}](const store::error_code& ec) {
        if (alive.expired()) return;
        epoch_writing_ = false;
        if (ec) {
            log::error("cluster", "epoch_not_stored").kv("epoch", e).kv("error", ec.message());
            epoch_retry_at_ = cluster::clock::now() + cfg_.keepalive_interval;
            controller_.note(cluster::event_kind::epoch_not_stored,
                             "epoch " + std::to_string(e) + " could not be stored (" + ec.message() +
                                 "): the transition waits until it is");
        } else {
            log::info("cluster", "epoch_stored").kv("epoch", e);
            persisted_epoch_ = e;
        }
        if (!stopping_) settle();
    });
}

cluster_member::path_view cluster_member::link() const {
    path_view v;
    v.configured = true;
    v.connected = link_connected_;
    v.heard_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
        cluster::clock::now() - detector_.peer_link().last_heard());
    return v;
}

cluster_member::path_view cluster_member::second_path() const {
    path_view v;
    const auto* m = detector_.second_path();
    if (!m) return v;
    v.configured = true;
    v.connected = second_connected_;
    v.heard_ago = std::chrono::duration_cast<std::chrono::milliseconds>(cluster::clock::now() - m->last_heard());
    return v;
}

} // namespace twinsms::pair
