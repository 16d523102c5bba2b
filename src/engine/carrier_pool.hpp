#pragma once
// The node's carrier links: one carrier_client per bind of every active
// carrier profile. Picks the least loaded bound link of a carrier for each
// submission, and passes what carriers send (receipts, MO) and link changes
// on to the application.
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "config/profiles.hpp"
#include "smpp/carrier/carrier_client.hpp"

namespace twinsms::engine {

class carrier_pool final : public smpp::carrier_handler {
public:
    using deliver_fn = std::function<void(const std::string& carrier, const smpp::pdu&, smpp::responder)>;
    using change_fn = std::function<void()>;

    carrier_pool(boost::asio::any_io_executor ex, deliver_fn on_deliver, change_fn on_change);
    ~carrier_pool() override;

    // Starts the links of active profiles, stops links of profiles that are
    // gone or passive, restarts links whose settings changed. Links whose
    // profile did not change keep running (reload must not drop them).
    void apply(const std::vector<config::carrier_profile>& profiles);
    boost::asio::awaitable<void> stop();

    // A carrier with at least one bound link that can take more work now.
    bool up(std::string_view carrier) const;
    // Room for one more, counting `pending` messages the caller is about to
    // hand to this carrier (their in-flight marks are still being written).
    bool has_room(std::string_view carrier, std::size_t pending = 0) const;
    // Hands `req` to the least loaded bound link of `carrier`; false (and
    // `done` not called) when it has none.
    bool submit(std::string_view carrier, smpp::owned_pdu req, smpp::carrier_client::done_fn done);

    // A carrier that stays bound but takes no routed traffic (the cluster's
    // peer link while this node sends directly): up() and has_room() say no.
    void set_routable(std::string_view carrier, bool routable);
    // Asked by each link of `carrier` before it binds or sends
    // (carrier_client::set_fence); links started before are fenced too.
    using fence_fn = std::function<bool(std::string_view carrier)>;
    void set_fence(fence_fn f);
    // A bound link of `carrier`, routable or not (peer-link control PDUs).
    smpp::carrier_client* bound_link(std::string_view carrier) const;
    // Links of stopped profiles still unbinding (their queues coming back).
    bool retiring() const noexcept { return !retiring_.empty(); }

    struct link_view {
        std::string carrier;
        bool bound;
        std::size_t queued, in_flight;
        smpp::carrier_client::counters stats;
        std::size_t window = 0; // of the bound session, 0 while not bound
        metrics::histogram_snapshot latency; // submit_sm to its response, microseconds
        std::size_t incoming_pending = 0, incoming_high_water = 0; // deliver_sm unanswered now, and the most at once
    };
    std::vector<link_view> links() const;

private:
    struct carrier_links {
        config::carrier_profile profile;
        std::vector<std::shared_ptr<smpp::carrier_client>> links;
        std::size_t capacity = 0; // queued + in flight allowed per link
    };

    void on_deliver(smpp::carrier_client& c, const smpp::pdu& req, smpp::responder r) override;
    void on_link_up(smpp::carrier_client&) override;
    void on_link_down(smpp::carrier_client&, const smpp::error_code&) override;
    smpp::carrier_client* best_link(std::string_view carrier) const;
    void retire(carrier_links&& c);

    boost::asio::any_io_executor executor_;
    deliver_fn on_deliver_;
    change_fn on_change_;
    std::shared_ptr<const fence_fn> fence_;
    std::map<std::string, carrier_links, std::less<>> carriers_;
    std::vector<std::shared_ptr<smpp::carrier_client>> retiring_;
    std::set<std::string, std::less<>> unroutable_;
};

} // namespace twinsms::engine
