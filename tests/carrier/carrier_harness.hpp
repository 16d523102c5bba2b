#pragma once
// A carrier_client pointed at a test_smsc, with a carrier_handler that
// records link events and deliver_sm, and helpers to submit numbered
// messages (destination_addr "0", "1", ...) and collect their outcomes.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "carrier/test_smsc.hpp"
#include "session/loopback.hpp"
#include "smpp/carrier/carrier_client.hpp"

namespace twinsms::config {
// For Boost.Test messages (bind_type is config's enum, found there by ADL).
inline std::ostream& boost_test_print_type(std::ostream& os, bind_type t) { return os << smpp::to_string(t); }
} // namespace twinsms::config

namespace twinsms::test {

struct recording_handler : carrier_handler {
    int link_up = 0, link_down = 0;
    std::vector<error_code> down_reasons;
    std::vector<std::string> delivered; // short_message of each deliver_sm
    std::vector<responder> unanswered;  // when answer_now is false
    bool answer_now = true;
    command_status answer = status::ok;

    void on_deliver(carrier_client&, const pdu& req, responder r) override {
        if (const auto* d = req.as<deliver_sm>()) delivered.emplace_back(d->short_message);
        if (answer_now) r.respond(answer);
        else unanswered.push_back(r);
    }
    void on_link_up(carrier_client&) override { ++link_up; }
    void on_link_down(carrier_client&, const error_code& ec) override {
        ++link_down;
        down_reasons.push_back(ec);
    }
};

class carrier_harness {
public:
    asio::io_context io;
    test_smsc smsc{io};
    recording_handler handler;
    carrier_config cfg;
    std::shared_ptr<carrier_client> client;
    std::vector<std::optional<submit_outcome>> outcomes; // by message number
    std::vector<int> done_order;
    int done_calls = 0;

    carrier_harness() {
        cfg.name = "test-carrier";
        cfg.port = smsc.port();
        cfg.system_id = "twinsms";
        cfg.password = "pw";
        cfg.reconnect.initial = ms{50};
        cfg.reconnect.max = ms{400};
        cfg.reconnect.jitter = 0;
        cfg.session.response_timeout = ms{5000};
        cfg.session.unbind_timeout = ms{1000};
    }
    ~carrier_harness() {
        if (client) {
            bool stopped = false;
            asio::co_spawn(io, client->stop(), [&](std::exception_ptr) { stopped = true; });
            run_until(io, [&] { return stopped; }, ms{5000});
        }
        smsc.shutdown();
        io.restart();
        io.poll();
    }

    carrier_client::fence_fn fence; // set before start(): carrier_client::set_fence

    void start() {
        client = std::make_shared<carrier_client>(io.get_executor(), cfg, &handler);
        if (fence) client->set_fence(fence);
        client->start();
    }
    bool wait_bound(ms limit = ms{5000}) {
        return run_until(io, [&] { return client->bound(); }, limit);
    }

    // Queues messages number `from` .. `from + n - 1`.
    void submit_n(int n, int from = 0) {
        if (outcomes.size() < static_cast<std::size_t>(from + n)) outcomes.resize(from + n);
        for (int i = from; i < from + n; ++i) {
            pdu p{status::ok, 0, submit_sm{}};
            const std::string dest = std::to_string(i);
            p.as<submit_sm>()->destination_addr = dest;
            p.as<submit_sm>()->short_message = "hello";
            client->submit(owned_pdu{p}, [this, i](const submit_outcome& o) {
                ++done_calls;
                outcomes[i] = o;
                done_order.push_back(i);
            });
        }
    }
    bool wait_done(int count, ms limit = ms{10'000}) {
        return run_until(io, [&] { return done_calls >= count; }, limit);
    }
    // Runs `f` (returning awaitable<void>) to completion.
    template <class F> bool run(F f, ms limit = ms{10'000}) {
        bool done = false;
        asio::co_spawn(io, std::move(f), [&](std::exception_ptr e) {
            done = true;
            if (e) std::rethrow_exception(e);
        });
        return run_until(io, [&] { return done; }, limit);
    }
    // Arrival order at the SMSC, as message numbers.
    std::vector<std::string> arrivals() const {
        std::vector<std::string> v;
        for (const auto& s : smsc.submits) v.push_back(s.dest);
        return v;
    }
    bool ok(int i) const { return outcomes[i] && !outcomes[i]->ec && outcomes[i]->status == status::ok; }
};

inline std::vector<int> iota_vec(int from, int to) {
    std::vector<int> v;
    for (int i = from; i < to; ++i) v.push_back(i);
    return v;
}
inline std::vector<std::string> numbers(std::initializer_list<int> l) {
    std::vector<std::string> v;
    for (int i : l) v.push_back(std::to_string(i));
    return v;
}

} // namespace twinsms::test
