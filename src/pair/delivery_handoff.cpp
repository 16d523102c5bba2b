#include "pair/delivery_handoff.hpp"

#include <boost/asio/post.hpp>

#include "cluster/peer_report.hpp"

namespace twinsms::pair {

peer_handoff::peer_handoff(boost::asio::any_io_executor ex, send_fn send, std::size_t max_in_flight,
                           std::chrono::milliseconds retry)
    : executor_{std::move(ex)}, send_{std::move(send)}, max_in_flight_{max_in_flight}, retry_{retry} {}

void peer_handoff::deliver(const store::delivery& d, done_fn done) {
    const cluster::handed_delivery h{d.account, d.message.value, d.created_at, d.expires_at,
                                     std::string{d.pdu.begin(), d.pdu.end()}};
    std::string scratch;
    const smpp::pdu req{smpp::status::ok, 0, smpp::peer_forward{cluster::encode(h, scratch)}};
    ++*in_flight_;
    auto answer = [in_flight = in_flight_, done](const smpp::error_code& ec, const smpp::pdu* resp) {
        --*in_flight;
        if (!ec && resp && resp->status == smpp::status::ok) return done(result::handed_over, {});
        done(result::retry, "peer: " + (ec ? ec.message() : std::string{smpp::status_name(resp ? resp->status : smpp::status::syserr)}));
    };
    if (send_(req, answer)) return; // the PDU is encoded by now: `h` and `scratch` may go
    // The link went away between the manager's choice and now; `done`
    // must come later, as the sink contract says.
    boost::asio::post(executor_, [in_flight = in_flight_, done] {
        --*in_flight;
        done(result::retry, "peer link not bound");
    });
}

} // namespace twinsms::pair
