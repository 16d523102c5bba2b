#define BOOST_TEST_MODULE ip_range
#include <boost/test/unit_test.hpp>

#include "smpp/server/ip_range.hpp"

using twinsms::smpp::ip_range;
namespace ip = boost::asio::ip;

namespace {
ip_range range(std::string_view text) {
    std::string err;
    auto r = ip_range::parse(text, &err);
    BOOST_TEST_REQUIRE(r.has_value(), "parse '" << text << "' failed: " << err);
    return *r;
}
bool in(std::string_view cidr, const char* addr) { return range(cidr).contains(ip::make_address(addr)); }
} // namespace

BOOST_AUTO_TEST_CASE(v4_cidr) {
    BOOST_TEST(in("10.0.0.0/8", "10.0.0.0"));
    BOOST_TEST(in("10.0.0.0/8", "10.255.255.255"));
    BOOST_TEST(!in("10.0.0.0/8", "11.0.0.0"));
    BOOST_TEST(!in("10.0.0.0/8", "9.255.255.255"));
    BOOST_TEST(in("192.168.1.0/24", "192.168.1.77"));
    BOOST_TEST(!in("192.168.1.0/24", "192.168.2.1"));
}

BOOST_AUTO_TEST_CASE(v4_prefix_not_on_an_octet_boundary) {
    BOOST_TEST(in("172.16.0.0/12", "172.31.255.255"));
    BOOST_TEST(!in("172.16.0.0/12", "172.32.0.0"));
    BOOST_TEST(!in("172.16.0.0/12", "172.15.255.255"));
    BOOST_TEST(in("10.0.0.128/25", "10.0.0.200"));
    BOOST_TEST(!in("10.0.0.128/25", "10.0.0.127"));
    BOOST_TEST(in("10.0.0.6/31", "10.0.0.7"));
    BOOST_TEST(!in("10.0.0.6/31", "10.0.0.8"));
}

BOOST_AUTO_TEST_CASE(v4_extremes) {
    BOOST_TEST(in("0.0.0.0/0", "1.2.3.4"));
    BOOST_TEST(in("0.0.0.0/0", "255.255.255.255"));
    BOOST_TEST(in("1.2.3.4/32", "1.2.3.4"));
    BOOST_TEST(!in("1.2.3.4/32", "1.2.3.5"));
}

BOOST_AUTO_TEST_CASE(base_with_host_bits_set_is_masked) {
    // "10.1.2.3/8" is read as the /8 around it, not as a single host.
    BOOST_TEST(in("10.1.2.3/8", "10.200.0.1"));
    BOOST_TEST(!in("10.1.2.3/8", "11.1.2.3"));
}

BOOST_AUTO_TEST_CASE(bare_host) {
    BOOST_TEST(in("127.0.0.1", "127.0.0.1"));
    BOOST_TEST(!in("127.0.0.1", "127.0.0.2"));
    BOOST_TEST(range("127.0.0.1").to_string() == "127.0.0.1/32");
    BOOST_TEST(in("::1", "::1"));
    BOOST_TEST(!in("::1", "::2"));
    BOOST_TEST(range("::1").to_string() == "::1/128");
}

BOOST_AUTO_TEST_CASE(v6_cidr) {
    BOOST_TEST(in("2001:db8::/32", "2001:db8::1"));
    BOOST_TEST(in("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    BOOST_TEST(!in("2001:db8::/32", "2001:db9::1"));
    BOOST_TEST(in("fe80::/10", "febf::1"));
    BOOST_TEST(!in("fe80::/10", "fec0::1"));
    BOOST_TEST(in("2001:db8:0:1::/64", "2001:db8:0:1:abcd::9"));
    BOOST_TEST(!in("2001:db8:0:1::/64", "2001:db8:0:2::9"));
    BOOST_TEST(in("::/0", "2001:db8::1"));
    BOOST_TEST(range("2001:db8::/32").to_string() == "2001:db8::/32");
}

BOOST_AUTO_TEST_CASE(families_do_not_mix) {
    BOOST_TEST(!in("0.0.0.0/0", "::1"));
    BOOST_TEST(!in("::/0", "10.0.0.1"));
    BOOST_TEST(!in("::1", "127.0.0.1"));
}

BOOST_AUTO_TEST_CASE(v4_mapped_v6_clients_match_v4_ranges) {
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
    BOOST_TEST(in("10.0.0.0/8", "::ffff:10.1.2.3"));
    BOOST_TEST(!in("10.0.0.0/8", "::ffff:11.1.2.3"));
    BOOST_TEST(in("127.0.0.1", "::ffff:127.0.0.1"));
    BOOST_TEST(in("0.0.0.0/0", "::ffff:8.8.8.8"));
    // Only v4-mapped addresses are unwrapped: an ordinary v6 address whose
    // low 32 bits look like 10.x does not match.
    BOOST_TEST(!in("10.0.0.0/8", "2001:db8::a01:203"));
    BOOST_TEST(!in("10.0.0.0/8", "::10.1.2.3")); // deprecated v4-compatible form
}

BOOST_AUTO_TEST_CASE(bad_input_is_rejected_with_a_message) {
    for (const char* bad : {"10.0.0.0/33", "abc", "1.2.3.4/", "", "/8", "::1/129", "1.2.3.4/-1", "1.2.3.4/8x",
                            "1.2.3.4/ 8", "1.2.3.4/8/8", "1.2.3", "1.2.3.256", "10.0.0.0/99999999999",
                            "2001:db8::/", "2001:db8:::1/64", " 1.2.3.4"}) {
        std::string err;
        auto r = ip_range::parse(bad, &err);
        BOOST_TEST(!r.has_value(), "'" << bad << "' should not parse");
        BOOST_TEST(!err.empty(), "no message for '" << bad << "'");
        BOOST_TEST(err.find(bad) != std::string::npos, "message does not quote the input: " << err);
    }
}

BOOST_AUTO_TEST_CASE(bad_prefix_message_names_the_limit) {
    std::string err;
    BOOST_TEST(!ip_range::parse("10.0.0.0/33", &err));
    BOOST_TEST(err.find("32") != std::string::npos, err);
    BOOST_TEST(!ip_range::parse("abc", &err));
    BOOST_TEST(err.find("not an IP address") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(error_output_is_optional) {
    BOOST_TEST(!ip_range::parse("10.0.0.0/33").has_value());
    BOOST_TEST(ip_range::parse("10.0.0.0/32").has_value());
    BOOST_TEST(ip_range::parse("::/128").has_value());
}
