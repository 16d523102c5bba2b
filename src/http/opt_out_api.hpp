#pragma once
// The admin API for clients' opt-out lists, behind the admin token like the
// rest of the admin API (twinsmsctl opt-out is the client):
//
//   GET  /api/v1/clients/{name}/opt-outs[?after=NUMBER&limit=N]
//        200 {"client", "opt_outs": [{"number", "at" (RFC 3339), "via"}], "next": NUMBER | null}
//        in number order, at most `limit` (default 1000, at most 10000); `next`
//        is the `after` of the following page
//   POST /api/v1/clients/{name}/opt-outs   {"add": [NUMBER...], "remove": [NUMBER...]}
//        200 {"result": "ok", "added": N, "removed": N}: one commit, all or nothing
//
// {name} is the client profile's name. Numbers are written as the client
// writes them (its numbering applies). 404 unknown_client, 400 bad_request.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/admin_api.hpp"

namespace twinsms::http {

struct opt_out_item {
    std::string number;
    std::int64_t at = 0; // epoch ms
    std::string via;
};

// What the node supplies, on the server's executor.
class opt_out_backend {
public:
    virtual ~opt_out_backend() = default;
    // nullopt: no client profile of that name.
    virtual std::optional<std::vector<opt_out_item>> opt_outs(std::string_view client, std::string_view after,
                                                              std::size_t max) = 0;
    // Adds and removes in one store commit; `done` gets the reply.
    virtual void change_opt_outs(std::string_view client, std::vector<std::string> add, std::vector<std::string> remove,
                                 std::function<void(admin_reply)> done) = 0;
};

// Adds the two endpoints to `r`; `auth` checks the token (admin_api.hpp).
void add_opt_out_routes(router& r, std::string token, admin_backend& auth, opt_out_backend& backend);

} // namespace twinsms::http
