#pragma once
// The admin API for client accounts' credit, behind the admin token like
// the rest of the admin API (twinsmsctl credit is the client):
//
//   GET  /api/v1/clients/{name}/credit
//   POST /api/v1/clients/{name}/credit   {"add": AMOUNT} or {"set": AMOUNT}
//        200 {"client", "mode": "count" | "balance", "balance": 12.5, "balance_micro": 12500000,
//             "price": 0.05, "price_micro": 50000, "refund_failures": bool}
//
// AMOUNT is a JSON number or a decimal string with at most six decimals
// ("10.25"); add may be negative (a correction). {name} is the client
// profile's name; 404 unknown_client, 409 no_credit (its profile has no
// credit key), 400 bad_request.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "config/amount.hpp"
#include "http/admin_api.hpp"

namespace twinsms::http {

struct credit_state {
    bool count = true;             // SMS count, else a balance
    std::int64_t balance = 0;      // millionths
    std::int64_t price = 0;        // per part, millionths
    bool refund_failures = false;
};

class credit_backend {
public:
    virtual ~credit_backend() = default;
    // The state, or the refusal (404 / 409).
    virtual std::variant<credit_state, admin_reply> credit(std::string_view client) = 0;
    // Adds (or sets) and commits; `done` gets the new state or the refusal.
    virtual void change_credit(std::string_view client, bool set, std::int64_t amount,
                               std::function<void(std::variant<credit_state, admin_reply>)> done) = 0;
};

using config::format_amount; // config/amount.hpp
using config::parse_amount;

void add_credit_routes(router& r, std::string token, admin_backend& auth, credit_backend& backend);

} // namespace twinsms::http
