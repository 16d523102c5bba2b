#pragma once
// Helpers for the TLS tests: a temporary folder with a test PKI, esme-role
// sessions over TLS (the handshake awaited with run_until, no sleeps), and a
// capture of stderr to check what a failure logged.
#include <boost/asio/co_spawn.hpp>

#include "sim/sim_harness.hpp"
#include "tls/stderr_capture.hpp"
#include "tls/test_pki.hpp"
#include "tls/context.hpp"

namespace twinsms::test {

struct scratch_dir {
    fs::path path;
    scratch_dir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("twinsms-tls-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~scratch_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// A CA, a server certificate for localhost / 127.0.0.1 and a client
// certificate it signed, and an unrelated CA (the "wrong CA").
struct test_pki {
    scratch_dir dir;
    test_ca ca{dir.path, "twinsms-test-ca"};
    test_ca other_ca{dir.path, "unrelated-ca"};
    pki_files server = ca.issue("localhost");
    pki_files client = ca.issue("acme-client", "");
    pki_files stranger = other_ca.issue("stranger-client", "");

    tls::server_settings server_settings() const {
        tls::server_settings s;
        s.certificate = server.cert;
        s.private_key = server.key;
        return s;
    }
    tls::client_settings client_settings(const std::string& ca_file) const {
        tls::client_settings c;
        c.enabled = true;
        c.ca_file = ca_file;
        c.server_name = "localhost";
        return c;
    }
};

// The outcome of connect_tls_esme: an esme whose session runs over TLS, or why not.
struct tls_connect {
    std::unique_ptr<esme> e;
    std::string error;
};

inline tls_connect connect_tls_esme(asio::io_context& io, const tcp::endpoint& ep, const tls::client_settings& c,
                                    session_config cfg = {}) {
    tcp::socket sock{io};
    sock.connect(ep);
    std::optional<handshake_result> r;
    asio::co_spawn(io, connect_tls(std::move(sock), tls::client_context(c), c.server_name, c.verify_peer, c.handshake_timeout),
                   [&r](std::exception_ptr, handshake_result h) { r = std::move(h); });
    BOOST_REQUIRE(run_until(io, [&] { return r.has_value(); }));
    tls_connect out;
    if (!r->stream) {
        out.error = r->error;
        return out;
    }
    out.e = std::make_unique<esme>();
    out.e->s = session::create(std::move(*r->stream), role::esme, std::move(cfg));
    out.e->s->set_handler(out.e.get());
    out.e->s->start();
    return out;
}

// Binds `e` and returns the whole result (transport errors included).
inline session::bind_result try_bind(asio::io_context& io, esme& e, bind_type t, std::string_view sys,
                                     std::string_view pw) {
    std::optional<session::bind_result> r;
    bind_params bp;
    bp.system_id = sys;
    bp.password = pw;
    asio::co_spawn(io, e.s->bind(t, bp), [&r](std::exception_ptr, session::bind_result b) { r = b; });
    BOOST_REQUIRE(run_until(io, [&] { return r.has_value(); }));
    return *r;
}

} // namespace twinsms::test
