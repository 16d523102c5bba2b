// The status page in a real browser (headless Chromium over the DevTools
// protocol) against a real pair of twinsmsd processes: the page is public
// but shows nothing without the admin token, a wrong token is refused
// clearly, both nodes show normal with live rates (and that the pair is
// not partition-safe; shared profiles in sync), a profile button and a
// takeover after kill -9 show in the page and in /api/v1/status, and the
// failback button brings the pair back.
#define BOOST_TEST_MODULE page
#include "page/page_fixture.hpp"

using namespace twinsms::test;

namespace {

const std::string token = admin_token;
const std::string token_key = "sessionStorage.getItem('twinsms.admin_token')";

// Both nodes' failback on command only, so the page's button is what hands back.
void make_failback_manual(page_fixture& f) {
    for (auto* s : {&f.s1, &f.s2}) edit_file(s->dir / "node.yaml", "mode: auto", "mode: manual");
}

} // namespace

BOOST_AUTO_TEST_CASE(page_is_public_its_data_needs_the_token) {
    page_fixture f{pair_options{.replication = true}}; // with settings replication (the Settings line)
    f.start_pair();

    // The HTML, script and stylesheet need no token and carry nothing of the node.
    const auto html = f.raw_get(f.s1, "/");
    BOOST_TEST(html.rfind("HTTP/1.1 200", 0) == 0);
    BOOST_TEST(html.find("Content-Type: text/html") != std::string::npos);
    BOOST_TEST(html.find("frame-ancestors 'none'") != std::string::npos);
    BOOST_TEST(html.find("id=\"login\"") != std::string::npos);
    BOOST_TEST(html.find("site1") == std::string::npos);
    BOOST_TEST(html.find(token) == std::string::npos);
    BOOST_TEST(f.raw_get(f.s1, "/status").find("id=\"login\"") != std::string::npos);
    BOOST_TEST(f.raw_get(f.s1, "/page/status.js").find("Content-Type: text/javascript") != std::string::npos);
    BOOST_TEST(f.raw_get(f.s1, "/page/status.css").find("Content-Type: text/css") != std::string::npos);
    BOOST_TEST(f.raw_get(f.s1, "/api/v1/status").rfind("HTTP/1.1 401", 0) == 0);

    // The browser asks for the token; a wrong one is refused and not kept.
    const auto tab = f.open(f.page_url(f.s1));
    f.await_visible(tab, "#login");
    BOOST_TEST(!f.eval(tab, "document.querySelector('#dashboard').checkVisibility()").as_bool());
    f.login(tab, "not-the-admin-token-0000");
    f.await_visible(tab, "#login-error");
    BOOST_TEST(f.text_of(tab, "#login-error").find("refused") != std::string::npos);
    BOOST_TEST(f.text_of(tab, "#login-error").find("403") != std::string::npos);
    BOOST_TEST(f.eval(tab, token_key).is_null());
    BOOST_TEST(!f.eval(tab, "document.querySelector('#dashboard').checkVisibility()").as_bool());
    BOOST_TEST(f.text_of(tab, "#self-mode").empty()); // nothing of the node was rendered

    // The right one: both nodes of the pair, normal, as site1 sees them.
    f.login(tab, token);
    f.await_visible(tab, "#dashboard");
    f.await_text(tab, "#self-id", "site1");
    f.await_text(tab, "#self-mode", "normal");
    f.await_text(tab, "#self-role", "primary");
    f.await_text(tab, "#peer-id", "site2");
    f.await_text(tab, "#peer-mode", "normal");
    f.await_text(tab, "#peer-verdict", "alive");
    f.await_text(tab, "#peer-link", "up");
    f.await_text(tab, "#peer-second-path", "up");
    // The demo pair has no witness: the page says so plainly, with the warnings.
    f.await_text(tab, "#self-partition", "not partition-safe");
    f.await_text(tab, "#self-settings", "in sync"); // the shared profiles equal on both nodes
    BOOST_TEST(f.text_of(tab, "#self-settings-note").find("3 shared") != std::string::npos, f.text_of(tab, "#self-settings-note"));
    BOOST_TEST(f.text_of(tab, "#partition-warnings").find("no cluster.witness") != std::string::npos,
               f.text_of(tab, "#partition-warnings"));
    f.await_text(tab, "#links tr[data-key=\"sim\"] td:nth-child(2)", "bound");
    f.await_text(tab, page_fixture::profile_state("alpha"), "active");
    f.await_text(tab, page_fixture::profile_state("bravo"), "passive");
    BOOST_TEST(f.eval_text(tab, token_key) == token);
    // The token is in sessionStorage only: not in the URL, not in the document.
    BOOST_TEST(f.eval_text(tab, "location.href") == f.page_url(f.s1));
    BOOST_TEST(!f.eval(tab, "document.documentElement.outerHTML.includes(" + js(token) + ")").as_bool());

    // Live: traffic from alpha shows as rates and a growing sent count.
    load_client alpha{f.io, {f.s1.smpp_port}, "alpha", "alpha1", "page"};
    alpha.start();
    BOOST_TEST(f.await_js(tab, "parseFloat(document.querySelector('#rate-accepted').textContent) > 0", 15s),
               "accepted rate stays " << f.text_of(tab, "#rate-accepted"));
    BOOST_TEST(f.await_js(tab, "parseFloat(document.querySelector('#links tr[data-key=\"sim\"] td:nth-child(6)')"
                               ".textContent) > 0", 15s));
    const auto sent_before = std::stoul(f.text_of(tab, "#links tr[data-key=\"sim\"] td:nth-child(5)"));
    BOOST_TEST(f.await_js(tab, "parseInt(document.querySelector('#links tr[data-key=\"sim\"] td:nth-child(5)')"
                               ".textContent) > " + std::to_string(sent_before)));
    f.shot(tab, "site1-normal-under-load");
    alpha.stop();
    f.require([&] { return alpha.done; }, "alpha stopped");

    // A reload keeps the session (sessionStorage): no token prompt again.
    f.navigate(tab, f.page_url(f.s1));
    f.await_text(tab, "#self-mode", "normal");
    BOOST_TEST(!f.eval(tab, "document.querySelector('#login').checkVisibility()").as_bool());
    // Forgetting it shows the prompt and clears the storage.
    f.click(tab, "#logout");
    f.await_visible(tab, "#login");
    BOOST_TEST(f.eval(tab, token_key).is_null());
}

BOOST_AUTO_TEST_CASE(page_shows_takeover_and_its_buttons_work) {
    page_fixture f;
    make_failback_manual(f);
    f.start_pair();
    const auto tab2 = f.open(f.page_url(f.s2, "/status"));
    f.login(tab2, token);
    f.await_text(tab2, "#self-mode", "normal");
    f.await_text(tab2, "#peer-verdict", "alive");

    // A profile button: bravo passive, then active again, in the page and the API.
    f.await_text(tab2, page_fixture::profile_state("bravo"), "active");
    f.command(tab2, page_fixture::profile_button("bravo"));
    f.await_text(tab2, page_fixture::profile_state("bravo"), "passive");
    BOOST_TEST(f.eval_text(tab2, "document.querySelector('#action-result').dataset.ok") == "true");
    BOOST_TEST(f.status_state(f.s2, "bravo") == "passive");
    f.await_text(tab2, page_fixture::profile_button("bravo"), "Activate");
    f.command(tab2, page_fixture::profile_button("bravo"));
    f.await_text(tab2, page_fixture::profile_state("bravo"), "active");
    BOOST_TEST(f.status_state(f.s2, "bravo") == "active");

    // Cancelling the confirmation sends nothing.
    f.click(tab2, "#btn-takeover");
    f.await_visible(tab2, "#confirm-cancel");
    f.click(tab2, "#confirm-cancel");
    f.await_visible(tab2, "#confirm", false);
    BOOST_TEST(f.text_of(tab2, "#action-result").find("takeover") == std::string::npos);
    BOOST_TEST(f.at(f.status(f.s2), "node", "mode") == "normal");

    // kill -9 site1: site2's page shows the takeover.
    f.kill9(f.s1);
    f.await_text(tab2, "#peer-verdict", "dead", 15s);
    f.await_text(tab2, "#self-mode", "took_over");
    f.await_text(tab2, "#peer-mode-note", "last reported");
    f.await_text(tab2, page_fixture::profile_state("alpha"), "active");
    f.await_text(tab2, "#count-takeovers", "1");
    f.await_text(tab2, "#peer-link", "down");
    f.shot(tab2, "site2-took-over");

    // A refused command shows the node's reason.
    f.command(tab2, "#btn-switchover");
    BOOST_TEST(f.await_js(tab2, "document.querySelector('#action-result').dataset.ok === 'false'"));
    BOOST_TEST(f.text_of(tab2, "#action-result").find("HTTP 409") != std::string::npos, f.text_of(tab2, "#action-result"));

    // site1 returns fenced (manual failback: it stays so); its own page says so.
    f.start(f.s1);
    const auto tab1 = f.open(f.page_url(f.s1));
    f.login(tab1, token);
    f.await_text(tab1, "#self-mode", "fenced", 15s);
    f.await_text(tab2, "#peer-verdict", "alive", 15s);
    f.await_text(tab2, "#peer-mode", "fenced");
    f.shot(tab2, "site2-peer-fenced");
    BOOST_TEST(f.at(f.status(f.s2), "node", "mode") == "took_over");

    // The failback button on site2 hands back: both normal, in the pages and the API.
    f.command(tab2, "#btn-failback");
    f.await_text(tab2, "#self-mode", "normal", 20s);
    f.await_text(tab1, "#self-mode", "normal", 20s);
    f.await_text(tab2, "#count-failbacks", "1");
    f.await_text(tab2, page_fixture::profile_state("alpha"), "passive");
    BOOST_TEST(f.at(f.status(f.s1), "node", "mode") == "normal");
    BOOST_TEST(f.at(f.status(f.s2), "node", "mode") == "normal");
}
