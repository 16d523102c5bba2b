// The page's routes: static, public, with headers that keep it from being
// framed (the buttons must not be clickjacked) or from loading anything but
// its own script and stylesheet and talking to anything but this node.
#include "http/status_page.hpp"

#include <string>

namespace twinsms::http {
namespace {

response asset(std::string_view content_type, std::string_view body) {
    response r;
    r.content_type = std::string{content_type};
    r.body = std::string{body};
    r.headers = {
        {"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        // A new binary may bring a new page: ask again each load (it is small).
        {"Cache-Control", "no-cache"},
    };
    return r;
}

} // namespace

void add_status_page(router& r) {
    const auto page = [](const request&, const path_params&) {
        return asset("text/html; charset=utf-8", page_asset::index_html);
    };
    r.add("GET", "/", page);
    r.add("GET", "/status", page);
    r.add("GET", "/page/status.css", [](const request&, const path_params&) {
        return asset("text/css; charset=utf-8", page_asset::status_css);
    });
    r.add("GET", "/page/status.js", [](const request&, const path_params&) {
        return asset("text/javascript; charset=utf-8", page_asset::status_js);
    });
}

} // namespace twinsms::http
