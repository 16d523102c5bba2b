#pragma once
// POST /api/v1/messages' path into an in-process node (node_http::submit),
// as `system_id`, for the node tests that count what the send API does.
#include <optional>
#include <string>

#include "app/front_doors/node_http.hpp"
#include "app/node_harness.hpp"

namespace twinsms::test {

inline http::submit_result http_send(node_fixture& f, app::node_http& api, const std::string& system_id,
                                     const std::string& to) {
    auto parsed = http::parse_send_request(R"({"to":[")" + to + R"("],"text":"via http","receipt":true})", 1);
    BOOST_REQUIRE(std::holds_alternative<http::send_job>(parsed));
    std::optional<http::submit_result> r;
    api.submit({system_id, true, false, false}, std::get<http::send_job>(std::move(parsed)),
               [&](http::submit_result x) { r = std::move(x); });
    f.run([&] { return r.has_value(); });
    return *r;
}

} // namespace twinsms::test
