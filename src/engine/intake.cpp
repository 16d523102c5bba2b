#include "engine/intake.hpp"

#include "route/parts.hpp"

#include "engine/message_pdu.hpp"
#include "route/smpp_time.hpp"
#include "smpp/session/responder.hpp"
#include "util/log.hpp"

namespace twinsms::engine {

intake::intake(boost::asio::any_io_executor ex, store::message_store& st, dispatcher& d,
               std::shared_ptr<route::route_table> routes, profile_fn profile_of, clock_fn now)
    : executor_{ex}, store_{st}, dispatcher_{d}, routes_{std::move(routes)}, profile_of_{std::move(profile_of)},
      now_{std::move(now)} {}

void intake::on_request(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    switch (req.id()) {
    case smpp::command_id::submit_sm:
    case smpp::command_id::data_sm: return on_submit(s, a, req);
    case smpp::command_id::submit_multi: return on_submit_multi(s, a, req);
    case smpp::command_id::query_sm: return on_query(s, a, req);
    case smpp::command_id::cancel_sm: return on_cancel(s, a, req);
    case smpp::command_id::replace_sm: return on_replace(s, a, req);
    default:
        // deliver_sm and the like are the SMSC's to send, not a client's.
        s.respond_status(req, smpp::status::invcmdid);
    }
}

void intake::count_throttled(std::string_view system_id) {
    auto& c = clients_.of(system_id);
    ++c.throttled;
    c.responses.add(smpp::status::throttled);
}

void intake::write_gated(store::write_batch b, std::function<void(const store::error_code&)> done) {
    if (!gate_) return store_.write(std::move(b), executor_, std::move(done));
    store_.write(std::move(b), executor_, [this, done = std::move(done)](const store::error_code& ec) mutable {
        if (ec) return done(ec);
        gate_([done = std::move(done)] { done({}); });
    });
}

bool intake::refuse_backlogged(client_counters& cs) {
    if (!dispatcher_.backlogged()) return false;
    ++stats_.backlogged;
    ++cs.throttled;
    cs.responses.add(smpp::status::throttled);
    return true;
}

smpp::command_status intake::store_status(const store::error_code& ec) {
    if (ec == store::store_error::full) {
        ++stats_.store_full;
        return smpp::status::msgqful;
    }
    ++stats_.store_errors;
    return smpp::status::syserr;
}

// One read of the store per submit of an account that enforces its list
// (a point lookup in its own read transaction, about a microsecond).
bool intake::opted_out(const std::string& system_id, std::string_view destination) {
    const auto number = route::opt_out_number(destination);
    const auto e = store_.opted_out(system_id, number);
    if (!e) return false;
    ++stats_.opted_out;
    log::info("intake", "opted_out").kv("account", system_id).kv("to", number).kv("since_ms", e->at).kv("via", e->via);
    return true;
}

bool intake::charge(const std::string& system_id, std::int64_t cost, store::write_batch& b) {
    if (cost == 0 || credits_->take(system_id, cost, b)) return true;
    ++stats_.no_credit;
    log::info("intake", "no_credit").kv("account", system_id).kv("cost_micro", cost)
        .kv("balance_micro", credits_->balance(system_id));
    return false;
}

template <class Sm>
intake::prepared intake::prepare(const Sm& sm, const smpp::pdu& stored, const smpp::client_account& a,
                                 const std::string& profile, store::epoch_ms now) {
    prepared p;
    store::epoch_ms not_before = 0, expires = 0;
    if constexpr (requires { sm.schedule_delivery_time; }) {
        auto sched = route::parse_smpp_time(sm.schedule_delivery_time, now);
        if (!sched.ok()) return {smpp::status::invsched, {}};
        auto valid = route::parse_smpp_time(sm.validity_period, now);
        if (!valid.ok()) return {smpp::status::invexpiry, {}};
        not_before = sched.epoch_ms.value_or(0);
        expires = valid.epoch_ms.value_or(0);
        if (expires && expires <= now) return {smpp::status::invexpiry, {}};
    }
    // Routing sees the numbers in the routed form (route/address_rules.hpp);
    // the store keeps them as the client wrote them, for its receipts.
    const auto& ar = routes_->addresses();
    std::optional<smpp::pdu> with_sender; // the stored request with the account's default sender
    const route::compiled_rule* rule = nullptr;
    std::string routed_destination; // with numbering: what the opt-out list is keyed by
    if (ar.empty()) {
        rule = routes_->match({profile, sm.source_addr, sm.destination_addr, sm.service_type});
    } else {
        std::string_view source = sm.source_addr;
        if (source.empty() && !ar.default_sender(a.system_id).empty()) {
            source = ar.default_sender(a.system_id);
            with_sender = stored;
            std::visit([&](auto& b) {
                if constexpr (requires { b.source_addr; }) b.source_addr = source, b.source_addr_ton = 0, b.source_addr_npi = 0;
            }, with_sender->body);
        }
        const auto src = ar.from_client(a.system_id, source, with_sender ? 0 : sm.source_addr_ton,
                                        with_sender ? 0 : sm.source_addr_npi);
        const auto dst = ar.from_client(a.system_id, sm.destination_addr, sm.dest_addr_ton, sm.dest_addr_npi);
        if (route::kind_of(dst) == route::number_kind::alphanumeric) return {smpp::status::invdstadr, {}};
        if (const auto why = ar.sender_refusal(a.system_id, src)) {
            ++stats_.sender_refused;
            log::info("intake", "sender_refused").kv("account", a.system_id).kv("why", *why);
            return {smpp::status::invsrcadr, {}};
        }
        rule = routes_->match({profile, src.addr, dst.addr, sm.service_type});
        routed_destination = dst.addr;
    }
    if (!rule) return {smpp::status::invdstadr, {}};
    if (routes_->opt_outs().enforced(a.system_id) &&
        opted_out(a.system_id, ar.empty() ? std::string_view{sm.destination_addr} : routed_destination))
        return {smpp::status::x_r_appn, {}};
    if (const auto* cr = credits_ ? routes_->credit_of(a.system_id) : nullptr)
        p.cost = cr->price_of(rule->name()) * static_cast<std::int64_t>(route::count_parts(sm));
    auto& m = p.m;
    m.id = store_.next_message_id();
    m.account = a.system_id;
    m.accepted_at = now;
    m.not_before = not_before;
    m.expires_at = expires;
    m.next_attempt = std::max(now, not_before);
    m.state = store::msg_state::queued;
    m.route = rule->name();
    m.pdu = stored_bytes(with_sender ? *with_sender : stored);
    if (m.pdu.empty()) return {smpp::status::syserr, {}};
    return p;
}

void intake::on_submit(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    const auto arrived = std::chrono::steady_clock::now();
    auto& cs = clients_.of(a.system_id);
    const auto now = now_();
    if (refuse_backlogged(cs)) return s.respond_status(req, smpp::status::throttled);
    const auto profile = profile_of_(a.system_id);
    prepared p = req.as<smpp::submit_sm>() ? prepare(*req.as<smpp::submit_sm>(), req, a, profile, now)
                                           : prepare(*req.as<smpp::data_sm>(), req, a, profile, now);
    if (p.status != smpp::status::ok) {
        ++stats_.refused;
        cs.responses.add(p.status);
        s.respond_status(req, p.status);
        return;
    }
    store::write_batch b;
    if (!charge(a.system_id, p.cost, b)) {
        ++stats_.refused;
        cs.responses.add(smpp::status::submitfail);
        s.respond_status(req, smpp::status::submitfail);
        return;
    }
    store::add_event(p.m, {now, p.m.state, 0, "from " + a.system_id + " via " + p.m.route});
    b.put_message(p.m);
    write_gated(std::move(b),
                 [this, &cs, arrived, r = smpp::responder{s, req}, m = std::move(p.m), cost = p.cost](const store::error_code& ec) mutable {
                     if (ec) {
                         if (cost) credits_->untake(m.account, cost); // not committed: not spent
                         log::warn("intake", "store_failed").kv("account", m.account).kv("error", ec.message());
                         const auto st = store_status(ec);
                         r.respond(st);
                         cs.responses.add(st);
                         cs.submit_latency.observe_since(arrived);
                         return;
                     }
                     ++stats_.accepted;
                     ++cs.accepted;
                     cs.responses.add(smpp::status::ok);
                     const auto id = m.id.to_string();
                     r.respond(smpp::status::ok, [&](smpp::pdu& resp) {
                         std::visit([&](auto& body) {
                             if constexpr (requires { body.message_id; }) body.message_id = id;
                         }, resp.body);
                     });
                     cs.submit_latency.observe_since(arrived);
                     // Committed: even if the client is gone, the message goes out.
                     dispatcher_.enqueue(std::move(m));
                 });
}

bool intake::submit_internal(const smpp::submit_sm& sm, const std::string& account,
                             std::function<void(const store::error_code&)> done) {
    const auto now = now_();
    smpp::client_account a;
    a.system_id = account;
    const smpp::pdu stored{smpp::status::ok, 0, sm};
    prepared p = prepare(sm, stored, a, account, now);
    if (p.status != smpp::status::ok) return false;
    store::write_batch b;
    store::add_event(p.m, {now, p.m.state, 0, "internal (" + account + ") via " + p.m.route});
    b.put_message(p.m);
    store_.write(std::move(b), executor_, [this, done = std::move(done), m = std::move(p.m)](const store::error_code& ec) mutable {
        if (!ec) dispatcher_.enqueue(std::move(m));
        done(ec);
    });
    return true;
}

smpp::command_status intake::submit_batch(const std::vector<smpp::submit_sm>& sms, const smpp::client_account& a,
                                          std::string_view via, batch_fn done) {
    auto& cs = clients_.of(a.system_id);
    if (sms.empty()) {
        cs.responses.add(smpp::status::invnumdests);
        return smpp::status::invnumdests;
    }
    if (refuse_backlogged(cs)) return smpp::status::throttled;
    const auto arrived = std::chrono::steady_clock::now();
    const auto now = now_();
    const auto profile = profile_of_(a.system_id);
    std::vector<store::message> ms;
    ms.reserve(sms.size());
    std::int64_t cost = 0;
    for (const auto& sm : sms) {
        const smpp::pdu stored{smpp::status::ok, 0, sm};
        auto p = prepare(sm, stored, a, profile, now);
        if (p.status != smpp::status::ok) {
            ++stats_.refused;
            cs.responses.add(p.status);
            return p.status;
        }
        cost += p.cost;
        ms.push_back(std::move(p.m));
    }
    store::write_batch b;
    if (!charge(a.system_id, cost, b)) { // the whole request, or none of it
        ++stats_.refused;
        cs.responses.add(smpp::status::submitfail);
        return smpp::status::submitfail;
    }
    for (auto& m : ms) {
        store::add_event(m, {now, m.state, 0, std::string{via} + " from " + a.system_id + " via " + m.route});
        b.put_message(m);
    }
    write_gated(std::move(b), [this, &cs, arrived, done = std::move(done), ms = std::move(ms), cost,
                               account = a.system_id](const store::error_code& ec) mutable {
        std::vector<store::message_id> ids;
        if (ec) {
            if (cost) credits_->untake(account, cost);
            if (ec == store::store_error::full) ++stats_.store_full;
            else ++stats_.store_errors;
            cs.responses.add(ec == store::store_error::full ? smpp::status::msgqful : smpp::status::syserr);
            log::warn("intake", "store_failed").kv("account", ms.empty() ? "" : ms.front().account).kv("error", ec.message());
        } else {
            stats_.accepted += ms.size();
            cs.accepted += ms.size();
            cs.responses.add(smpp::status::ok);
            for (auto& m : ms) {
                ids.push_back(m.id);
                dispatcher_.enqueue(std::move(m));
            }
        }
        done(ec, std::move(ids));
        cs.submit_latency.observe_since(arrived);
    });
    return smpp::status::ok;
}

void intake::on_submit_multi(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
    const auto& sm = *req.as<smpp::submit_multi>();
    const auto arrived = std::chrono::steady_clock::now();
    auto& cs = clients_.of(a.system_id);
    if (refuse_backlogged(cs)) return s.respond_status(req, smpp::status::throttled);
    const auto now = now_();
    const auto profile = profile_of_(a.system_id);
    // One stored submit_sm per SME destination; the client's resp names the
    // first, and lists the destinations we could not take.
    std::vector<store::message> ms;
    std::vector<std::pair<smpp::dest_address, smpp::command_status>> unsuccess;
    std::int64_t multi_cost = 0;
    for (const auto& d : sm.dests) {
        if (d.dest_flag != smpp::dest_address::sme_address) {
            unsuccess.emplace_back(d, smpp::status::invdlname); // no distribution lists here
            continue;
        }
        smpp::pdu one{smpp::status::ok, 0, smpp::submit_sm{}};
        auto& x = *one.as<smpp::submit_sm>();
        x.service_type = sm.service_type;
        x.source_addr_ton = sm.source_addr_ton, x.source_addr_npi = sm.source_addr_npi, x.source_addr = sm.source_addr;
        x.dest_addr_ton = d.dest_addr_ton, x.dest_addr_npi = d.dest_addr_npi, x.destination_addr = d.address;
        x.esm_class = sm.esm_class, x.protocol_id = sm.protocol_id, x.priority_flag = sm.priority_flag;
        x.schedule_delivery_time = sm.schedule_delivery_time, x.validity_period = sm.validity_period;
        x.registered_delivery = sm.registered_delivery, x.replace_if_present_flag = sm.replace_if_present_flag;
        x.data_coding = sm.data_coding, x.sm_default_msg_id = sm.sm_default_msg_id;
        x.short_message = sm.short_message;
        x.tlvs = sm.tlvs;
        auto p = prepare(x, one, a, profile, now);
        if (p.status != smpp::status::ok) {
            unsuccess.emplace_back(d, p.status);
        } else {
            multi_cost += p.cost;
            ms.push_back(std::move(p.m));
        }
    }
    if (ms.empty()) {
        ++stats_.refused;
        const auto st = unsuccess.empty() ? smpp::status::invnumdests : unsuccess.front().second;
        cs.responses.add(st);
        s.respond_status(req, st);
        return;
    }
    store::write_batch b;
    if (!charge(a.system_id, multi_cost, b)) { // every destination it takes, or none
        ++stats_.refused;
        cs.responses.add(smpp::status::submitfail);
        s.respond_status(req, smpp::status::submitfail);
        return;
    }
    for (auto& m : ms) {
        store::add_event(m, {now, m.state, 0, "submit_multi from " + a.system_id});
        b.put_message(m);
    }
    // The resp's views must outlive respond(): keep the addresses here.
    std::vector<std::string> addrs;
    for (const auto& [d, st] : unsuccess) addrs.emplace_back(d.address);
    write_gated(std::move(b),
                 [this, &cs, arrived, r = smpp::responder{s, req}, ms = std::move(ms), unsuccess, addrs = std::move(addrs),
                  multi_cost, account = a.system_id](const store::error_code& ec) mutable {
                     cs.submit_latency.observe_since(arrived); // the answer follows at once
                     if (ec) {
                         if (multi_cost) credits_->untake(account, multi_cost);
                         const auto st = store_status(ec);
                         cs.responses.add(st);
                         return (void)r.respond(st);
                     }
                     stats_.accepted += ms.size();
                     cs.accepted += ms.size();
                     cs.responses.add(smpp::status::ok);
                     const auto id = ms.front().id.to_string();
                     r.respond(smpp::status::ok, [&](smpp::pdu& resp) {
                         auto* mr = resp.as<smpp::submit_multi_resp>();
                         if (!mr) return;
                         mr->message_id = id;
                         for (std::size_t i = 0; i < unsuccess.size(); ++i)
                             mr->unsuccess.push_back({unsuccess[i].first.dest_addr_ton, unsuccess[i].first.dest_addr_npi,
                                                      addrs[i], unsuccess[i].second});
                     });
                     for (auto& m : ms) dispatcher_.enqueue(std::move(m));
                 });
}

} // namespace twinsms::engine
