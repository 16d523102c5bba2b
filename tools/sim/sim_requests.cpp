// smsc_simulator: binds, and the answers to submit_sm / submit_multi / data_sm
// (with recording and the submit-side faults).
#include "sim_impl.hpp"
#include "smpp/session/responses.hpp"
#include "util/log.hpp"

namespace twinsms::sim {
namespace status = smpp::status;
using smpp::command_id;

// ---- connection: forwards session events to the simulator -----------------

command_status connection::on_bind(smpp::session&, smpp::bind_type t, const smpp::bind_params& p) {
    return owner ? owner->on_bind(*this, t, p) : status::syserr;
}

void connection::on_bound(smpp::session&) {
    if (owner) owner->on_bound(*this);
}

void connection::on_request(smpp::session& sess, const smpp::pdu& req) {
    if (owner) owner->on_request(*this, req);
    else sess.respond_status(req, status::syserr);
}

void connection::on_closed(smpp::session&, const smpp::error_code& why) {
    const bool was_bound = bound;
    bound = false;
    if (!owner) return;
    if (was_bound)
        for (auto& b : owner->binds)
            if (b.conn == id && !b.closed_at) b.closed_at = std::chrono::steady_clock::now();
    log::info("sim", "disconnected").kv("conn", id).kv("account", account).kv("remote", remote)
        .kv("was_bound", was_bound ? "yes" : "no").kv("reason", why.message());
    owner->forget(*this);
}

// ---- binds -----------------------------------------------------------------

command_status smsc_simulator::impl::on_bind(connection& c, smpp::bind_type t, const smpp::bind_params& p) {
    command_status st = status::ok;
    if (refuse) {
        st = *refuse;
    } else if (!cfg.accept_any) {
        auto it = passwords.find(p.system_id);
        if (it == passwords.end()) st = status::invsysid;
        else if (it->second != p.password) st = status::invpaswd;
    }
    if (st != status::ok) {
        ++counters.binds_refused;
        log::info("sim", "bind_refused").kv("conn", c.id).kv("system_id", p.system_id)
            .kv("status", smpp::status_name(st));
        return st;
    }
    c.account = std::string{p.system_id};
    c.system_type = std::string{p.system_type};
    c.type = t;
    return st;
}

void smsc_simulator::impl::on_bound(connection& c) {
    c.bound = true;
    ++counters.binds_accepted;
    binds.push_back({c.id, c.account, c.system_type, c.remote, std::chrono::steady_clock::now(), std::nullopt, 0, std::nullopt});
    log::info("sim", "bound").kv("conn", c.id).kv("account", c.account).kv("as", smpp::to_string(c.type))
        .kv("remote", c.remote);
    if (c.type != smpp::bind_type::transmitter) flush_waiting(c.account);
}

// ---- submits ---------------------------------------------------------------

namespace {

void copy_tlvs(const smpp::tlv_list& l, std::map<std::uint16_t, std::string>& out) {
    for (const auto& t : l) out.emplace(t.tag(), std::string{t.value()});
}

template <class Sm> void copy_common(const Sm& b, received_message& m) {
    m.service_type = b.service_type;
    m.source = b.source_addr;
    m.source_ton = b.source_addr_ton;
    m.source_npi = b.source_addr_npi;
    m.esm_class = b.esm_class;
    m.registered_delivery = b.registered_delivery;
    m.data_coding = b.data_coding;
    copy_tlvs(b.tlvs, m.tlvs);
    if constexpr (requires { b.short_message; }) {
        m.short_message = b.short_message;
        m.protocol_id = b.protocol_id;
        m.priority = b.priority_flag;
    }
    m.text = m.short_message;
    if (m.text.empty())
        if (auto payload = smpp::message_payload(b.tlvs)) m.text = *payload;
}

received_message extract(const smpp::pdu& req) {
    received_message m;
    m.command = req.id();
    if (const auto* b = req.as<smpp::submit_sm>()) {
        copy_common(*b, m);
        m.destination = b->destination_addr;
        m.dest_ton = b->dest_addr_ton;
        m.dest_npi = b->dest_addr_npi;
        m.destinations.push_back(m.destination);
    } else if (const auto* b = req.as<smpp::data_sm>()) {
        copy_common(*b, m);
        m.destination = b->destination_addr;
        m.dest_ton = b->dest_addr_ton;
        m.dest_npi = b->dest_addr_npi;
        m.destinations.push_back(m.destination);
    } else if (const auto* b = req.as<smpp::submit_multi>()) {
        copy_common(*b, m);
        for (const auto& d : b->dests) m.destinations.emplace_back(d.address);
        if (!b->dests.empty()) {
            m.destination = m.destinations.front();
            m.dest_ton = b->dests.front().dest_addr_ton;
            m.dest_npi = b->dests.front().dest_addr_npi;
        }
    }
    return m;
}

void set_message_id(smpp::pdu& resp, std::string_view id) {
    std::visit(
        [id](auto& b) {
            if constexpr (requires { b.message_id; }) b.message_id = id;
        },
        resp.body);
}

command_status refusal_for(command_id id) {
    switch (id) {
    case command_id::query_sm: return status::queryfail;
    case command_id::cancel_sm: return status::cancelfail;
    case command_id::replace_sm: return status::replacefail;
    default: return status::invcmdid;
    }
}

} // namespace

command_status smsc_simulator::impl::decide_submit_status() {
    if (delay_queue::clock::now() < throttle_until) return status::throttled;
    if (throttle_every > 0 && ++throttle_count % throttle_every == 0) return status::throttled;
    if (fail_status && ++fail_count % fail_every == 0) return *fail_status;
    return status::ok;
}

void smsc_simulator::impl::on_request(connection& c, const smpp::pdu& req) {
    const command_id cmd = req.id();
    if (cmd != command_id::submit_sm && cmd != command_id::submit_multi && cmd != command_id::data_sm) {
        // The simulator keeps no message store to query, cancel or replace in.
        ++counters.other_requests;
        c.s->respond_status(req, refusal_for(cmd));
        return;
    }
    received_message m = extract(req);
    m.account = c.account;
    m.seq = ++record_seq;
    m.at = std::chrono::system_clock::now();
    ++counters.submits_received;
    // Whose bind it came on, and when (a test proves a fenced owner sent
    // nothing after the other node bound). The open bind is near the back.
    for (auto b = binds.rbegin(); b != binds.rend(); ++b)
        if (b->conn == c.id) {
            ++b->submits;
            b->last_submit_at = std::chrono::steady_clock::now();
            break;
        }

    if (drop) {
        ++counters.submits_dropped;
        m.answered = false;
        record(std::move(m));
        return;
    }
    m.status = decide_submit_status();
    if (m.status == status::ok) {
        m.message_id = ids.next();
        ++counters.submits_accepted;
    } else if (m.status == status::throttled) {
        ++counters.submits_throttled;
    } else {
        ++counters.submits_failed;
    }
    log::debug("sim", "submit").kv("conn", c.id).kv("account", m.account).kv("dst", m.destination)
        .kv("status", smpp::status_name(m.status)).kv("id", m.message_id);

    smpp::pdu resp = smpp::make_response(req, m.status);
    const bool receipt = m.status == status::ok && (m.registered_delivery & 0x03) != 0;
    if (response_delay.count() <= 0) {
        set_message_id(resp, m.message_id);
        c.s->respond(resp);
        if (receipt) schedule_receipts(m);
    } else {
        // Slow carrier: the answer (and the receipt clock) waits.
        std::optional<received_message> for_receipt;
        if (receipt && cfg.receipt_before_response) schedule_receipts(m);
        else if (receipt) for_receipt = m;
        later.after(response_delay, [this, w = c.weak_from_this(), resp, id = m.message_id,
                                     r = std::move(for_receipt)]() mutable {
            auto conn = w.lock();
            if (!conn || conn->s->closed()) return; // never answered: the ESME will time out
            set_message_id(resp, id);
            conn->s->respond(resp);
            if (r) schedule_receipts(*r);
        });
    }
    record(std::move(m));
}

void smsc_simulator::impl::record(received_message&& m) {
    if (cfg.max_records == 0) {
        if (on_message) on_message(m);
        return;
    }
    records.push_back(std::move(m));
    while (records.size() > cfg.max_records) records.pop_front();
    if (on_message) on_message(records.back());
}

} // namespace twinsms::sim
