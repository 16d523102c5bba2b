#include "config/webhook.hpp"

namespace twinsms::config {
namespace {
bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c != prefix[i]) return false;
    }
    return true;
}
} // namespace

webhook_settings read_webhook(const reader& r) {
    webhook_settings w;
    const auto u = r.at("url");
    w.url = u.non_empty_str();
    // libcurl would also speak ftp://, file://, ...: only HTTP is a webhook.
    std::string_view rest = w.url;
    if (starts_with_ci(rest, "http://")) rest.remove_prefix(7);
    else if (starts_with_ci(rest, "https://")) rest.remove_prefix(8);
    else u.fail("a webhook URL starts with http:// or https://");
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') u.fail("the webhook URL has no host");
    for (unsigned char c : w.url)
        if (c <= 0x20 || c >= 0x7F) u.fail("the webhook URL has a space or a non-ASCII character (percent-encode it)");
    const auto s = r.at("secret");
    w.secret = s.secret();
    if (w.secret.size() < 16) s.fail("a secret of at least 16 characters is required (it signs every POST)");
    w.timeout = r.duration_or("timeout", w.timeout);
    if (w.timeout.count() <= 0) r.at("timeout").fail("expected a positive duration");
    if (auto rt = r.find("retry")) {
        w.retry_initial = rt->duration_or("initial", w.retry_initial);
        w.retry_max = rt->duration_or("max", w.retry_max);
        if (w.retry_initial.count() <= 0) rt->at("initial").fail("expected a positive duration");
        if (w.retry_max < w.retry_initial) rt->fail("retry.max is shorter than retry.initial");
        rt->finish();
    }
    w.max_in_flight = static_cast<unsigned>(r.int_or("max_in_flight", w.max_in_flight, 1, 1'000));
    w.receipts = r.bool_or("receipts", w.receipts);
    w.mo = r.bool_or("mo", w.mo);
    if (!w.receipts && !w.mo) r.fail("a webhook for neither receipts nor MO: remove it instead");
    if (auto ca = r.find("ca_file")) w.ca_file = ca->non_empty_str();
    w.verify_peer = r.bool_or("verify_peer", w.verify_peer);
    r.finish();
    return w;
}

} // namespace twinsms::config
