#pragma once
// Deliveries (receipts and MO) queued here for a client that the other
// node of the pair serves now: a failback, a takeover, a switchover or an
// operator's activate/deactivate moved the client while its deliveries
// were on their way. They go over the peer link (peer_forward with the
// handoff TLVs, cluster/peer_report.hpp); the other node stores each for
// the client and answers only once it is committed, and only then does
// the delivery manager erase it here. A node that does not serve the
// client either refuses it, and it stays here to be tried again: a
// delivery never bounces between the nodes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "engine/deliveries.hpp"

namespace twinsms::pair {

class peer_handoff final : public engine::delivery_sink {
public:
    using response_fn = std::function<void(const smpp::error_code&, const smpp::pdu*)>;
    // Sends a request to the peer on the bound peer link; false when there is none.
    using send_fn = std::function<bool(const smpp::pdu&, response_fn)>;

    peer_handoff(boost::asio::any_io_executor ex, send_fn send, std::size_t max_in_flight = 64,
                 std::chrono::milliseconds retry = std::chrono::milliseconds{1'000});

    bool accepts(const store::delivery&) const override { return true; }
    bool has_room() const override { return *in_flight_ < max_in_flight_; }
    void deliver(const store::delivery& d, done_fn done) override;
    // The peer refuses while it does not serve the client either (in the
    // middle of a hand-back): a short pause, since it is about to.
    std::chrono::milliseconds retry_delay(unsigned) const override { return retry_; }

private:
    boost::asio::any_io_executor executor_;
    send_fn send_;
    std::size_t max_in_flight_;
    std::chrono::milliseconds retry_;
    // Shared with the response handlers, which may outlive the sink.
    std::shared_ptr<std::size_t> in_flight_ = std::make_shared<std::size_t>(0);
};

} // namespace twinsms::pair
