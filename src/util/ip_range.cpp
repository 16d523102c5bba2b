#include <charconv>

#include "util/ip_range.hpp"

namespace twinsms {
namespace {

// Compares the first `prefix` bits of two byte arrays of equal size.
template <class Bytes> bool prefix_equal(const Bytes& a, const Bytes& b, unsigned prefix) noexcept {
    for (std::size_t i = 0; i < a.size() && prefix > 0; ++i) {
        const unsigned bits = prefix >= 8 ? 8 : prefix;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        prefix -= bits;
    }
    return true;
}

} // namespace

std::optional<ip_range> ip_range::parse(std::string_view text, std::string* error) {
    auto fail = [&](const char* why) -> std::optional<ip_range> {
        if (error) *error = std::string{why} + ": '" + std::string{text} + "'";
        return std::nullopt;
    };
    const auto slash = text.find('/');
    boost::system::error_code ec;
    ip_range r;
    r.base_ = boost::asio::ip::make_address(std::string{text.substr(0, slash)}, ec);
    if (ec) return fail("not an IP address");
    const unsigned max = r.base_.is_v4() ? 32 : 128;
    r.prefix_ = max;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        auto [p, e] = std::from_chars(digits.data(), digits.data() + digits.size(), r.prefix_);
        if (e != std::errc{} || p != digits.data() + digits.size() || r.prefix_ > max)
            return fail("prefix length must be a number up to 32 (IPv4) or 128 (IPv6)");
    }
    return r;
}

bool ip_range::contains(const boost::asio::ip::address& a) const noexcept {
    auto addr = a;
    // IPv4 clients on a dual-stack socket arrive as ::ffff:a.b.c.d.
    if (addr.is_v6() && addr.to_v6().is_v4_mapped() && base_.is_v4())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4() != base_.is_v4()) return false;
    if (addr.is_v4()) return prefix_equal(addr.to_v4().to_bytes(), base_.to_v4().to_bytes(), prefix_);
    return prefix_equal(addr.to_v6().to_bytes(), base_.to_v6().to_bytes(), prefix_);
}

std::string ip_range::to_string() const { return base_.to_string() + "/" + std::to_string(prefix_); }

} // namespace twinsms
