#define BOOST_TEST_MODULE config_smtp
// node.smtp and client.smtp (email to SMS): the example's values, defaults,
// and every refusal with its file:line:column and YAML path.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "config/profiles_copy.hpp"

using namespace twinsms::config;
namespace fs = std::filesystem;

namespace {

using twinsms::test::profiles_copy;

} // namespace

BOOST_FIXTURE_TEST_CASE(example_values, profiles_copy) {
    const auto set = load_profiles(dir);
    BOOST_REQUIRE(set.node.smtp);
    const auto& s = *set.node.smtp;
    BOOST_REQUIRE_EQUAL(s.listen.size(), 1u);
    BOOST_TEST(s.listen[0].port() == 2525);
    BOOST_TEST(s.domain == "sms.example.com");
    BOOST_TEST(s.hostname == "mx1.example.com");
    BOOST_TEST(s.max_size == 1048576u);
    BOOST_TEST(s.max_recipients == 50u);
    BOOST_TEST(s.max_sessions == 100u);
    BOOST_TEST(s.max_errors == 10u);
    BOOST_TEST(s.command_timeout.count() == 300'000);
    BOOST_TEST(s.data_timeout.count() == 600'000);
    const auto* acme = set.client("acme");
    BOOST_REQUIRE(acme && acme->smtp);
    BOOST_TEST((acme->smtp->allowed_senders == std::vector<std::string>{"nagios@acme.example", "@ops.acme.example"}));
    BOOST_TEST((acme->smtp->text == mail_text::subject_and_body));
    BOOST_TEST(acme->smtp->source == "ACME");
    BOOST_TEST(acme->smtp->max_parts == 4u);
    BOOST_TEST(!acme->smtp->auth);
    BOOST_TEST(!set.client("beta")->smtp);
}

BOOST_FIXTURE_TEST_CASE(defaults_and_lowercasing, profiles_copy) {
    auto node = read("node.yaml");
    node = node.substr(0, node.find("  smtp:")) + "  smtp:\n    listen: [127.0.0.1:2525, 127.0.0.2:25]\n    domain: SMS.Example.COM\n" +
           "  log_level: info\n";
    write("node.yaml", node);
    auto acme = read("clients/acme.yaml");
    write("clients/acme.yaml", acme.substr(0, acme.find("  smtp:")) + "  smtp:\n    allowed_senders: Ops@ACME.example\n");
    const auto set = load_profiles(dir);
    const auto& s = *set.node.smtp;
    BOOST_TEST(s.listen.size() == 2u);
    BOOST_TEST(s.domain == "sms.example.com");
    BOOST_TEST(s.hostname == "sms.example.com");
    BOOST_TEST(s.max_size == 1u << 20);
    const auto& m = *set.client("acme")->smtp;
    BOOST_TEST((m.allowed_senders == std::vector<std::string>{"ops@acme.example"}));
    BOOST_TEST(m.source == "Email");
    BOOST_TEST((m.text == mail_text::subject_and_body));
}

BOOST_FIXTURE_TEST_CASE(unknown_keys_are_refused_where_they_are, profiles_copy) {
    replace("node.yaml", "    max_errors: 10", "    max_error: 10");
    BOOST_TEST(error().find(at("node.yaml", "max_error:", 5) + ": node.smtp.max_error: unknown key") != std::string::npos, error());
}

BOOST_FIXTURE_TEST_CASE(client_unknown_key, profiles_copy) {
    replace("clients/acme.yaml", "    max_parts: 4", "    parts: 4");
    BOOST_TEST(error().find(at("clients/acme.yaml", "    parts: 4", 5) + ": client.smtp.parts: unknown key") != std::string::npos,
               error());
}

BOOST_FIXTURE_TEST_CASE(node_refusals, profiles_copy) {
    const auto node = read("node.yaml");
    auto with = [&](const std::string& from, const std::string& to) {
        write("node.yaml", node);
        replace("node.yaml", from, to);
        return error();
    };
    BOOST_TEST(with("domain: sms.example.com", "domain: 'sms example'").find("node.smtp.domain: expected a domain name") != std::string::npos);
    BOOST_TEST(with("domain: sms.example.com", "domain: .bad").find("node.smtp.domain") != std::string::npos);
    BOOST_TEST(with("    domain: sms.example.com    #", "    #").find("node.smtp: missing required key 'domain'") != std::string::npos,
               with("    domain: sms.example.com    #", "    #"));
    BOOST_TEST(with("listen: 127.0.0.1:2525", "listen: localhost:2525").find("node.smtp.listen: expected an IP address") != std::string::npos);
    BOOST_TEST(with("max_size: 1048576", "max_size: 10").find("node.smtp.max_size") != std::string::npos);
    BOOST_TEST(with("max_recipients: 50", "max_recipients: 0").find("node.smtp.max_recipients") != std::string::npos);
    BOOST_TEST(with("{command: 5m, data: 10m}", "{command: 0s, data: 10m}").find("node.smtp.timeouts.command: must be positive") != std::string::npos);
    BOOST_TEST(with("{command: 5m, data: 10m}", "{command: 5m, dta: 10m}").find("node.smtp.timeouts.dta: unknown key") != std::string::npos);
    const auto no_tls = with("    max_errors: 10", "    starttls: true");
    BOOST_TEST(no_tls.find(at("node.yaml", "    starttls: true", 15) + ": node.smtp.starttls: needs a node.tls section") !=
                   std::string::npos,
               no_tls);
    BOOST_TEST(with("    max_errors: 10", "    starttls: yes please").find("node.smtp.starttls: expected true or false") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(client_refusals, profiles_copy) {
    const auto acme = read("clients/acme.yaml");
    auto with = [&](const std::string& from, const std::string& to) {
        write("clients/acme.yaml", acme);
        replace("clients/acme.yaml", from, to);
        return error();
    };
    BOOST_TEST(with("- nagios@acme.example", "- nagios").find("client.smtp.allowed_senders[0]: expected an address") != std::string::npos,
               with("- nagios@acme.example", "- nagios"));
    BOOST_TEST(with("- nagios@acme.example", "- a@b@c.example").find("allowed_senders[0]") != std::string::npos);
    BOOST_TEST(with("text: subject+body", "text: html").find("client.smtp.text") != std::string::npos);
    BOOST_TEST(with("source: ACME", "source: TwelveLetters").find("client.smtp.source") != std::string::npos);
    BOOST_TEST(with("source: ACME", "source: '+123456789012345678901'").find("client.smtp.source") != std::string::npos);
    BOOST_TEST(with("source: ACME", "source: '+6591234567'") == "(no error)");
    BOOST_TEST(with("max_parts: 4", "max_parts: 0").find("client.smtp.max_parts") != std::string::npos);
    BOOST_TEST(with("max_parts: 4", "max_parts: 200") == "(no error)"); // 200 x 50 recipients = 10 000 SMS
    const auto too_many = with("max_parts: 4", "max_parts: 201");
    BOOST_TEST(too_many.find(at("clients/acme.yaml", "max_parts: 201", 16) + ": client.smtp.max_parts: 201 parts x 50 recipients") !=
                   std::string::npos,
               too_many);
    // Without a sender list only AUTH can pick the client.
    const auto no_list = with("    allowed_senders:           #", "    x_senders:           #");
    BOOST_TEST(no_list.find("unknown key") != std::string::npos, no_list);
    write("clients/acme.yaml", acme.substr(0, acme.find("  smtp:")) + "  smtp:\n    text: body\n");
    BOOST_TEST(error().find(at("clients/acme.yaml", "    text: body", 5) + ": client.smtp: allowed_senders is required") !=
                   std::string::npos,
               error());
    write("clients/acme.yaml", acme.substr(0, acme.find("  smtp:")) + "  smtp:\n    auth: true\n");
    BOOST_TEST(error() == "(no error)");
}

BOOST_FIXTURE_TEST_CASE(cross_file_checks, profiles_copy) {
    const auto acme = read("clients/acme.yaml");
    // The same sender for two clients without AUTH: which one would send?
    write("clients/beta.yaml", read("clients/beta.yaml") + "  smtp:\n    allowed_senders: ['@ops.acme.example']\n");
    BOOST_TEST(error().find(at("clients/beta.yaml", "allowed_senders: ['@ops", 23) +
                            ": client.smtp.allowed_senders[0]: '@ops.acme.example' is also allowed for client 'acme'") !=
                   std::string::npos,
               error());
    // With AUTH it is chosen by its credentials, so that is fine.
    write("clients/beta.yaml", read("clients/beta.yaml") + "    auth: true\n");
    BOOST_TEST(error() == "(no error)");
    // A client smtp section needs the node's.
    auto node = read("node.yaml");
    const auto from = node.find("  smtp:"), to = node.find("  log_level:");
    write("node.yaml", node.substr(0, from) + node.substr(to));
    BOOST_TEST(error().find(at("clients/acme.yaml", "    allowed_senders:", 5) + ": client.smtp: the node takes no mail") !=
                   std::string::npos,
               error());
    // And the node's needs a client that takes mail.
    write("node.yaml", node);
    write("clients/acme.yaml", acme.substr(0, acme.find("  smtp:")));
    write("clients/beta.yaml", read("clients/beta.yaml").substr(0, read("clients/beta.yaml").find("  smtp:")));
    BOOST_TEST(error().find(at("node.yaml", "    listen: 127.0.0.1:2525", 5) + ": node.smtp: no client profile takes mail") !=
                   std::string::npos,
               error());
}
