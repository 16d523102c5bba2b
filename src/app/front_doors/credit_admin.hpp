#pragma once
// The node's answers to the credit endpoints (http/credit_api.hpp): a
// client profile's balance in the node's credit book and store.
#include <boost/asio/any_io_executor.hpp>

#include "app/node.hpp"
#include "http/credit_api.hpp"

namespace twinsms::app {

class node_credit final : public http::credit_backend {
public:
    node_credit(node& n, boost::asio::any_io_executor ex) : node_{n}, executor_{std::move(ex)} {}

    std::variant<http::credit_state, http::admin_reply> credit(std::string_view client) override;
    void change_credit(std::string_view client, bool set, std::int64_t amount,
                       std::function<void(std::variant<http::credit_state, http::admin_reply>)> done) override;

private:
    node& node_;
    boost::asio::any_io_executor executor_;
};

} // namespace twinsms::app
