#pragma once
// twinsmsctl opt-out: a client's opt-out list through the admin API
// (src/http/opt_out_api.hpp).
#include <functional>
#include <string>

#include "http_client.hpp"
#include "options.hpp"

namespace twinsms::ctl {

// What main.cpp's judge() does: 0, or the exit code after printing why.
using judge_fn = std::function<int(const http_result&, const std::string& what)>;

int run_opt_out(const options& o, const judge_fn& judge);

} // namespace twinsms::ctl
