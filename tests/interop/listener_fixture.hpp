#pragma once
// Our client_listener on 127.0.0.1 (OS-chosen port) with a request_fn that
// records every submit_sm, answers it with a message id and, when the
// submit asks for one, sends the ESME a receipt deliver_sm
// (receipted_message_id + message_state TLVs) and records the answer.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "interop/interop_support.hpp"
#include "smpp/server/listener.hpp"
#include "smpp/session/responses.hpp"

namespace twinsms::test {

namespace asio = boost::asio;
using namespace smpp;

struct recorded_submit {
    std::string system_id; // account it arrived on
    std::string service_type, source_addr, destination_addr;
    std::uint8_t source_addr_ton = 0, source_addr_npi = 0, dest_addr_ton = 0, dest_addr_npi = 0;
    std::uint8_t esm_class = 0, registered_delivery = 0, data_coding = 0;
    std::string short_message;
    std::optional<std::uint16_t> user_message_reference;
    std::optional<std::string> message_payload;
    std::size_t tlv_count = 0;
    std::string message_id; // what we answered
};

struct recorded_receipt {
    std::string receipted_message_id;
    error_code ec;
    command_status status = 0xFFFFFFFF; // deliver_sm_resp status from the ESME
    bool answered = false;
};

inline client_account account(std::string system_id, std::string password) {
    client_account a;
    a.system_id = std::move(system_id);
    a.password = std::move(password);
    return a;
}

// Receipt text in the de-facto format of SMPP 3.4 appendix B.
inline std::string receipt_text(const std::string& id) {
    return "id:" + id + " sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:";
}

class listener_fixture {
public:
    asio::io_context io;
    std::vector<recorded_submit> submits;
    std::vector<recorded_receipt> receipts;
    std::vector<std::string> other_requests;
    std::unique_ptr<client_listener> listener;

    explicit listener_fixture(std::vector<client_account> accounts,
                              std::chrono::milliseconds bind_timeout = std::chrono::seconds(5)) {
        listener_config cfg;
        cfg.session.bind_timeout = bind_timeout;
        cfg.endpoint = {asio::ip::make_address("127.0.0.1"), 0};
        cfg.session.system_id = "twinsms";
        cfg.session.response_timeout = std::chrono::seconds(5);
        cfg.session.unbind_timeout = std::chrono::seconds(2);
        // Probe often so the peers' enquire_link handling is exercised;
        // death only after a full second of silence.
        cfg.session.keepalive.interval = std::chrono::milliseconds(100);
        cfg.session.keepalive.misses = 10;
        listener = std::make_unique<client_listener>(
            io.get_executor(), cfg, std::make_shared<const account_table>(std::move(accounts)),
            [this](session& s, const client_account& a, const pdu& req) { on_request(s, a, req); });
        listener->start();
    }

    ~listener_fixture() {
        bool stopped = false;
        asio::co_spawn(io, listener->stop(), [&](std::exception_ptr) { stopped = true; });
        pump_until(io, [&] { return stopped; }, std::chrono::seconds(10));
        listener.reset();
        io.restart();
        io.poll(); // let closed sessions' coroutines finish
    }

    std::uint16_t port() const { return listener->local_endpoint().port(); }
    std::string port_arg() const { return std::to_string(port()); }

    // Runs our side until the peer process exits (or the limit passes, when
    // the child is killed). Returns true when it exited on its own.
    bool run_peer(child_process& peer, std::chrono::milliseconds limit = std::chrono::seconds(25)) {
        const bool ok = pump_until(io, [&] { return peer.poll(); }, limit);
        if (!ok) peer.kill();
        return ok;
    }

    // The peer's single JSON result line.
    // Pumps our side until the peer prints a stdout line containing `text`.
    bool wait_for_output(child_process& peer, std::string_view text,
                         std::chrono::milliseconds limit = std::chrono::seconds(15)) {
        return pump_until(io, [&] {
            peer.poll();
            return peer.out().find(text) != std::string::npos || peer.exited();
        }, limit) && peer.out().find(text) != std::string::npos;
    }

    static std::optional<json::object> result_of(const child_process& peer) {
        auto objs = json_lines(peer.out_lines());
        if (objs.empty()) return std::nullopt;
        return objs.back();
    }

private:
    unsigned next_id_ = 0;

    void on_request(session& s, const client_account& a, const pdu& req) {
        const auto* sm = req.as<submit_sm>();
        if (!sm) {
            other_requests.emplace_back(to_string(req.id()));
            s.respond_status(req, status::invcmdid);
            return;
        }
        recorded_submit r;
        r.system_id = a.system_id;
        r.service_type = sm->service_type;
        r.source_addr = sm->source_addr;
        r.destination_addr = sm->destination_addr;
        r.source_addr_ton = sm->source_addr_ton;
        r.source_addr_npi = sm->source_addr_npi;
        r.dest_addr_ton = sm->dest_addr_ton;
        r.dest_addr_npi = sm->dest_addr_npi;
        r.esm_class = sm->esm_class;
        r.registered_delivery = sm->registered_delivery;
        r.data_coding = sm->data_coding;
        r.short_message = sm->short_message;
        r.user_message_reference = user_message_reference(sm->tlvs);
        if (auto p = message_payload(sm->tlvs)) r.message_payload = std::string{*p};
        r.tlv_count = sm->tlvs.size();
        r.message_id = "tw" + std::to_string(++next_id_);

        pdu resp = make_response(req, status::ok);
        resp.as<submit_sm_resp>()->message_id = r.message_id;
        s.respond(resp);
        if (r.registered_delivery & 0x01) send_receipt(s, r);
        submits.push_back(std::move(r));
    }

    // A delivery receipt back to the ESME on the same transceiver bind.
    void send_receipt(session& s, const recorded_submit& r) {
        const std::string text = receipt_text(r.message_id);
        pdu d{status::ok, 0, deliver_sm{}};
        auto& b = *d.as<deliver_sm>();
        b.source_addr_ton = r.dest_addr_ton;
        b.source_addr_npi = r.dest_addr_npi;
        b.source_addr = r.destination_addr;
        b.destination_addr = r.source_addr;
        b.esm_class = 0x04; // SMSC delivery receipt
        b.data_coding = 0;
        b.short_message = text;
        b.tlvs.push_back(tlv::cstring(tag::receipted_message_id, r.message_id));
        b.tlvs.push_back(tlv::u8(tag::message_state, 2)); // DELIVERED
        const std::size_t i = receipts.size();
        receipts.push_back({r.message_id, {}, 0xFFFFFFFF, false});
        // send_request encodes at once: the views above need not outlive it.
        s.send_request(d, [this, i](const error_code& ec, const pdu* resp) {
            receipts[i].ec = ec;
            receipts[i].answered = true;
            if (resp) receipts[i].status = resp->status;
        });
    }
};

} // namespace twinsms::test
