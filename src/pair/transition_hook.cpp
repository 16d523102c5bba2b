#include "pair/transition_hook.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <thread>
#include <vector>

#include "util/log.hpp"

extern char** environ;

namespace twinsms::pair {

void run_transition_hook(const std::string& command, const std::map<std::string, std::string>& env) {
    std::vector<std::string> vars;
    for (char** e = environ; *e; ++e) {
        const std::string_view v{*e};
        const auto eq = v.find('=');
        if (eq == std::string_view::npos || !env.contains(std::string{v.substr(0, eq)})) vars.emplace_back(v);
    }
    for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    pid_t pid = 0;
    if (const int rc = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, envp.data()); rc != 0) {
        log::error("cluster", "hook_failed").kv("command", command).kv("error", std::strerror(rc));
        return;
    }
    log::info("cluster", "hook_started").kv("command", command).kv("pid", pid);
    std::thread([pid, command] {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        if (code) log::warn("cluster", "hook_exit").kv("command", command).kv("code", code);
        else log::info("cluster", "hook_exit").kv("command", command).kv("code", 0);
    }).detach();
}

} // namespace twinsms::pair
