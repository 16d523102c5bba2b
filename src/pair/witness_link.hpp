#pragma once
// The node's side of the witness: runs src/cluster's witness_lease (pure:
// when to grant, renew, acquire, give up) over the etcd client
// (src/witness). cluster_member calls step() every tick and whenever an
// answer arrived; it binds the guarded carriers only while holding().
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "cluster/witness_lease.hpp"
#include "witness/etcd_client.hpp"

namespace twinsms::pair {

class witness_link {
public:
    witness_link(boost::asio::any_io_executor ex, const config::witness_settings& s, std::string node_id,
                 std::function<void()> on_answer);
    ~witness_link();

    // Whether the node wants the key now; sends what the lease needs next.
    void step(bool want, cluster::clock::time_point now);
    bool holding(cluster::clock::time_point now) const noexcept { return lease_.holding(now); }
    const cluster::witness_lease& lease() const noexcept { return lease_; }
    std::vector<cluster::witness_event> take_events() { return lease_.take_events(); }
    const std::string& endpoint() const noexcept { return endpoint_; } // the last to answer
    const config::witness_settings& settings() const noexcept { return client_.settings(); }
    void stop() { client_.stop(); }

private:
    void answered(cluster::witness_request r, const witness::answer& a);

    std::string node_id_;
    std::function<void()> on_answer_;
    cluster::witness_lease lease_;
    witness::etcd_client client_;
    std::string endpoint_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace twinsms::pair
