#pragma once
// The node's answers to the admin API (src/http/admin_api.hpp): the status
// document twinsmsctl renders, and the cluster and profile commands.
#include <functional>
#include <optional>
#include <string>

#include "app/node.hpp"
#include "http/admin_api.hpp"

namespace twinsms::app {

// The `settings` object of the status document (settings_status.cpp).
boost::json::object settings_status(const settings::profile_replicator& r);

class node_admin final : public http::admin_backend {
public:
    // `reload` re-reads the profile folder and applies it; it returns an
    // error text, empty on success (main owns the folder path).
    using reload_fn = std::function<std::string()>;
    node_admin(node& n, reload_fn reload) : node_{n}, reload_{std::move(reload)} {}

    boost::json::object status() override;
    http::admin_reply command(std::string_view verb, std::string_view profile) override;
    std::optional<std::string> admin_account(std::string_view token, const boost::asio::ip::address& remote) override;
    guard::credential_guard* login_guard() override { return &node_.login_guard(); }

private:
    node& node_;
    reload_fn reload_;
};

} // namespace twinsms::app
