#pragma once
// The status page for operators: one public HTML page (GET / and /status)
// with its stylesheet and script (GET /page/status.css, /page/status.js),
// all compiled into the binary from src/http/page/ (embed.cmake), so nothing
// is fetched from anywhere else. The page holds no node data: its script
// asks for the admin token and reads GET /api/v1/status with it, and posts
// the admin commands (switchover, takeover, failback, profile activate /
// deactivate) the same way.
#include <string_view>

#include "http/server.hpp"

namespace twinsms::http {

namespace page_asset { // generated: status_page_assets.cpp
extern const std::string_view index_html, status_css, status_js;
}

// Adds the page's four routes to `r`.
void add_status_page(router& r);

} // namespace twinsms::http
