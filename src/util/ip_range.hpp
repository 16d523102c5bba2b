#pragma once
// CIDR ranges for allowed client source addresses ("10.1.0.0/16", "::1/128",
// or a bare address meaning a single host).
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace twinsms {

class ip_range {
public:
    using address = boost::asio::ip::address;
    // nullopt (and `error` filled) when the text is not an address or CIDR.
    static std::optional<ip_range> parse(std::string_view text, std::string* error = nullptr);

    bool contains(const boost::asio::ip::address& a) const noexcept;
    std::string to_string() const;

private:
    boost::asio::ip::address base_;
    unsigned prefix_ = 0;
};

} // namespace twinsms
