#pragma once
// twinsmsctl credit: a client account's credit through the admin API
// (src/http/credit_api.hpp).
#include "opt_out.hpp" // judge_fn

namespace twinsms::ctl {

int run_credit(const options& o, const judge_fn& judge);

} // namespace twinsms::ctl
