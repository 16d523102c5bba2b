#pragma once
// Runs the operator's command on a cluster transition (a virtual IP move,
// keepalived-style), with the transition in its environment. Never blocks
// the caller: the command runs detached and a thread reaps it.
#include <map>
#include <string>

namespace twinsms::pair {

// `/bin/sh -c command` with the current environment plus `env`.
void run_transition_hook(const std::string& command, const std::map<std::string, std::string>& env);

} // namespace twinsms::pair
