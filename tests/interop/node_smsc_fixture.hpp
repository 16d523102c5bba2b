#pragma once
// Shared by node_smsc_test.cpp and node_smsc_traffic_test.cpp (one
// executable): node-smpp as a carrier SMSC for our carrier_client, the
// recording handler, submit helpers and the carrier fixture.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>

#include <boost/asio/co_spawn.hpp>

#include "interop/interop_support.hpp"
#include "smpp/carrier/carrier_client.hpp"

using namespace twinsms;
using namespace twinsms::smpp;
using namespace twinsms::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace node_smsc_fixture {

// The node SMSC process; learns its port from the first JSON line.
class node_smsc {
public:
    explicit node_smsc(std::vector<std::string> args) : proc_{argv(std::move(args))} {
        auto line = proc_.wait_for_line(
            [](std::string_view l) { return l.find("\"listening\"") != std::string_view::npos; }, 15s);
        if (!line) throw std::runtime_error("node SMSC did not start listening: " + proc_.describe());
        port_ = static_cast<std::uint16_t>(num(json::parse(*line).as_object(), "port", 0));
        if (port_ == 0) throw std::runtime_error("node SMSC printed no port: " + proc_.describe());
    }
    std::uint16_t port() const { return port_; }
    child_process& proc() { return proc_; }
    // Everything it logged so far. Reading also drains its stdout pipe,
    // which node writes asynchronously: a test waiting for many lines must
    // keep calling this (pump_until does) rather than look once.
    const std::vector<json::object>& log() {
        proc_.poll();
        const auto& out = proc_.out();
        for (std::size_t nl; (nl = out.find('\n', parsed_)) != std::string::npos; parsed_ = nl + 1) {
            auto objs = json_lines({out.substr(parsed_, nl - parsed_)});
            if (!objs.empty()) log_.push_back(std::move(objs.front()));
        }
        return log_;
    }
    std::vector<json::object> log(std::string_view event) { return events(log(), event); }
    // Asks it to exit; kills it if it does not.
    void terminate() {
        proc_.signal(SIGTERM);
        proc_.wait(5s);
    }

private:
    static std::vector<std::string> argv(std::vector<std::string> args) {
        std::vector<std::string> v{"node", interop_script("smsc_server.js")};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }
    child_process proc_;
    std::uint16_t port_ = 0;
    std::size_t parsed_ = 0; // stdout bytes already split into log_
    std::vector<json::object> log_;
};

struct recording_handler : carrier_handler {
    struct delivered {
        command_id id{};
        std::uint8_t esm_class = 0, data_coding = 0;
        std::string source_addr, destination_addr, short_message;
        std::optional<std::string> message_payload;
        std::optional<std::string> receipted_message_id;
        std::optional<std::uint8_t> message_state;
    };
    std::vector<delivered> delivers;
    int link_ups = 0, link_downs = 0;
    std::vector<error_code> down_reasons;

    void on_deliver(carrier_client&, const pdu& req, responder r) override {
        delivered d;
        d.id = req.id();
        if (const auto* sm = req.as<deliver_sm>()) {
            d.esm_class = sm->esm_class;
            d.data_coding = sm->data_coding;
            d.source_addr = sm->source_addr;
            d.destination_addr = sm->destination_addr;
            d.short_message = sm->short_message;
            if (auto v = message_payload(sm->tlvs)) d.message_payload = std::string{*v};
            if (auto v = receipted_message_id(sm->tlvs)) d.receipted_message_id = std::string{*v};
            d.message_state = message_state(sm->tlvs);
        } else if (const auto* ds = req.as<data_sm>()) {
            d.esm_class = ds->esm_class;
            d.data_coding = ds->data_coding;
            d.source_addr = ds->source_addr;
            d.destination_addr = ds->destination_addr;
            if (auto v = message_payload(ds->tlvs)) d.message_payload = std::string{*v};
        }
        delivers.push_back(std::move(d));
        r.respond(status::ok);
    }
    void on_link_up(carrier_client&) override { ++link_ups; }
    void on_link_down(carrier_client&, const error_code& ec) override {
        ++link_downs;
        down_reasons.push_back(ec);
    }
};

inline carrier_config link_config(std::uint16_t port, std::size_t window) {
    carrier_config c;
    c.name = "node-smsc";
    c.host = "127.0.0.1";
    c.port = port;
    c.system_id = "carrier1";
    c.password = "cpw1";
    c.throttle_pause = 200ms;
    c.connect_timeout = 2s;
    c.reconnect.initial = 50ms;
    c.reconnect.max = 400ms;
    c.session.window = window;
    c.session.response_timeout = 5s;
    c.session.unbind_timeout = 2s;
    // Probe often so node-smpp's enquire_link answers are exercised; death
    // only after a full second of silence.
    c.session.keepalive.interval = 100ms;
    c.session.keepalive.misses = 10;
    return c;
}

inline std::string text_of(int i) { return "msg-" + std::to_string(i); }

inline owned_pdu make_submit(int i, std::string_view destination = {}) {
    const std::string text = text_of(i);
    const std::string dest = destination.empty() ? "4670000000" + std::to_string(i) : std::string{destination};
    pdu p{status::ok, 0, submit_sm{}};
    auto& b = *p.as<submit_sm>();
    b.source_addr = "twinsms";
    b.dest_addr_ton = 1;
    b.dest_addr_npi = 1;
    b.destination_addr = dest;
    b.registered_delivery = 1;
    b.data_coding = 0;
    b.short_message = text;
    b.tlvs.push_back(tlv::u16(tag::user_message_reference, static_cast<std::uint16_t>(100 + i)));
    return owned_pdu{p}; // copies the bytes: the strings above may go
}

struct outcome_slot {
    bool done = false;
    submit_outcome out;
};

// Submits message i, recording its outcome and the completion order.
inline void submit(carrier_client& c, int i, std::vector<outcome_slot>& slots, std::vector<int>& completion,
            std::string_view destination = {}) {
    if (slots.size() <= static_cast<std::size_t>(i)) slots.resize(i + 1);
    c.submit(make_submit(i, destination), [&slots, &completion, i](const submit_outcome& o) {
        slots[i].done = true;
        slots[i].out = o;
        completion.push_back(i);
    });
}

inline bool stop_client(asio::io_context& io, const std::shared_ptr<carrier_client>& c) {
    bool stopped = false;
    asio::co_spawn(io, c->stop(), [&](std::exception_ptr) { stopped = true; });
    return pump_until(io, [&] { return stopped && !c->bound(); }, 10s);
}

// One carrier_client on its own io_context. Members are declared so that
// the io_context (and with it any coroutine still holding the client) goes
// before the handler and the outcome slots the client's callbacks write to;
// the client is stopped on every exit path, a failed REQUIRE included.
struct carrier_fixture {
    std::vector<outcome_slot> slots;
    std::vector<int> completion;
    recording_handler h;
    asio::io_context io;
    std::shared_ptr<carrier_client> client;

    void start_client(const carrier_config& cfg) {
        client = std::make_shared<carrier_client>(io.get_executor(), cfg, &h);
        client->start();
    }
    void throttle_scenario(std::size_t window);

    ~carrier_fixture() {
        if (client) stop_client(io, client);
        client.reset();
        io.restart();
        io.poll();
    }
};

// N ordered submits, the 2nd answered ESME_RTHROTTLED once; all must end
// accepted with distinct ids, the throttled one resent, receipts matched,
// and stop() must unbind. With window 1 the carrier must also accept them
// strictly in submit order.
inline void carrier_fixture::throttle_scenario(std::size_t window) {
    constexpr int n = 6;
    node_smsc smsc{{"--system-id", "carrier1", "--password", "cpw1", "--throttle-nth", "2"}};
    dump_on_failure dump{smsc.proc(), "node SMSC"};

    start_client(link_config(smsc.port(), window));
    BOOST_REQUIRE_MESSAGE(pump_until(io, [&] { return client->bound(); }, 10s), "carrier client never bound");

    for (int i = 0; i < n; ++i) submit(*client, i, slots, completion);
    const bool all_done = pump_until(io, [&] {
        return completion.size() == static_cast<std::size_t>(n) && h.delivers.size() == static_cast<std::size_t>(n);
    }, 15s);
    BOOST_REQUIRE_MESSAGE(all_done, "completed " << completion.size() << "/" << n << ", receipts "
                                                  << h.delivers.size());

    // Our side: all accepted, distinct ids.
    std::set<std::string> ids;
    for (int i = 0; i < n; ++i) {
        BOOST_TEST_CONTEXT("message " << i) {
            BOOST_TEST(!slots[i].out.ec, slots[i].out.ec.message());
            BOOST_TEST(slots[i].out.status == status::ok);
            BOOST_TEST(!slots[i].out.message_id.empty());
            ids.insert(slots[i].out.message_id);
        }
    }
    BOOST_TEST(ids.size() == static_cast<std::size_t>(n));
    BOOST_TEST(client->stats().throttled == 1u);
    BOOST_TEST(client->stats().accepted == static_cast<std::uint64_t>(n));
    BOOST_TEST(client->stats().submitted == static_cast<std::uint64_t>(n + 1));
    BOOST_TEST(client->stats().binds == 1u);

    // Node's side: N+1 submits, the 2nd throttled and resent.
    pump_until(io, [&] { return smsc.log("submit").size() >= static_cast<std::size_t>(n + 1); }, 5s);
    auto submits = smsc.log("submit");
    BOOST_REQUIRE(submits.size() == static_cast<std::size_t>(n + 1));
    std::vector<std::string> first_seen, accepted;
    std::map<std::string, std::string> id_of_text;
    int throttled = 0;
    std::string throttled_text;
    for (const auto& s : submits) {
        const auto text = str(s, "text");
        if (std::find(first_seen.begin(), first_seen.end(), text) == first_seen.end()) first_seen.push_back(text);
        if (num(s, "status") == 0x58) {
            ++throttled;
            throttled_text = text;
        } else if (num(s, "status") == 0) {
            accepted.push_back(text);
            id_of_text[text] = str(s, "message_id");
        }
    }
    std::vector<std::string> expected;
    for (int i = 0; i < n; ++i) expected.push_back(text_of(i));
    BOOST_TEST(throttled == 1);
    BOOST_TEST(throttled_text == text_of(1));
    BOOST_TEST(first_seen == expected, boost::test_tools::per_element());
    if (window == 1) BOOST_TEST(accepted == expected, boost::test_tools::per_element());
    std::vector<std::string> accepted_sorted = accepted;
    std::sort(accepted_sorted.begin(), accepted_sorted.end());
    BOOST_TEST(accepted_sorted == expected, boost::test_tools::per_element()); // each exactly once
    // The id node gave each text is the id our caller got for it.
    for (int i = 0; i < n; ++i) BOOST_TEST(id_of_text[text_of(i)] == slots[i].out.message_id);
    // The throttled message was resent after the others that were in flight.
    if (window > 1) BOOST_TEST(completion.back() == 1);
    for (const auto& s : submits) {
        BOOST_TEST(num(s, "user_message_reference") >= 100);
        BOOST_TEST(str(s, "destination_addr").rfind("4670000000", 0) == 0u);
    }

    // Receipts: through on_deliver, matching the accepted ids.
    std::set<std::string> receipted;
    for (const auto& d : h.delivers) {
        BOOST_TEST((d.id == command_id::deliver_sm));
        BOOST_TEST(d.esm_class == 0x04);
        BOOST_TEST(d.message_state.value_or(0) == 2);
        BOOST_TEST(d.short_message.find("stat:DELIVRD") != std::string::npos);
        BOOST_TEST(d.source_addr.rfind("4670000000", 0) == 0u);
        BOOST_TEST(d.destination_addr == "twinsms");
        if (d.receipted_message_id) {
            receipted.insert(*d.receipted_message_id);
            BOOST_TEST(d.short_message.find("id:" + *d.receipted_message_id + " ") == 0u);
        }
    }
    BOOST_TEST(receipted == ids);
    BOOST_TEST(client->stats().delivers == static_cast<std::uint64_t>(n));
    // Node got our deliver_sm_resp for each, all ESME_ROK.
    BOOST_TEST(pump_until(io, [&] { return smsc.log("deliver_resp").size() == static_cast<std::size_t>(n); }, 5s));
    for (const auto& r : smsc.log("deliver_resp")) BOOST_TEST(num(r, "status") == 0);

    // stop(): a clean unbind the SMSC answers, then the link closes.
    BOOST_REQUIRE(stop_client(io, client));
    BOOST_TEST(pump_until(io, [&] { return !smsc.log("close").empty(); }, 5s));
    BOOST_TEST(smsc.log("unbind").size() == 1u);
    BOOST_TEST(smsc.log("enquire_link").size() >= 1u); // our keepalive probes, answered
    BOOST_TEST(smsc.log("error").empty());
    BOOST_TEST(smsc.log("unexpected").empty());
    BOOST_TEST(h.link_ups == 1);
    BOOST_TEST(h.link_downs == 1);
    for (const auto& b : smsc.log("bind")) {
        BOOST_TEST(num(b, "interface_version") == 0x34);
        BOOST_TEST(str(b, "command") == "bind_transceiver");
    }
    smsc.terminate();
}

} // namespace node_smsc_fixture

using namespace node_smsc_fixture;
