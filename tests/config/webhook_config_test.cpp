#define BOOST_TEST_MODULE config_webhook
// client.webhook: the example's values, defaults, and every refusal with
// its file:line:column and YAML path.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "config/profiles_copy.hpp"

using namespace twinsms::config;
namespace fs = std::filesystem;

namespace {
// The acme client with its webhook section (the file's last) replaced by
// `hook` (indented under "  webhook:").
struct hook_profiles : twinsms::test::profiles_copy {
    void webhook(const std::string& hook) const {
        auto s = read("clients/acme.yaml");
        const auto at = s.find("  webhook:");
        BOOST_REQUIRE(at != std::string::npos);
        write("clients/acme.yaml", s.substr(0, at) + "  webhook:\n" + hook);
    }
};
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_FIXTURE_TEST_CASE(example_values, hook_profiles) {
    const auto set = load_profiles(dir);
    const auto* acme = set.client("acme");
    BOOST_REQUIRE(acme);
    BOOST_REQUIRE(acme->webhook);
    const auto& w = *acme->webhook;
    BOOST_TEST(w.url == "https://hooks.acme.example/twinsms");
    BOOST_TEST(w.secret == "acme-hook-secret-0123456789");
    BOOST_TEST(w.timeout.count() == 5'000);
    BOOST_TEST(w.retry_initial.count() == 1'000);
    BOOST_TEST(w.retry_max.count() == 300'000);
    BOOST_TEST(w.max_in_flight == 8u);
    BOOST_TEST(w.receipts);
    BOOST_TEST(w.mo);
    BOOST_TEST(!set.client("beta")->webhook);
}

BOOST_FIXTURE_TEST_CASE(defaults, hook_profiles) {
    webhook("    url: http://127.0.0.1:9000/hook\n    secret: 0123456789abcdef\n");
    const auto w = *load_profiles(dir).client("acme")->webhook;
    BOOST_TEST(w.timeout.count() == 5'000);
    BOOST_TEST(w.max_in_flight == 8u);
    BOOST_TEST(w.verify_peer);
    BOOST_TEST(!w.ca_file);
}

BOOST_FIXTURE_TEST_CASE(refusals_name_file_line_and_path, hook_profiles) {
    webhook("    url: ftp://x/y\n    secret: 0123456789abcdef\n");
    auto e = error();
    BOOST_TEST(has(e, "acme.yaml:"), e);
    BOOST_TEST(has(e, "client.webhook.url: a webhook URL starts with http:// or https://"), e);

    webhook("    url: http:///path\n    secret: 0123456789abcdef\n");
    BOOST_TEST(has(error(), "client.webhook.url: the webhook URL has no host"), error());

    webhook("    url: http://x/a b\n    secret: 0123456789abcdef\n");
    BOOST_TEST(has(error(), "client.webhook.url: the webhook URL has a space"), error());

    webhook("    url: http://x/\n    secret: short\n");
    BOOST_TEST(has(error(), "client.webhook.secret: a secret of at least 16 characters"), error());

    webhook("    url: http://x/\n");
    BOOST_TEST(has(error(), "client.webhook"), error());
    BOOST_TEST(has(error(), "secret"), error());

    webhook("    url: http://x/\n    secret: 0123456789abcdef\n    retry: {initial: 10s, max: 1s}\n");
    BOOST_TEST(has(error(), "client.webhook.retry: retry.max is shorter than retry.initial"), error());

    webhook("    url: http://x/\n    secret: 0123456789abcdef\n    receipts: false\n    mo: false\n");
    BOOST_TEST(has(error(), "a webhook for neither receipts nor MO"), error());

    webhook("    url: http://x/\n    secret: 0123456789abcdef\n    max_in_flight: 0\n");
    BOOST_TEST(has(error(), "client.webhook.max_in_flight"), error());

    webhook("    url: http://x/\n    secret: 0123456789abcdef\n    retires: 3\n");
    BOOST_TEST(has(error(), "retires"), error());
}
