#pragma once
// The node's answers to the opt-out endpoints (http/opt_out_api.hpp): a
// client profile's list read from and written to the node's store.
#include <boost/asio/any_io_executor.hpp>

#include "app/node.hpp"
#include "http/opt_out_api.hpp"

namespace twinsms::app {

class node_opt_outs final : public http::opt_out_backend {
public:
    // `ex` is the node's executor: store commits report there.
    node_opt_outs(node& n, boost::asio::any_io_executor ex) : node_{n}, executor_{std::move(ex)} {}

    std::optional<std::vector<http::opt_out_item>> opt_outs(std::string_view client, std::string_view after,
                                                            std::size_t max) override;
    void change_opt_outs(std::string_view client, std::vector<std::string> add, std::vector<std::string> remove,
                         std::function<void(http::admin_reply)> done) override;

private:
    // The list's form of a number the operator wrote as the client writes.
    std::string number_of(const std::string& system_id, std::string_view written) const;

    node& node_;
    boost::asio::any_io_executor executor_;
};

} // namespace twinsms::app
