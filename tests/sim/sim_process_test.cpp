// twinsms-smsc-sim as a process: the "listening" line, stdin commands
// observed by an esme-role session, the final stats block, and a clean exit
// on quit and on SIGTERM.
#include "sim/sim_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

using namespace twinsms;
using namespace twinsms::test;

#ifndef TWINSMS_SIM_EXE
#error "TWINSMS_SIM_EXE must name the twinsms-smsc-sim executable"
#endif

namespace {

class child {
public:
    explicit child(std::vector<std::string> args) {
        int in[2], out[2];
        BOOST_REQUIRE(::pipe2(in, O_CLOEXEC) == 0 && ::pipe2(out, O_CLOEXEC) == 0);
        pid_ = ::fork();
        BOOST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(in[0], STDIN_FILENO);
            ::dup2(out[1], STDOUT_FILENO);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        to_ = in[1];
        from_ = out[0];
    }
    ~child() {
        if (to_ >= 0) ::close(to_);
        if (from_ >= 0) ::close(from_);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    void send(const std::string& line) {
        const std::string l = line + "\n";
        BOOST_REQUIRE(::write(to_, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
    }
    // The next stdout line; "" on end of output or after `limit`.
    std::string line(milliseconds limit = std::chrono::seconds(10)) {
        const auto until = std::chrono::steady_clock::now() + limit;
        for (;;) {
            if (auto nl = buf_.find('\n'); nl != std::string::npos) {
                std::string l = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return l;
            }
            const auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
            if (eof_ || left.count() <= 0) return {};
            pollfd p{from_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char tmp[4096];
            const ssize_t n = ::read(from_, tmp, sizeof tmp);
            if (n <= 0) eof_ = true;
            else buf_.append(tmp, static_cast<std::size_t>(n));
        }
    }
    // Every remaining line up to end of output (at most `limit`).
    std::string rest(milliseconds limit = std::chrono::seconds(10)) {
        const auto until = std::chrono::steady_clock::now() + limit;
        std::string all;
        while (std::chrono::steady_clock::now() < until) {
            std::string l = line(std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now()));
            if (l.empty() && eof_ && buf_.empty()) break;
            all += l + "\n";
        }
        return all;
    }
    int wait_exit() {
        int st = 0;
        ::waitpid(pid_, &st, 0);
        reaped_ = true;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    void signal(int sig) { ::kill(pid_, sig); }

private:
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    std::string buf_;
    bool eof_ = false, reaped_ = false;
};

unsigned short port_of(const std::string& listening) {
    const auto p = listening.find(" port=");
    BOOST_REQUIRE(listening.starts_with("listening addr=127.0.0.1:") && p != std::string::npos);
    return static_cast<unsigned short>(std::stoi(listening.substr(p + 6)));
}

struct esme_client {
    asio::io_context io;
    std::unique_ptr<esme> e;
    template <class Pred> void run(Pred p) { BOOST_REQUIRE(run_until(io, p)); }

    void connect_and_bind(unsigned short port) {
        tcp::socket sock{io};
        sock.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
        e = std::make_unique<esme>();
        e->s = session::create(std::move(sock), role::esme, {});
        e->s->set_handler(e.get());
        e->s->start();
        std::optional<session::bind_result> r;
        bind_params bp;
        bp.system_id = "acme";
        bp.password = "secret";
        asio::co_spawn(io, e->s->bind(bind_type::transceiver, bp),
                       [&r](std::exception_ptr, session::bind_result b) { r = b; });
        run([&] { return r.has_value(); });
        BOOST_REQUIRE_EQUAL(r->status, status::ok);
    }
    command_status submit(std::string_view text) {
        std::optional<command_status> st;
        e->s->send_request(make_submit("447911", text, 1), [&st](const error_code& ec, const pdu* r) {
            st = ec || !r ? status::syserr : r->status;
        });
        run([&] { return st.has_value(); });
        return *st;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(process)

BOOST_AUTO_TEST_CASE(stdin_commands_and_quit) {
    child sim{{TWINSMS_SIM_EXE, "--listen", "127.0.0.1:0", "--account", "acme:secret", "--log-level", "warn"}};
    const unsigned short port = port_of(sim.line());
    esme_client c;
    c.connect_and_bind(port);
    BOOST_TEST(c.submit("first") == status::ok);
    c.run([&] { return c.e->delivered.size() == 1; }); // its receipt

    sim.send("throttle 1");
    BOOST_TEST(sim.line() == "ok throttle every 1");
    BOOST_TEST(c.submit("second") == status::throttled);
    sim.send("throttle off");
    BOOST_TEST(sim.line() == "ok throttle off");
    sim.send("fail 0x400");
    BOOST_TEST(sim.line().starts_with("ok fail"));
    BOOST_TEST(c.submit("third") == 0x400u);
    sim.send("fail off");
    BOOST_TEST(sim.line() == "ok fail off");
    sim.send("mo acme 447700900777 12345 hello via stdin");
    BOOST_TEST(sim.line() == "ok mo queued for acme");
    c.run([&] { return c.e->delivered.size() == 2; });
    BOOST_TEST(c.e->dsm(1).short_message == "hello via stdin");
    sim.send("nonsense");
    BOOST_TEST(sim.line().starts_with("error: "));
    sim.send("stats");
    BOOST_TEST(sim.line().find(" submits=3 ") != std::string::npos);

    sim.send("quit");
    BOOST_TEST(sim.line() == "ok quit");
    c.run([&] { return c.e->closed; }); // unbound by the simulator
    BOOST_TEST(c.e->why == error_code{session_error::unbound});
    const std::string block = sim.rest();
    BOOST_TEST(sim.wait_exit() == 0);
    BOOST_TEST(block.find("submits_received: 3 msgs\n") != std::string::npos, block);
    BOOST_TEST(block.find("submits_throttled: 1 msgs\n") != std::string::npos, block);
    BOOST_TEST(block.find("receipts_sent: 1 msgs\n") != std::string::npos, block);
    BOOST_TEST(block.find("mo_sent: 1 msgs\n") != std::string::npos, block);
}

BOOST_AUTO_TEST_CASE(sigterm_unbinds_and_reports) {
    child sim{{TWINSMS_SIM_EXE, "--listen", "127.0.0.1:0", "--accept-any", "--log-level", "warn"}};
    const unsigned short port = port_of(sim.line());
    esme_client c;
    c.connect_and_bind(port);
    BOOST_TEST(c.submit("before the end") == status::ok);
    sim.signal(SIGTERM);
    c.run([&] { return c.e->closed; });
    BOOST_TEST(c.e->why == error_code{session_error::unbound});
    const std::string block = sim.rest();
    BOOST_TEST(sim.wait_exit() == 0);
    BOOST_TEST(block.find("submits_received: 1 msgs\n") != std::string::npos, block);
}

BOOST_AUTO_TEST_CASE(bad_command_line) {
    child sim{{TWINSMS_SIM_EXE, "--listen", "nowhere"}};
    BOOST_TEST(sim.rest().empty());
    BOOST_TEST(sim.wait_exit() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
