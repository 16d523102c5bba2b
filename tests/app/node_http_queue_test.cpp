// The HTTP send API and the node's queue: a full store answers 507 with the
// stable code store_full, loses nothing accepted before, keeps serving, and
// takes messages again once space is freed; "schedule" and "validity" (and
// Kannel's deferred/validity minutes) set when a message may go and when it
// expires, and a scheduled message waits.
#define BOOST_TEST_MODULE node_http_queue
#include "app/http_node.hpp"
#include "app/exposition.hpp"
#include "app/metrics/node_metrics.hpp"

#include <set>

using namespace twinsms;
using namespace twinsms::test;
namespace json = boost::json;

namespace {

// A 1 MiB store that may not grow, and a carrier that refuses binds, so
// every accepted message stays queued until the test lets the carrier in.
// Finished messages are swept at once (log_retention 0, housekeeping every
// 100 ms), so a delivered queue frees the store.
struct full_store_node : http_node {
    static constexpr int per_request = 10;
    std::vector<std::string> ids;      // every id answered, in order
    std::vector<std::string> requests; // the accepted requests' tags ("r17"), one per SMS, beside `ids`
    std::vector<std::string> sent_to;  // and the destination of each
    http_reply last;                   // the refusal that ended fill()

    full_store_node() : http_node(false) {
        profiles.node.store.map_size_mb = 1;
        profiles.node.store.max_map_size_mb = 1;
        profiles.node.store.log_retention = std::chrono::milliseconds(0);
        tuning.housekeeping = std::chrono::milliseconds(100);
        carrier.refuse_binds(status::bindfail);
        start_http(false);
    }

    static std::string number(int d) { return "4477009001" + std::to_string(10 + d); }
    // One 150-character part (naming request `i`) to `n` numbers.
    static std::string body(int i, int n) {
        std::string text = "r" + std::to_string(i) + " ";
        text.resize(150, 'x');
        json::array to;
        for (int d = 0; d < n; ++d) to.emplace_back(number(d));
        return json::serialize(json::object{{"to", to}, {"text", text}});
    }
    // Requests of 10 SMS until the store refuses one, then of 1 SMS until
    // it refuses one too: full to the brim.
    void fill() {
        int i = 0;
        for (const int n : {per_request, 1}) {
            for (;; ++i) {
                BOOST_TEST_REQUIRE(i < 5000, "the store never filled");
                last = post(send_token, body(i, n));
                if (last.status != 202u) break;
                const auto v = last.json();
                for (int d = 0; d < n; ++d)
                    for (auto& id : ids_of(v, d)) {
                        ids.push_back(std::move(id));
                        requests.push_back("r" + std::to_string(i));
                        sent_to.push_back(number(d));
                    }
            }
            ++i;
        }
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_full_store_is_507_and_loses_nothing_accepted, full_store_node) {
    fill();
    BOOST_TEST_REQUIRE(last.status == 507u, last.status << " " << last.body);
    BOOST_TEST(ids.size() > 100u);
    BOOST_TEST(last.header("content-type").find("application/json") == 0u);
    BOOST_TEST(last.error_code() == "store_full");
    BOOST_TEST(!last.json().at("error").at("message").as_string().empty());
    BOOST_TEST(node->message_store().get_stats().messages == ids.size()); // the refused ones stored nothing

    // Still full, still answered: JSON again, Kannel's words on the form,
    // ESME_RMSGQFUL on SMPP.
    BOOST_TEST(post(send_token, body(9000, 1)).error_code() == "store_full");
    const auto form = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900199&text=r9001+" +
                                      std::string(144, 'x'));
    BOOST_TEST(form.status == 503u);
    BOOST_TEST(form.body == "Temporal failure, try again later.");
    auto c = client();
    BOOST_TEST(request(*c, make_submit("447700900198", std::string(150, 'x'), 0)).status() == status::msgqful);
    BOOST_TEST(node->message_store().get_stats().messages == ids.size());

    // Everything accepted is stored and readable; the listener serves on.
    for (const auto& id : ids) BOOST_TEST_REQUIRE(stored(id).has_value(), id);
    const auto one = get(read_token, "/api/v1/messages/" + ids.front());
    BOOST_TEST_REQUIRE(one.status == 200u, one.body);
    BOOST_TEST(one.json().at("final").as_bool() == false);
    const auto page = get(read_token, "/api/v1/messages?limit=5");
    BOOST_TEST_REQUIRE(page.status == 200u, page.body);
    BOOST_TEST(page.json().at("messages").at(0).at("id").as_string() == ids.back());
    BOOST_TEST(call("GET", "/api/v1/health").status == 200u);
    BOOST_TEST(call("GET", "/api/v1/status", {"Authorization: Bearer " + profiles.node.admin.token}).status == 200u);
    BOOST_TEST(!c->closed); // the SMPP session lives on too
}

// A store filled to the brim still delivers and drains: the dispatcher's
// writes (in-flight mark, carrier id, outcome) and the receipts may use the
// store's reserve beyond its limit; only new messages are refused. Without
// that, each message stayed queued and was submitted again after every scan
// (about 170 000 submits of 2 700 messages in 60 s), receipts found no
// carrier id, nothing became final and no sweep freed space.
BOOST_FIXTURE_TEST_CASE(a_full_store_drains_once_a_carrier_binds, full_store_node) {
    fill();
    BOOST_TEST_REQUIRE(last.error_code() == "store_full");
    // Nothing left yet: the client's queue depth is every SMS accepted.
    const auto queued = [&] {
        const auto e = parse(app::render_metrics(*node, nullptr));
        const auto* s = e.find("twinsms_client_queued", {{"client", profiles.clients[0].name}});
        return s ? s->value : -1.0;
    };
    BOOST_TEST(queued() == static_cast<double>(ids.size()));
    carrier.accept_binds();
    // Every accepted SMS reaches the carrier, at least once and not in a loop.
    run([&] {
        std::set<std::pair<std::string, std::string>> got; // destination, request tag
        for (const auto& m : carrier.messages()) got.emplace(m.destination, m.text.substr(0, m.text.find(' ')));
        for (std::size_t k = 0; k < ids.size(); ++k)
            if (!got.count({sent_to[k], requests[k]})) return false;
        return true;
    }, std::chrono::seconds(60));
    // Delivered and swept, the store takes messages again.
    run([&] { return node->message_store().get_stats().messages == 0; }, std::chrono::seconds(60));
    BOOST_TEST(queued() == 0.0);
    BOOST_TEST(carrier.counters().submits_received < 2 * ids.size());
    BOOST_TEST(post(send_token, body(9002, 1)).status == 202u);
}

BOOST_FIXTURE_TEST_CASE(schedule_and_validity_at_the_node, http_node) {
    // Whole seconds: the node keeps SMPP times (tenths of a second).
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    const std::int64_t at_ms = (now_s + 60) * 1000;
    const auto later = post(send_token, R"({"to":"447700900050","text":"later","validity":600,"schedule":")" +
                                            http::format_rfc3339(at_ms) + R"("})");
    BOOST_TEST_REQUIRE(later.status == 202u, later.body);
    const auto later_id = ids_of(later.json(), 0).at(0);
    // A schedule in the past is now.
    const auto past = post(send_token, R"({"to":"447700900051","text":"now","schedule":"2000-01-01T00:00:00Z"})");
    BOOST_TEST_REQUIRE(past.status == 202u, past.body);
    // Kannel's deferred and validity are minutes.
    const auto kannel = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900052&text=k"
                                    "&deferred=2&validity=5");
    BOOST_TEST_REQUIRE(kannel.status == 202u, kannel.body);
    const auto kannel_id = kannel.header("x-twinsms-message-ids");

    // The unscheduled one goes; the others wait with their times.
    wait_at_carrier(1);
    BOOST_TEST(at_carrier("447700900051").size() == 1u);
    const auto ms = [](const json::value& v, const char* k) { return *http::parse_rfc3339(v.at(k).as_string()); };
    const auto doc = get(read_token, "/api/v1/messages/" + later_id).json();
    BOOST_TEST(doc.at("final").as_bool() == false);
    BOOST_TEST(ms(doc, "scheduled_for") == at_ms);
    BOOST_TEST(ms(doc, "expires_at") == at_ms + 600'000); // validity counts from the schedule
    const auto k = get(read_token, "/api/v1/messages/" + kannel_id).json();
    const auto k_start = ms(k, "scheduled_for") - ms(k, "accepted_at");
    BOOST_TEST(std::abs(k_start - 120'000) < 2'000, k_start);
    BOOST_TEST(ms(k, "expires_at") - ms(k, "scheduled_for") == 300'000);
    BOOST_TEST(get(read_token, "/api/v1/messages/" + ids_of(past.json(), 0).at(0)).json().at("scheduled_for").is_null());

    // A later message passes the waiting ones: they are held, not lost.
    BOOST_TEST_REQUIRE(post(send_token, R"({"to":"447700900053","text":"after"})").status == 202u);
    run([&] { return at_carrier("447700900053").size() == 1u; });
    BOOST_TEST(at_carrier("447700900050").empty());
    BOOST_TEST(at_carrier("447700900052").empty());

    // More than a year ahead is refused, and nothing is stored for it.
    const auto before = node->message_store().get_stats().messages;
    const auto far = post(send_token, R"({"to":"447700900054","text":"x","schedule":")" +
                                          http::format_rfc3339((now_s + 400LL * 24 * 3600) * 1000) + R"("})");
    BOOST_TEST(far.status == 400u);
    BOOST_TEST(far.error_code() == "invalid_time");
    BOOST_TEST(node->message_store().get_stats().messages == before);
}
