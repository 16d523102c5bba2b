// The digest two nodes compare: the node-local state: left out, key order,
// comments and layout ignored, every other change seen; and the rewrite
// that puts this node's state into the peer's text.
#define BOOST_TEST_MODULE settings_digest
#include <boost/test/unit_test.hpp>

#include "settings/profile_digest.hpp"

using namespace twinsms::settings;

namespace {
const std::string alpha_active = "# Site 1's client.\nclient:\n  state: active\n  system_id: alpha\n  password: alpha1\n  tps: 2000\n";
const std::string alpha_passive = "# Site 2's copy.\nclient:\n  state: passive\n  system_id: alpha\n  password: alpha1\n  tps: 2000\n";
} // namespace

BOOST_AUTO_TEST_CASE(state_is_left_out) {
    BOOST_TEST(profile_digest(alpha_active, "client") == profile_digest(alpha_passive, "client"));
    const std::string no_state = "client:\n  system_id: alpha\n  password: alpha1\n  tps: 2000\n";
    BOOST_TEST(profile_digest(no_state, "client") == profile_digest(alpha_active, "client"));
    BOOST_TEST(profile_digest(alpha_active, "client").size() == 64u);
}

BOOST_AUTO_TEST_CASE(key_order_and_layout_do_not_count) {
    const std::string reordered = "client:\n  tps: 2000\n  password: alpha1   # inline comment\n\n  system_id: alpha\n";
    BOOST_TEST(profile_digest(reordered, "client") == profile_digest(alpha_active, "client"));
    const std::string flow = "client: {tps: 2000, system_id: alpha, password: alpha1, state: passive}\n";
    BOOST_TEST(profile_digest(flow, "client") == profile_digest(alpha_active, "client"));
}

BOOST_AUTO_TEST_CASE(every_other_change_counts) {
    const auto d = profile_digest(alpha_active, "client");
    BOOST_TEST(profile_digest("client:\n  state: active\n  system_id: alpha\n  password: alpha2\n  tps: 2000\n", "client") != d);
    BOOST_TEST(profile_digest("client:\n  state: active\n  system_id: alpha\n  password: alpha1\n  tps: 2001\n", "client") != d);
    // A state: below the root is content, not the node-local field.
    BOOST_TEST(profile_digest("client:\n  system_id: alpha\n  password: alpha1\n  tps: 2000\n  smtp: {state: x}\n", "client") != d);
    // The same tree under another root is another profile.
    BOOST_TEST(profile_digest("carrier:\n  system_id: alpha\n  password: alpha1\n  tps: 2000\n", "carrier") != d);
    // Sequence order is content (routes are ordered).
    BOOST_TEST(profile_digest("routes:\n  - {name: a}\n  - {name: b}\n", "") != profile_digest("routes:\n  - {name: b}\n  - {name: a}\n", ""));
    BOOST_CHECK_THROW(profile_digest("client: [unclosed\n", "client"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(set_digest_is_over_names_and_digests_whatever_the_order) {
    digest_map a{{"clients/a.yaml", "11"}, {"carriers/b.yaml", "22"}};
    digest_map b;
    b.emplace("carriers/b.yaml", "22");
    b.emplace("clients/a.yaml", "11");
    BOOST_TEST(set_digest(a) == set_digest(b));
    b["carriers/b.yaml"] = "23";
    BOOST_TEST(set_digest(a) != set_digest(b));
    BOOST_TEST(set_digest({{"x", "1"}}) != set_digest({{"y", "1"}}));
}

BOOST_AUTO_TEST_CASE(with_state_keeps_ours_and_everything_else_of_theirs) {
    const std::string theirs = "# edited on site1\nclient:\n  state: passive   # site2's client\n  system_id: alpha\n  tps: 3000\n";
    const auto out = with_state(theirs, "client", std::string{"active"});
    BOOST_TEST(out == "# edited on site1\nclient:\n  state: active\n  system_id: alpha\n  tps: 3000\n");
    BOOST_TEST(*state_of(out, "client") == "active");
    // We have no state: (active by default): theirs is removed.
    BOOST_TEST(with_state(theirs, "client", std::nullopt) == "# edited on site1\nclient:\n  system_id: alpha\n  tps: 3000\n");
    // They have none, we have one: inserted at the keys' indentation.
    BOOST_TEST(with_state("client:\n    system_id: alpha\n", "client", std::string{"passive"}) ==
               "client:\n    state: passive\n    system_id: alpha\n");
    BOOST_CHECK_THROW(with_state("client: {system_id: alpha}\n", "client", std::string{"passive"}), std::runtime_error);
    BOOST_TEST(!state_of("client:\n  system_id: a\n", "client").has_value());
}
