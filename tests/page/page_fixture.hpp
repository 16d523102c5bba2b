#pragma once
// The status page under test: the real pair of tests/pair (two twinsmsd
// processes, the carrier simulator in this process) plus a headless Chromium
// driven over the DevTools protocol (chromium.hpp). A tab is a DevTools
// session; the helpers evaluate JavaScript in it, click like a mouse does
// (at the element's centre, so a hidden or covered button cannot be
// clicked) and wait for DOM conditions inside the page with a deadline,
// while the fixture keeps pumping its io_context and the daemons' logs.
#include "page/chromium.hpp"
#include "pair/pair_fixture.hpp"

namespace twinsms::test {

// A JS string literal for `s` (JSON strings are JS strings).
inline std::string js(std::string_view s) { return json::serialize(json::string{s}); }

struct page_fixture : pair_fixture {
    chromium browser{scratch.path / "chromium"};

    explicit page_fixture(pair_options o = {}) : pair_fixture{std::move(o)} {}

    // One DevTools command, answered within `limit`; its result object.
    json::object call(std::string_view method, json::object params = {}, std::string_view session = {}, ms limit = 10s) {
        const int id = browser.send(method, std::move(params), session);
        std::optional<json::object> r;
        wait([&] { return !browser.poll() || (r = browser.take(id)).has_value(); }, limit);
        BOOST_REQUIRE_MESSAGE(r, "no DevTools answer to " << method << (browser.alive() ? "" : " (chromium exited)")
                                                          << "\nchromium log: " << browser.log_tail());
        if (const auto* e = r->if_contains("error")) BOOST_FAIL("DevTools " << method << ": " << json::serialize(*e));
        return r->at("result").as_object();
    }

    // A new tab showing `url`; returns its session id.
    std::string open(const std::string& url) {
        const auto target = call("Target.createTarget", {{"url", "about:blank"}});
        const auto attached = call("Target.attachToTarget", {{"targetId", target.at("targetId")}, {"flatten", true}});
        std::string tab{attached.at("sessionId").as_string()};
        navigate(tab, url);
        return tab;
    }
    // Page.navigate answers once the new document is committed, so what is
    // evaluated next runs in it (not in the one being replaced).
    void navigate(const std::string& tab, const std::string& url) {
        const auto r = call("Page.navigate", {{"url", url}}, tab);
        if (const auto* e = r.if_contains("errorText")) BOOST_FAIL("cannot load " << url << ": " << json::serialize(*e));
        BOOST_REQUIRE(await_js(tab, "document.readyState === 'complete'"));
    }
    std::string page_url(const site& s, const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(s.admin_port) + path;
    }

    // The value of JavaScript `expr` in the tab (awaited if it is a promise).
    json::value eval(const std::string& tab, const std::string& expr, ms limit = 10s) {
        auto r = call("Runtime.evaluate", {{"expression", expr}, {"returnByValue", true}, {"awaitPromise", true}}, tab,
                      limit);
        if (const auto* ex = r.if_contains("exceptionDetails"))
            BOOST_FAIL("page script failed: " << json::serialize(*ex) << "\nin: " << expr);
        const auto& res = r.at("result").as_object();
        const auto* v = res.if_contains("value");
        return v ? *v : json::value{};
    }
    std::string eval_text(const std::string& tab, const std::string& expr) {
        const auto v = eval(tab, expr);
        return v.is_string() ? std::string{v.as_string()} : json::serialize(v);
    }

    // Waits in the page until JavaScript `cond` is truthy (checked every
    // 50 ms; exceptions count as false, e.g. an element not there yet).
    bool await_js(const std::string& tab, const std::string& cond, ms limit = 10s) {
        const auto expr = "(async () => { const end = Date.now() + " + std::to_string(limit.count()) +
                          "; for (;;) { let v = false; try { v = (" + cond +
                          "); } catch (e) {} if (v) return true; if (Date.now() > end) return false;"
                          " await new Promise((r) => setTimeout(r, 50)); } })()";
        const auto v = eval(tab, expr, limit + 10s);
        return v.is_bool() && v.as_bool();
    }
    // The element's text, or "(none)".
    std::string text_of(const std::string& tab, const std::string& selector) {
        return eval_text(tab, "(() => { const e = document.querySelector(" + js(selector) +
                                  "); return e ? e.textContent : '(none)'; })()");
    }
    // Waits until `selector`'s text is `want`; fails the test with what it was.
    void await_text(const std::string& tab, const std::string& selector, const std::string& want, ms limit = 10s) {
        const bool ok = await_js(tab, "document.querySelector(" + js(selector) + ").textContent === " + js(want), limit);
        BOOST_REQUIRE_MESSAGE(ok, "page: " << selector << " is '" << text_of(tab, selector) << "', not '" << want
                                           << "' after " << limit.count() << " ms\n  page text: " << page_text(tab));
    }
    void await_visible(const std::string& tab, const std::string& selector, bool visible = true, ms limit = 10s) {
        const bool ok = await_js(tab, std::string{visible ? "" : "!"} + "document.querySelector(" + js(selector) +
                                          ").checkVisibility()", limit);
        BOOST_REQUIRE_MESSAGE(ok, "page: " << selector << (visible ? " not shown" : " still shown") << "\n  page text: "
                                           << page_text(tab));
    }
    std::string page_text(const std::string& tab) { return eval_text(tab, "document.body.innerText"); }

    // A left click at the centre of `selector`, as a mouse would: it lands
    // on whatever is on top there, so it fails if the element is hidden or
    // covered (the confirmation dialog is modal).
    void click(const std::string& tab, const std::string& selector) {
        const auto p = eval(tab, "(() => { const e = document.querySelector(" + js(selector) +
                                     "); if (!e || !e.checkVisibility()) return null; e.scrollIntoView({block: 'center'});"
                                     " const r = e.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                                     " const top = document.elementFromPoint(x, y);"
                                     " return {x, y, hit: !!top && (top === e || e.contains(top))}; })()");
        BOOST_REQUIRE_MESSAGE(p.is_object(), "page: nothing visible to click at " << selector << "\n  page text: " << page_text(tab));
        BOOST_REQUIRE_MESSAGE(p.at("hit").as_bool(), "page: " << selector << " is covered by another element");
        for (const char* type : {"mousePressed", "mouseReleased"})
            call("Input.dispatchMouseEvent", {{"type", type}, {"x", p.at("x")}, {"y", p.at("y")}, {"button", "left"},
                                              {"clickCount", 1}}, tab);
    }
    // Types `text` into the input `selector` (focused first).
    void type(const std::string& tab, const std::string& selector, const std::string& text) {
        eval(tab, "document.querySelector(" + js(selector) + ").focus()");
        call("Input.insertText", {{"text", text}}, tab);
    }
    // The token form: type `token` and press Connect.
    void login(const std::string& tab, const std::string& token) {
        await_visible(tab, "#token");
        type(tab, "#token", token);
        click(tab, "#login-submit");
    }
    // Clicks `button`, then the confirmation dialog's Confirm.
    void command(const std::string& tab, const std::string& button) {
        click(tab, button);
        await_visible(tab, "#confirm-ok");
        click(tab, "#confirm-ok");
        await_visible(tab, "#confirm", false);
    }
    // A profile row's button (Activate / Deactivate).
    static std::string profile_button(const std::string& name) {
        return "#profiles tr[data-profile=\"" + name + "\"] button";
    }
    static std::string profile_state(const std::string& name) {
        return "#profiles tr[data-profile=\"" + name + "\"] td:nth-child(3)";
    }

    // With $TWINSMS_PAGE_SHOTS set: the tab as a PNG in that folder, to look
    // at the page as an operator sees it (not an assertion).
    void shot(const std::string& tab, const std::string& name) {
        const char* dir = std::getenv("TWINSMS_PAGE_SHOTS");
        if (!dir || !*dir) return;
        const auto r = call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}}, tab);
        std::ofstream{fs::path{dir} / (name + ".png"), std::ios::binary} << base64_decode(r.at("data").as_string());
    }
    static std::string base64_decode(std::string_view in) {
        std::string out;
        unsigned acc = 0;
        int bits = 0;
        for (char c : in) {
            const auto* p = std::strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c);
            if (!p || !c) continue; // '=' padding
            acc = (acc << 6) | static_cast<unsigned>(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
            if ((bits += 6) >= 8) out += static_cast<char>((acc >> (bits -= 8)) & 0xFF);
        }
        return out;
    }

    // The profile's runtime state in the node's status document.
    std::string status_state(site& s, std::string_view profile) {
        const auto st = status(s); // kept: a range-for would not extend a temporary's life
        for (const auto& p : st.at("profiles").as_array())
            if (p.as_object().at("name").as_string() == profile) return std::string{p.as_object().at("state").as_string()};
        return "(absent)";
    }

    // A raw GET, with or without the admin token: status line, headers and body.
    std::string raw_get(const site& s, const std::string& target, const std::string& token = "") {
        auto done = std::make_shared<std::optional<std::string>>();
        asio::co_spawn(io, [this, port = s.admin_port, target, token, done]() -> asio::awaitable<void> {
            constexpr auto t = asio::as_tuple(asio::use_awaitable);
            tcp::socket sock{io};
            auto [cec] = co_await sock.async_connect({asio::ip::make_address("127.0.0.1"), port}, t);
            std::string in;
            if (!cec) {
                const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                                        (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
                auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(req), t);
                auto [rec, rn] = co_await asio::async_read(sock, asio::dynamic_buffer(in), t);
                (void)wec, (void)wn, (void)rec, (void)rn;
            }
            *done = in;
        }, asio::detached);
        require([&] { return done->has_value(); }, "GET " + target);
        return **done;
    }
};

} // namespace twinsms::test
