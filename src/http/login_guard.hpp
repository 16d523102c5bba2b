#pragma once
// The node's credential guard (guard/credential_guard.hpp) at the HTTP doors:
// the admin token, the API tokens and the Kannel sendsms login. A refused
// address gets 429 with Retry-After before its credentials are looked at;
// the guard itself is the backend's (null: no guard, as in unit tests).
#include <optional>
#include <string_view>

#include "guard/credential_guard.hpp"
#include "http/server.hpp"

namespace twinsms::http {

// Before the credentials are compared: the guard's verdict for the request.
guard::verdict login_check(guard::credential_guard* g, guard::door d, const request& req, std::string_view account);
// A wrong secret (`account`: an existing account the request named, else
// empty); a block it starts is logged under `component`.
void login_failed(guard::credential_guard* g, guard::door d, const request& req, std::string_view account,
                  std::string_view component);
void login_succeeded(guard::credential_guard* g, guard::door d, const request& req, std::string_view account);
// 429 too_many_failures (JSON), Retry-After the guard's block time.
response too_many_failures(const guard::credential_guard& g, guard::verdict v);

} // namespace twinsms::http
