#include "app/front_doors/smtp_gateway.hpp"

#include "engine/intake.hpp"
#include "tls/context.hpp"
#include "sms/sms_text.hpp"
#include "sms/utf.hpp"
#include "util/log.hpp"

namespace twinsms::app {
namespace {

smtp::text_mode mode_of(config::mail_text t) {
    switch (t) {
    case config::mail_text::subject: return smtp::text_mode::subject;
    case config::mail_text::body: return smtp::text_mode::body;
    default: return smtp::text_mode::subject_and_body;
    }
}

bool fits(const std::string& text, unsigned max_parts) {
    auto e = sms::encode_text(text);
    if (!e) return false;
    const auto n = sms::count_parts(*e);
    return n > 0 && n <= max_parts;
}

// A number (with an optional '+') or an alphanumeric sender id (TON 5).
void set_source(smpp::submit_sm& sm, std::string_view source) {
    auto digits = source;
    if (digits.starts_with('+')) digits.remove_prefix(1);
    const bool numeric = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
    sm.source_addr = numeric ? digits : source;
    sm.source_addr_ton = numeric ? (source.starts_with('+') ? 1 : 0) : 5;
    sm.source_addr_npi = numeric ? 1 : 0;
}

} // namespace

std::string fit_text(const std::string& text, unsigned max_parts) {
    if (fits(text, max_parts)) return text;
    // Longer prefixes never take fewer parts, so the longest that fits with
    // the marker is found by bisection over the character boundaries. No
    // more characters than max_parts SMS could hold at 160 each need looking at.
    const std::size_t most = std::size_t{max_parts} * 160 + 1;
    std::vector<std::size_t> cuts{0};
    for (std::size_t i = 0; i < text.size() && cuts.size() <= most;) {
        const auto d = sms::utf::decode_utf8(text, i);
        i += d ? d->length : 1;
        cuts.push_back(i);
    }
    auto cut = [&](std::size_t k) {
        auto t = text.substr(0, cuts[k]);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\t')) t.pop_back();
        return t + "...";
    };
    std::size_t lo = 0, hi = cuts.size() - 1; // cut(lo) fits (three dots always do), cut(hi) is the whole text
    while (hi - lo > 1) {
        const auto mid = lo + (hi - lo) / 2;
        (fits(cut(mid), max_parts) ? lo : hi) = mid;
    }
    return cut(lo);
}

smtp_gateway::smtp_gateway(boost::asio::any_io_executor ex, const config::profile_set& p, engine::intake& in, host h)
    : executor_{ex}, profiles_{p}, intake_{in}, host_{std::move(h)} {
    const auto& s = *profiles_.node.smtp;
    smtp::listener_config lc;
    lc.endpoints = s.listen;
    lc.max_sessions = s.max_sessions;
    lc.command_timeout = s.command_timeout;
    lc.data_timeout = s.data_timeout;
    if (s.starttls && profiles_.node.tls) {
        lc.tls = tls::server_context(*profiles_.node.tls);
        lc.handshake_timeout = profiles_.node.tls->handshake_timeout;
    }
    listener_ = std::make_unique<smtp::smtp_listener>(executor_, lc, make_rules(),
                                                      [this](const smtp::mail& m, smtp::smtp_listener::done_fn done) {
                                                          deliver(m, std::move(done));
                                                      });
}

smtp_gateway::~smtp_gateway() = default;

std::shared_ptr<const smtp::rules> smtp_gateway::make_rules() const {
    auto r = std::make_shared<smtp::rules>();
    const auto& s = *profiles_.node.smtp;
    r->hostname = s.hostname;
    r->domain = s.domain;
    r->max_size = s.max_size;
    r->max_recipients = s.max_recipients;
    r->max_errors = s.max_errors;
    r->starttls = s.starttls && profiles_.node.tls;
    for (const auto& c : profiles_.clients) {
        if (!c.smtp || c.peer) continue;
        r->clients.push_back({c.name, c.account.system_id, c.account.password, c.smtp->auth, c.smtp->allowed_senders,
                              mode_of(c.smtp->text)});
    }
    r->serves = host_.serves;
    r->source_allowed = [this](std::string_view client, const boost::asio::ip::address& remote) {
        const auto* c = profiles_.client(client);
        return c != nullptr && c->account.allows_source(remote);
    };
    if (auto g = host_.guard) {
        r->login_check = [g](const boost::asio::ip::address& remote, std::string_view user) {
            return g->check(guard::door::smtp, remote, user, guard::clock::now());
        };
        r->login_result = [g](const boost::asio::ip::address& remote, std::string_view user, bool ok) {
            const auto now = guard::clock::now();
            if (ok) return g->succeeded(guard::door::smtp, remote, user, now);
            const auto started = g->failed(guard::door::smtp, remote, user, now);
            log::warn("smtp", "auth_failed").kv("remote", remote.to_string()).kv("user", user)
                .kv("reason", user.empty() ? "unknown user" : "wrong password");
            if (started != guard::verdict::allow)
                log::warn("smtp", "auth_guard").kv("door", "smtp").kv("remote", remote.to_string()).kv("user", user)
                    .kv("started", guard::verdict_name(started));
        };
    }
    // The rules outlive no gateway (sessions end before it does), so the
    // source can be looked up here.
    r->routable = [this](std::string_view client, std::string_view number) {
        const auto* c = profiles_.client(client);
        if (!c || !c->smtp) return false;
        smpp::submit_sm sm;
        set_source(sm, c->smtp->source); // as it will be stored
        return !host_.routable || host_.routable(client, sm.source_addr, number);
    };
    return r;
}

void smtp_gateway::start() {
    try {
        listener_->start();
    } catch (const boost::system::system_error& e) {
        std::string where;
        for (const auto& ep : profiles_.node.smtp->listen)
            where += (where.empty() ? "" : ", ") + ep.address().to_string() + ":" + std::to_string(ep.port());
        throw std::runtime_error("cannot listen for SMTP on " + where + ": " + e.code().message());
    }
}

boost::asio::awaitable<void> smtp_gateway::stop() { co_await listener_->stop(); }

void smtp_gateway::apply(const config::profile_set& p) {
    if (!p.node.smtp) {
        log::warn("smtp", "reload_needs_restart").kv("what", "the smtp section was removed; the listener stays");
        auto keep = p;
        keep.node.smtp = profiles_.node.smtp;
        profiles_ = std::move(keep);
    } else {
        if (p.node.smtp->listen != profiles_.node.smtp->listen || p.node.smtp->max_sessions != profiles_.node.smtp->max_sessions ||
            p.node.smtp->command_timeout != profiles_.node.smtp->command_timeout ||
            p.node.smtp->data_timeout != profiles_.node.smtp->data_timeout || p.node.smtp->starttls != profiles_.node.smtp->starttls)
            log::warn("smtp", "reload_needs_restart").kv("what", "smtp listen, max_sessions, timeouts or starttls; kept as they were");
        const bool starttls = profiles_.node.smtp->starttls;
        profiles_ = p;
        profiles_.node.smtp->starttls = starttls;
    }
    // A renewed certificate: new STARTTLS handshakes use the files as they are now.
    if (profiles_.node.smtp->starttls && profiles_.node.tls) {
        try {
            listener_->set_tls(tls::server_context(*profiles_.node.tls));
        } catch (const std::exception& e) {
            log::warn("smtp", "tls_reload_failed").kv("error", e.what()).kv("kept", "the previous certificate");
        }
    }
    listener_->set_rules(make_rules());
}

std::vector<boost::asio::ip::tcp::endpoint> smtp_gateway::endpoints() const { return listener_->local_endpoints(); }

const smtp::smtp_listener::counters& smtp_gateway::session_stats() const { return listener_->stats(); }
std::size_t smtp_gateway::sessions() const { return listener_->session_count(); }

void smtp_gateway::deliver(const smtp::mail& m, smtp::smtp_listener::done_fn done) {
    using outcome = smtp::delivery_result::outcome;
    auto refuse = [&](outcome o, std::string why) {
        ++stats_.refused;
        log::warn("smtp", "mail_refused").kv("client", m.client).kv("from", m.sender).kv("why", why);
        done({o, {}, std::move(why)});
    };
    const auto* c = profiles_.client(m.client);
    if (!c || !c->smtp) return refuse(outcome::temporary, "account " + m.client + " takes no mail now");
    if (host_.serves && !host_.serves(c->name)) return refuse(outcome::temporary, "account " + c->name + " is not served on this node now");
    const auto& ms = *c->smtp;
    const auto text = fit_text(m.text, ms.max_parts);
    auto enc = sms::encode_text(text);
    if (!enc) return refuse(outcome::permanent, "the text cannot be sent: " + enc.error.message);
    auto parts = sms::split(*enc, next_ref_++);
    if (!parts) return refuse(outcome::permanent, "the text cannot be sent: " + parts.error.message);
    // The account's limit counts SMS; more than the bucket holds takes it whole.
    const auto& a = c->account;
    const auto now = token_bucket::clock::now();
    auto [b, fresh] = buckets_.try_emplace(a.system_id, a.tps, a.burst > 0 ? a.burst : a.tps, now);
    if (!fresh) b->second.set_rate(a.tps, a.burst > 0 ? a.burst : a.tps, now);
    const double cost = static_cast<double>(parts->count() * m.recipients.size());
    if (!b->second.try_take(now, std::min(cost, b->second.burst()))) {
        ++stats_.throttled;
        intake_.count_throttled(a.system_id);
        return refuse(outcome::temporary, "throughput limit of account " + c->name);
    }
    std::vector<smpp::submit_sm> sms;
    sms.reserve(parts->count() * m.recipients.size());
    for (const auto& to : m.recipients) {
        for (const auto& part : parts->short_messages) {
            smpp::submit_sm sm;
            set_source(sm, ms.source);
            sm.dest_addr_ton = 1;
            sm.dest_addr_npi = 1;
            sm.destination_addr = to;
            sm.esm_class = parts->esm_class;
            sm.data_coding = parts->data_coding;
            sm.short_message = part;
            sms.push_back(sm);
        }
    }
    const auto per = parts->count();
    const auto st = intake_.submit_batch(
        sms, a, "email <" + m.sender + ">",
        [this, done, per, recipients = m.recipients, client = c->name, sender = m.sender,
         coding = std::string{sms::to_string(parts->c)}](const store::error_code& ec, std::vector<store::message_id> ids) {
            if (ec) {
                ++stats_.store_errors;
                log::warn("smtp", "mail_not_stored").kv("client", client).kv("from", sender).kv("error", ec.message());
                if (ec == store::store_error::full) done({outcome::storage_full, {}, "message store full"});
                else done({outcome::temporary, {}, "message store unavailable"});
                return;
            }
            smtp::delivery_result r;
            r.ids.resize(recipients.size());
            for (std::size_t i = 0; i < ids.size(); ++i) r.ids[i / per].push_back(ids[i].to_string());
            ++stats_.mails;
            stats_.sms += ids.size();
            log::info("smtp", "mail_accepted").kv("client", client).kv("from", sender).kv("recipients", recipients.size())
                .kv("sms", ids.size()).kv("coding", coding).kv("first_id", ids.empty() ? "" : r.ids[0][0]);
            done(std::move(r));
        });
    if (st == smpp::status::invdstadr) return refuse(outcome::permanent, "no route for a recipient");
    if (st == smpp::status::submitfail) return refuse(outcome::permanent, "the account's credit is used up");
    if (st == smpp::status::x_r_appn) return refuse(outcome::permanent, "a recipient is on the opt-out list (sent STOP)");
    if (st == smpp::status::invsrcadr) return refuse(outcome::permanent, "the sender is not allowed for this account");
    if (st == smpp::status::throttled) return refuse(outcome::temporary, "the carriers are behind; try again later");
    if (st != smpp::status::ok) return refuse(outcome::permanent, "refused (" + smpp::status_name(st) + ")");
}

} // namespace twinsms::app
