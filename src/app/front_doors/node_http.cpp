#include "app/front_doors/node_http.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "engine/message_pdu.hpp"
#include "http/admin_api.hpp"
#include "route/parts.hpp"
#include "route/smpp_time.hpp"
#include "util/log.hpp"

namespace twinsms::app {
namespace {

namespace json = boost::json;
using http::api_error;
using engine::request_fields;
using engine::smpp_state_of;

constexpr std::int64_t max_schedule_ahead_ms = 365LL * 24 * 3600 * 1000;

const config::client_profile* client_of(const config::profile_set& p, std::string_view system_id) {
    for (const auto& c : p.clients)
        if (c.account.system_id == system_id && !c.peer) return &c;
    return nullptr;
}

json::value time_or_null(store::epoch_ms t) { return t ? json::value(http::format_rfc3339(t)) : json::value(nullptr); }

std::string_view encoding_of(std::uint8_t data_coding) {
    switch (route::coding_of(data_coding)) {
    case route::air_coding::gsm7: return "gsm";
    case route::air_coding::ucs2: return "ucs2";
    case route::air_coding::octets: return "binary";
    }
    return "binary";
}

// What GET /api/v1/messages/{id} and the search say about a message.
json::object summary(const store::message& m) {
    json::object o;
    o["id"] = m.id.to_string();
    o["state"] = std::string{store::to_string(m.state)};
    o["final"] = store::is_final(m.state);
    o["accepted_at"] = http::format_rfc3339(m.accepted_at);
    o["done_at"] = time_or_null(m.done_at);
    if (const auto v = request_fields(m)) {
        o["to"] = v->destination_addr;
        o["from"] = v->source_addr;
        o["encoding"] = encoding_of(v->data_coding);
        if (v->esm_class & route::esm_udhi)
            if (const auto p = route::udh_part(v->short_message))
                o["part"] = json::object{{"ref", p->ref}, {"seq", p->seq}, {"total", p->total}};
    }
    return o;
}

json::object document(const store::message& m, const std::vector<store::event>& history) {
    json::object o = summary(m);
    o["scheduled_for"] = time_or_null(m.not_before);
    o["expires_at"] = time_or_null(m.expires_at);
    o["attempts"] = m.attempts;
    o["route"] = m.route;
    o["carrier"] = m.carrier;
    o["carrier_message_id"] = m.carrier_message_id;
    o["last_status"] = m.last_status;
    o["smpp_state"] = smpp_state_of(m.state);
    const auto v = request_fields(m);
    const auto rd = v ? v->registered_delivery & 0x03 : 0;
    o["receipt_requested"] = rd == 1 ? "always" : rd == 2 ? "on_failure" : "no";
    // The carrier's delivery receipt, once one came (the dispatcher records
    // it as "<carrier> receipt" with the carrier's error code).
    json::value receipt = nullptr;
    json::array lines;
    for (const auto& e : history) {
        lines.push_back(json::object{{"at", http::format_rfc3339(e.at)}, {"state", std::string{store::to_string(e.state)}},
                                     {"status", e.status}, {"detail", e.detail}});
        if (e.detail.size() >= 8 && e.detail.compare(e.detail.size() - 8, 8, " receipt") == 0)
            receipt = json::object{{"at", http::format_rfc3339(e.at)}, {"state", std::string{store::to_string(e.state)}},
                                   {"error", e.status}, {"carrier", e.detail.substr(0, e.detail.size() - 8)}};
    }
    o["receipt"] = std::move(receipt);
    o["history"] = std::move(lines);
    return o;
}

api_error refusal_of(smpp::command_status st) {
    if (st == smpp::status::invdstadr) return {422, "unroutable", "no route takes one or more of the destinations"};
    if (st == smpp::status::invsrcadr)
        return {422, "sender_not_allowed", "from: not among the senders of this account (senders in its profile)"};
    if (st == smpp::status::submitfail)
        return {402, "no_credit", "the account's credit does not cover this message (twinsmsctl credit)"};
    if (st == smpp::status::x_r_appn)
        return {422, "opted_out", "to: a destination is on this account's opt-out list (the handset sent STOP)"};
    if (st == smpp::status::invsched) return {400, "invalid_time", "schedule is not a time the node can use"};
    if (st == smpp::status::invexpiry) return {400, "invalid_field", "validity: the message would expire before it is sent"};
    if (st == smpp::status::throttled)
        return {429, "backlogged", "the carriers are behind (delivery.max_backlog messages waiting); retry later", 1};
    return {400, "refused", "the node refused the message (" + std::string{smpp::status_name(st)} + ")"};
}

} // namespace

api_token_match find_api_token(const config::profile_set& p, std::string_view token) {
    api_token_match found;
    for (const auto& c : p.clients)
        for (const auto& t : c.http.tokens)
            if (http::constant_time_equal(token, t.token) && !found.client) found = {&c, &t};
    return found;
}

std::optional<http::api_caller> node_http::by_token(std::string_view token) {
    const auto m = find_api_token(node_.profiles(), token);
    if (!m.client) return std::nullopt;
    return http::api_caller{m.client->account.system_id, m.token->send, m.token->read, m.token->admin};
}

std::optional<http::api_caller> node_http::by_login(std::string_view system_id, std::string_view password) {
    const auto* c = client_of(node_.profiles(), system_id);
    if (!c || !c->http.sendsms || c->account.password.empty()) return std::nullopt;
    if (!http::constant_time_equal(password, c->account.password)) return std::nullopt;
    return http::api_caller{c->account.system_id, true, false, false};
}

bool node_http::has_login(std::string_view system_id) {
    const auto* c = client_of(node_.profiles(), system_id);
    return c != nullptr && c->http.sendsms && !c->account.password.empty();
}

bool node_http::source_allowed(const http::api_caller& who, const boost::asio::ip::address& remote) {
    const auto* c = client_of(node_.profiles(), who.system_id);
    return c != nullptr && c->account.allows_source(remote);
}

void node_http::submit(const http::api_caller& who, http::send_job job, std::function<void(http::submit_result)> given) {
    ++stats_.requests;
    // Every answer, refusals too, is timed (twinsms_client_http_send_seconds).
    auto done = [this, given = std::move(given), account = who.system_id,
                 since = std::chrono::steady_clock::now()](http::submit_result r) {
        node_.submissions().count_http_send(account, since);
        given(std::move(r));
    };
    const auto refuse = [&](api_error e) {
        ++stats_.refused;
        log::info("send_api", "refused").kv("account", who.system_id).kv("code", e.code).kv("why", e.message);
        done({std::move(e), {}});
    };
    const auto* c = client_of(node_.profiles(), who.system_id);
    if (!c) return refuse({401, "invalid_token", "the account of this token is gone (profiles reloaded)"});
    if (!node_.serves(*c))
        return refuse({503, "account_inactive", "account " + who.system_id + " is not served on this node now (passive here)"});
    const auto now = node_.clock()();
    std::string schedule, validity;
    std::optional<store::epoch_ms> start;
    if (job.schedule_ms) start = *job.schedule_ms;
    else if (job.defer_s) start = now + *job.defer_s * 1000;
    if (start && *start > now + max_schedule_ahead_ms) return refuse({400, "invalid_time", "schedule: at most a year ahead"});
    if (start && *start > now) schedule = route::format_smpp_time(*start);
    if (job.validity_s) validity = route::format_smpp_time(std::max(now, start.value_or(now)) + *job.validity_s * 1000);

    // The account's limit counts SMS; more than the bucket holds takes it whole.
    const auto& a = c->account;
    const double cost = static_cast<double>(job.parts.count() * job.to.size());
    const auto tnow = token_bucket::clock::now();
    auto [b, fresh] = buckets_.try_emplace(a.system_id, a.tps, a.burst > 0 ? a.burst : a.tps, tnow);
    if (!fresh) b->second.set_rate(a.tps, a.burst > 0 ? a.burst : a.tps, tnow);
    if (!b->second.try_take(tnow, std::min(cost, b->second.burst()))) {
        ++stats_.throttled;
        node_.submissions().count_throttled(a.system_id);
        return refuse({429, "throttled", "over the account's throughput limit of " + std::to_string(a.tps) + " SMS/s; retry later"});
    }

    std::vector<smpp::submit_sm> sms;
    sms.reserve(job.to.size() * job.parts.count());
    for (const auto& to : job.to)
        for (const auto& part : job.parts.short_messages) {
            smpp::submit_sm s;
            if (job.from) {
                s.source_addr_ton = job.from->ton, s.source_addr_npi = job.from->npi, s.source_addr = job.from->digits;
            }
            s.dest_addr_ton = to.ton, s.dest_addr_npi = to.npi, s.destination_addr = to.digits;
            s.esm_class = job.parts.esm_class;
            s.data_coding = job.parts.data_coding;
            s.registered_delivery = job.registered_delivery;
            s.schedule_delivery_time = schedule;
            s.validity_period = validity;
            s.short_message = part;
            sms.push_back(s);
        }
    const auto per_destination = job.parts.count();
    const auto st = node_.submissions().submit_batch(
        sms, a, "http", [this, done, per_destination, account = a.system_id](const store::error_code& ec, std::vector<store::message_id> ids) {
            if (ec) {
                ++stats_.store_errors;
                const bool full = ec == store::store_error::full;
                log::warn("send_api", "store_failed").kv("account", account).kv("error", ec.message());
                return done({full ? api_error{507, "store_full", "the message store is full; retry later"}
                                  : api_error{503, "store_unavailable", "the message store failed: " + ec.message()},
                             {}});
            }
            http::submit_result r;
            for (std::size_t i = 0; i < ids.size(); ++i) {
                if (i % per_destination == 0) r.ids.emplace_back();
                r.ids.back().push_back(ids[i].to_string());
            }
            stats_.accepted += ids.size();
            log::info("send_api", "accepted").kv("account", account).kv("sms", ids.size());
            done(std::move(r));
        });
    if (st != smpp::status::ok) refuse(refusal_of(st));
}

std::variant<json::object, api_error> node_http::message(const http::api_caller& who, std::string_view id) {
    store::message_id mid;
    if (!store::message_id::parse(id, mid)) return api_error{400, "invalid_id", "a message id is 16 hex digits"};
    if (const auto m = node_.dispatch().find(mid, who.system_id)) return document(*m, node_.message_store().history(mid));
    // After a takeover: the dead peer's messages are in its promoted replica.
    if (const auto* pe = node_.peer_engine())
        if (const auto m = pe->dispatch().find(mid, who.system_id)) return document(*m, pe->store().history(mid));
    return api_error{404, "not_found", "no message " + std::string{id} + " of this account"};
}

std::variant<json::object, api_error> node_http::search(const http::api_caller& who, const http::search_query& q) {
    std::optional<store::message_id> before;
    if (!q.before.empty()) {
        store::message_id b;
        if (!store::message_id::parse(q.before, b)) return api_error{400, "invalid_parameter", "before: a message id"};
        before = b;
    }
    json::array found;
    bool past_since = false;
    // After a takeover the dead peer's messages are in its promoted replica:
    // the log covers both. The pair's id spaces do not overlap (the
    // secondary's start at 1 << 60), so the store with the higher ids is
    // read first and the other continues below it, newest first throughout.
    std::vector<std::pair<const store::message_store*, const engine::dispatcher*>> stores{
        {&node_.message_store(), &node_.dispatch()}};
    if (const auto* pe = node_.peer_engine()) {
        const bool own_higher = node_.profiles().node.role == config::node_role::secondary;
        stores.insert(own_higher ? stores.end() : stores.begin(), {&pe->store(), &pe->dispatch()});
    }
    std::optional<store::message_id> resume;
    std::size_t budget = max_scan;
    for (const auto& [st, disp] : stores) {
        std::size_t scanned = 0;
        past_since = false; // per store: the other one's ids say nothing of acceptance times here
        resume = st->scan_messages(before, budget, [&, disp = disp](const store::message& m) {
            ++scanned;
            // Ids grow with acceptance: older than `since` ends the search.
            if (q.since_ms && m.accepted_at < *q.since_ms) {
                past_since = true;
                return false;
            }
            if (m.account != who.system_id || (q.until_ms && m.accepted_at >= *q.until_ms)) return true;
            if (q.number) {
                const auto v = request_fields(m);
                if (!v || v->destination_addr != q.number->digits) return true;
            }
            // The dispatcher may hold a newer image than the store's.
            found.push_back(summary(disp->find(m.id, who.system_id).value_or(m)));
            return found.size() < q.limit;
        });
        budget -= std::min(budget, scanned);
        if ((resume && !past_since) || found.size() >= q.limit || budget == 0) break;
    }
    json::object out;
    out["messages"] = std::move(found);
    // More may follow below where the scan stopped (the page was full, or
    // the scan budget ran out), unless it reached `since` or the oldest.
    out["next"] = resume && !past_since ? json::value(resume->to_string()) : json::value(nullptr);
    return out;
}

} // namespace twinsms::app
