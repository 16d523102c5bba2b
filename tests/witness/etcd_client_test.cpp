// The witness's etcd client against a real etcd (started here on free
// loopback ports): a lease is granted with the TTL asked for and renewed;
// the key is created under it once, a second node is refused and told who
// holds it and since which revision; a revoked lease frees the key for the
// other node at a higher revision; a node's own key from an earlier run is
// taken over; keep-alive of a lease etcd dropped says TTL 0; a dead first
// endpoint falls through to the next; with etcd gone every call fails
// within the request timeout. With auth on, the credentials are used;
// over HTTPS with client certificates, the CA and our certificate are.
#define BOOST_TEST_MODULE witness_etcd_client
#include <boost/test/unit_test.hpp>

#include <boost/asio/io_context.hpp>

#include "interop/interop_support.hpp"
#include "tls/test_pki.hpp"
#include "witness/etcd_client.hpp"
#include "witness/etcd_process.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A temporary folder removed when the test ends, however it ends.
struct temp_folder {
    fs::path path;
    explicit temp_folder(const std::string& name) : path{fs::temp_directory_path() / (name + std::to_string(::getpid()))} {}
    ~temp_folder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct etcd_fixture {
    temp_folder tmp{"twinsms-etcd-"};
    etcd_cluster etcd{tmp.path / "etcd", 1};
    boost::asio::io_context io;
    etcd_fixture() { etcd.start(); }
    ~etcd_fixture() { etcd.kill(0); }
    config::witness_settings settings(std::vector<std::string> endpoints = {}) {
        config::witness_settings s;
        s.endpoints = endpoints.empty() ? etcd.urls() : endpoints;
        s.key = "/twinsms/test/carrier_owner";
        s.lease_ttl = 3s;
        s.timeout = 750ms;
        return s;
    }
    // Calls f(client, done) and pumps until done() was called (at most 10 s).
    witness::answer call(witness::etcd_client& c,
                         const std::function<void(witness::etcd_client&, witness::etcd_client::done_fn)>& f) {
        std::optional<witness::answer> got;
        f(c, [&](const witness::answer& a) { got = a; });
        BOOST_REQUIRE_MESSAGE(pump_until(io, [&] { return got.has_value(); }, 10s), "no answer from the etcd client");
        return *got;
    }
    witness::answer grant(witness::etcd_client& c) {
        return call(c, [](auto& cl, auto d) { cl.grant(std::move(d)); });
    }
    witness::answer acquire(witness::etcd_client& c, std::int64_t lease, const std::string& who) {
        return call(c, [&](auto& cl, auto d) { cl.acquire(lease, who, std::move(d)); });
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(one_owner_at_a_time_with_rising_revisions, etcd_fixture) {
    witness::etcd_client a{io.get_executor(), settings()}, b{io.get_executor(), settings()};
    const auto la = grant(a);
    BOOST_REQUIRE_MESSAGE(la.ok(), la.error);
    BOOST_TEST(la.ttl.count() == 3);
    BOOST_TEST(la.lease != 0);
    const auto got = acquire(a, la.lease, "site1");
    BOOST_REQUIRE_MESSAGE(got.ok(), got.error);
    BOOST_TEST(got.acquired);
    BOOST_TEST(got.revision > 0);
    // Asking again with the same lease: still ours (an answer lost on the way).
    const auto again = acquire(a, la.lease, "site1");
    BOOST_TEST(again.acquired);
    BOOST_TEST(again.revision == got.revision);

    const auto lb = grant(b);
    const auto refused = acquire(b, lb.lease, "site2");
    BOOST_REQUIRE_MESSAGE(refused.ok(), refused.error);
    BOOST_TEST(!refused.acquired);
    BOOST_TEST(refused.holder == "site1");
    BOOST_TEST(refused.revision == got.revision);

    const auto renewed = call(a, [&](auto& cl, auto d) { cl.keepalive(la.lease, std::move(d)); });
    BOOST_TEST(renewed.ok());
    BOOST_TEST(renewed.ttl.count() == 3);

    // site1 gives the key back: site2 gets it, at a higher revision.
    BOOST_TEST(call(a, [&](auto& cl, auto d) { cl.revoke(la.lease, std::move(d)); }).ok());
    const auto taken = acquire(b, lb.lease, "site2");
    BOOST_TEST(taken.acquired);
    BOOST_TEST(taken.revision > got.revision);
    // The revoked lease is gone: keep-alive says TTL 0, revoke is still fine.
    const auto gone = call(a, [&](auto& cl, auto d) { cl.keepalive(la.lease, std::move(d)); });
    BOOST_TEST(gone.ok(), gone.error);
    BOOST_TEST(gone.ttl.count() == 0);
    BOOST_TEST(call(a, [&](auto& cl, auto d) { cl.revoke(la.lease, std::move(d)); }).ok());
}

BOOST_FIXTURE_TEST_CASE(a_nodes_own_key_from_an_earlier_run_is_taken_over, etcd_fixture) {
    witness::etcd_client old_run{io.get_executor(), settings()};
    const auto l1 = grant(old_run);
    const auto first = acquire(old_run, l1.lease, "site1");
    BOOST_REQUIRE(first.acquired);
    // The node restarted: a new client, a new lease, the same node id.
    witness::etcd_client new_run{io.get_executor(), settings()};
    const auto l2 = grant(new_run);
    const auto second = acquire(new_run, l2.lease, "site1");
    BOOST_TEST(second.acquired);
    BOOST_TEST(second.revision > first.revision);
    // And another node still cannot.
    witness::etcd_client other{io.get_executor(), settings()};
    const auto l3 = grant(other);
    const auto refused = acquire(other, l3.lease, "site2");
    BOOST_TEST(!refused.acquired);
    BOOST_TEST(refused.holder == "site1");
    BOOST_TEST(refused.revision == second.revision);
}

BOOST_FIXTURE_TEST_CASE(a_dead_first_endpoint_falls_through_to_the_next, etcd_fixture) {
    const auto dead = "http://127.0.0.1:" + std::to_string(free_port()); // nothing listens there
    witness::etcd_client c{io.get_executor(), settings({dead, etcd.urls()[0]})};
    const auto l = grant(c);
    BOOST_TEST(l.ok(), l.error);
    BOOST_TEST(l.endpoint == etcd.urls()[0]);
    // The endpoint that answered is tried first from now on.
    const auto r = call(c, [&](auto& cl, auto d) { cl.keepalive(l.lease, std::move(d)); });
    BOOST_TEST(r.endpoint == etcd.urls()[0]);
}

BOOST_FIXTURE_TEST_CASE(without_etcd_every_call_fails_within_the_timeout, etcd_fixture) {
    witness::etcd_client c{io.get_executor(), settings()};
    const auto l = grant(c);
    BOOST_REQUIRE(l.ok());
    etcd.kill(0);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = call(c, [&](auto& cl, auto d) { cl.keepalive(l.lease, std::move(d)); });
    BOOST_TEST(!r.ok());
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1s));
    BOOST_TEST(!grant(c).ok());
}

// The example profiles' shape: three members. One member lost (the one in
// use): the client goes on with the others, and the key stays one owner's.
BOOST_AUTO_TEST_CASE(three_members_survive_the_loss_of_one) {
    const temp_folder tmp{"twinsms-etcd3-"};
    const auto& dir = tmp.path;
    boost::asio::io_context io;
    {
        etcd_cluster etcd{dir, 3};
        etcd.start();
        config::witness_settings s;
        s.endpoints = etcd.urls();
        s.key = "/twinsms/test3/carrier_owner";
        s.lease_ttl = 3s;
        s.timeout = 750ms;
        witness::etcd_client a{io.get_executor(), s}, b{io.get_executor(), s};
        auto call = [&](auto f) {
            std::optional<witness::answer> got;
            f([&](const witness::answer& x) { got = x; });
            BOOST_REQUIRE(pump_until(io, [&] { return got.has_value(); }, 10s));
            return *got;
        };
        const auto la = call([&](auto d) { a.grant(std::move(d)); });
        BOOST_REQUIRE_MESSAGE(la.ok(), la.error);
        BOOST_TEST(la.endpoint == etcd.urls()[0]);
        BOOST_TEST(call([&](auto d) { a.acquire(la.lease, "site1", std::move(d)); }).acquired);
        etcd.kill(0);
        const auto renewed = call([&](auto d) { a.keepalive(la.lease, std::move(d)); });
        BOOST_TEST(renewed.ok(), renewed.error);
        BOOST_TEST(renewed.ttl.count() > 0);
        BOOST_TEST(renewed.endpoint != etcd.urls()[0]);
        const auto lb = call([&](auto d) { b.grant(std::move(d)); });
        BOOST_REQUIRE_MESSAGE(lb.ok(), lb.error);
        const auto refused = call([&](auto d) { b.acquire(lb.lease, "site2", std::move(d)); });
        BOOST_TEST(refused.ok(), refused.error);
        BOOST_TEST(!refused.acquired);
        BOOST_TEST(refused.holder == "site1");
    }
}

// etcd with authentication on (set up with etcdctl): a user with read-write
// on the key's prefix only gets a lease and the key; a wrong password gets
// neither, and says why.
BOOST_FIXTURE_TEST_CASE(credentials_with_auth_enabled, etcd_fixture) {
    const auto url = etcd.urls()[0];
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"user", "add", "root:rootpw"},
             {"role", "add", "twinsms"},
             {"role", "grant-permission", "twinsms", "--prefix=true", "readwrite", "/twinsms/"},
             {"user", "add", "twinsms:etcd-pw"},
             {"user", "grant-role", "twinsms", "twinsms"},
             {"auth", "enable"}}) {
        std::vector<std::string> argv{"etcdctl", "--endpoints", url};
        argv.insert(argv.end(), args.begin(), args.end());
        child_process p{argv};
        const auto& st = p.wait(10s);
        BOOST_REQUIRE_MESSAGE(st.exited && st.code == 0, p.describe());
    }
    auto s = settings();
    s.username = "twinsms";
    s.password = "etcd-pw";
    witness::etcd_client c{io.get_executor(), s};
    const auto l = grant(c);
    BOOST_REQUIRE_MESSAGE(l.ok(), l.error);
    const auto got = acquire(c, l.lease, "site1");
    BOOST_TEST(got.ok(), got.error);
    BOOST_TEST(got.acquired);
    s.password = "wrong";
    witness::etcd_client bad{io.get_executor(), s};
    const auto refused = grant(bad);
    BOOST_TEST(!refused.ok());
    BOOST_TEST(refused.error.find("authentication failed") != std::string::npos, refused.error);
}

// HTTPS with client certificates (etcd --client-cert-auth): with the CA and
// a client certificate the CA signed, a lease and the key; without a client
// certificate, or trusting another CA, nothing.
BOOST_AUTO_TEST_CASE(https_with_client_certificates) {
    const temp_folder tmp{"twinsms-etcd-tls-"};
    const auto& dir = tmp.path;
    boost::asio::io_context io;
    {
        test_ca ca{dir, "etcd-test-ca"}, other{dir, "other-ca"};
        const auto server = ca.issue("etcd"), client = ca.issue("twinsms");
        etcd_cluster etcd{dir / "etcd", 1, etcd_tls{server.cert, server.key, ca.cert_file(), true}};
        etcd.start();
        BOOST_REQUIRE(etcd.urls()[0].rfind("https://", 0) == 0);
        config::witness_settings s;
        s.endpoints = etcd.urls();
        s.key = "/twinsms/tls/carrier_owner";
        s.timeout = 750ms;
        s.tls.enabled = true;
        s.tls.ca_file = ca.cert_file();
        s.tls.certificate = client.cert;
        s.tls.private_key = client.key;
        auto grant = [&](const config::witness_settings& with) {
            witness::etcd_client c{io.get_executor(), with};
            std::optional<witness::answer> got;
            c.grant([&](const witness::answer& x) { got = x; });
            BOOST_REQUIRE(pump_until(io, [&] { return got.has_value(); }, 10s));
            if (got->ok()) {
                std::optional<witness::answer> acq;
                c.acquire(got->lease, "site1", [&](const witness::answer& x) { acq = x; });
                BOOST_REQUIRE(pump_until(io, [&] { return acq.has_value(); }, 10s));
                BOOST_TEST(acq->acquired, acq->error);
            }
            return *got;
        };
        const auto ok = grant(s);
        BOOST_TEST(ok.ok(), ok.error);
        auto no_cert = s;
        no_cert.tls.certificate.clear();
        no_cert.tls.private_key.clear();
        BOOST_TEST(!grant(no_cert).ok());
        auto wrong_ca = s;
        wrong_ca.tls.ca_file = other.cert_file();
        const auto refused = grant(wrong_ca);
        BOOST_TEST(!refused.ok());
        BOOST_TEST_MESSAGE("wrong CA: " << refused.error);
    }
}
