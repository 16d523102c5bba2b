// The status page's routes (no server: the router directly): public pages
// with their content types and the headers that keep them from framing and
// from loading anything but themselves; the assets reference only each
// other and this node's API (nothing external), and nothing of a node or a
// token is baked in.
#define BOOST_TEST_MODULE http_status_page
#include <boost/test/unit_test.hpp>

#include <string>

#include "http/status_page.hpp"

using namespace twinsms;

namespace {

http::response get(const std::string& path) {
    http::router r;
    http::add_status_page(r);
    http::request req;
    req.method = "GET";
    req.target = req.path = path;
    return r.dispatch(req);
}

std::string header(const http::response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(page_and_assets_are_served_without_a_token) {
    for (const auto* path : {"/", "/status"}) {
        const auto r = get(path);
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(r.content_type == "text/html; charset=utf-8");
        BOOST_TEST(r.body == std::string{http::page_asset::index_html});
    }
    BOOST_TEST(get("/page/status.js").content_type == "text/javascript; charset=utf-8");
    BOOST_TEST(get("/page/status.js").body == std::string{http::page_asset::status_js});
    BOOST_TEST(get("/page/status.css").content_type == "text/css; charset=utf-8");
    BOOST_TEST(get("/page/status.css").body == std::string{http::page_asset::status_css});
    BOOST_TEST(get("/page/other.js").status == 404u);
    BOOST_TEST(get("/status/").status == 404u);
}

BOOST_AUTO_TEST_CASE(headers_forbid_framing_and_foreign_content) {
    for (const auto* path : {"/", "/page/status.js", "/page/status.css"}) {
        const auto r = get(path);
        const auto csp = header(r, "Content-Security-Policy");
        BOOST_TEST(csp.find("default-src 'none'") != std::string::npos);
        BOOST_TEST(csp.find("script-src 'self'") != std::string::npos);
        BOOST_TEST(csp.find("connect-src 'self'") != std::string::npos);
        BOOST_TEST(csp.find("frame-ancestors 'none'") != std::string::npos);
        BOOST_TEST(csp.find("form-action 'none'") != std::string::npos); // a form never sends the token anywhere
        BOOST_TEST(header(r, "X-Frame-Options") == "DENY");
        BOOST_TEST(header(r, "X-Content-Type-Options") == "nosniff");
        BOOST_TEST(header(r, "Referrer-Policy") == "no-referrer");
    }
}

BOOST_AUTO_TEST_CASE(assets_reference_nothing_external) {
    const std::string html{http::page_asset::index_html}, js{http::page_asset::status_js},
        css{http::page_asset::status_css};
    // Absolute URLs would be a CDN or another host: none in any asset.
    for (const auto* text : {&html, &js, &css}) {
        BOOST_TEST(text->find("://") == std::string::npos);
        BOOST_TEST(text->find("@import") == std::string::npos);
    }
    BOOST_TEST(html.find("src=\"/page/status.js\"") != std::string::npos);
    BOOST_TEST(html.find("href=\"/page/status.css\"") != std::string::npos);
    // No inline script or style for the CSP to have to allow.
    BOOST_TEST(html.find("<script>") == std::string::npos);
    BOOST_TEST(html.find("style=") == std::string::npos);
    for (const auto* handler : {"onclick=", "onload=", "onsubmit=", "javascript:"})
        BOOST_TEST(html.find(handler) == std::string::npos, handler);
    // The data comes from the API with the token, as a header, never in a URL.
    BOOST_TEST(js.find("'/api/v1/status'") != std::string::npos);
    BOOST_TEST(js.find("Authorization: 'Bearer ' + token") != std::string::npos);
    BOOST_TEST(js.find("sessionStorage") != std::string::npos);
    BOOST_TEST(js.find("localStorage") == std::string::npos);
    BOOST_TEST(js.find("innerHTML") == std::string::npos); // names from profile files are shown as text
}
