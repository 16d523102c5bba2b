#include "load_run.hpp"

#include <chrono>
#include <csignal>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "pacer.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::load {
namespace {

namespace asio = boost::asio;
using namespace twinsms::smpp;
using clock_type = std::chrono::steady_clock;
constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

std::uint32_t micros(clock_type::duration d) {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}
double seconds(clock_type::duration d) { return std::chrono::duration<double>(d).count(); }

// The message id a receipt names: the receipted_message_id TLV, else the
// "id:" field of the SMPP 3.4 appendix B text.
std::string receipt_id(const deliver_sm& d) {
    if (auto id = receipted_message_id(d.tlvs)) return std::string{*id};
    const std::string_view t = d.short_message;
    const auto at = t.find("id:");
    if (at == std::string_view::npos) return {};
    const auto end = t.find(' ', at);
    return std::string{t.substr(at + 3, end == std::string_view::npos ? end : end - at - 3)};
}

class load_run final : public session_handler {
public:
    explicit load_run(const load_options& o)
        : o_{o}, pacer_{o.rate, [] { return clock_type::now(); }}, signals_{io_, SIGINT, SIGTERM},
          wants_receipts_{o.bind == bind_kind::transceiver && ((o.registered_delivery & 0x03) == 1 ||
                                                               (o.registered_delivery & 0x03) == 3)} {}

    load_result run() {
        signals_.async_wait([this](const error_code& ec, int) {
            if (!ec) r_.interrupted = stopping_ = true;
        });
        asio::co_spawn(io_, main_flow(), [this](std::exception_ptr) { signals_.cancel(); });
        io_.run();
        r_.response_latency.finish();
        r_.receipt_latency.finish();
        return std::move(r_);
    }

    void on_request(session& s, const pdu& req) override {
        if (const auto* d = req.as<deliver_sm>()) {
            if (d->esm_class & 0x04) on_receipt(*d);
            else ++r_.mo;
        }
        s.respond_status(req, status::ok);
    }

private:
    asio::awaitable<void> main_flow() {
        co_await bind_all();
        if (sessions_.empty()) co_return;
        start_ = clock_type::now();
        stop_at_ = o_.count > 0 ? clock_type::time_point::max()
                                : start_ + std::chrono::duration_cast<clock_type::duration>(
                                               std::chrono::duration<double>(o_.duration_s));
        asio::steady_timer done{io_, clock_type::time_point::max()};
        unsigned active = 0;
        for (auto& s : sessions_) {
            ++active;
            asio::co_spawn(io_, send_loop(s), [&](std::exception_ptr) {
                --active;
                done.cancel(); // a condition signal: only cancel() completes the wait
            });
        }
        while (active > 0) co_await done.async_wait(tuple);
        r_.send_seconds = seconds(last_send_ - start_);

        // Outstanding responses, bounded by the sessions' response timeout.
        co_await wait_until([&] { return all_answered(); }, std::chrono::seconds(15));
        // Receipts still due.
        if (wants_receipts_) {
            co_await wait_until([&] { return stopping_ || r_.receipts >= r_.receipts_due || all_closed(); },
                                std::chrono::duration_cast<clock_type::duration>(
                                    std::chrono::duration<double>(o_.receipt_wait_s)));
        }
        for (auto& s : sessions_)
            if (!s->closed()) co_await s->unbind();
    }

    asio::awaitable<void> bind_all() {
        asio::ip::tcp::resolver resolver{io_};
        auto [rec, eps] = co_await resolver.async_resolve(o_.host, o_.port, tuple);
        const auto connect_until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                            std::chrono::duration<double>(o_.connect_wait_s));
        for (unsigned i = 0; i < o_.binds; ++i) {
            auto fail = [&](std::string why) {
                ++r_.binds_failed;
                if (r_.bind_error.empty()) r_.bind_error = std::move(why);
            };
            if (rec) {
                fail("resolve " + o_.host + ": " + rec.message());
                continue;
            }
            asio::ip::tcp::socket sock{io_};
            auto [cec, ep] = co_await asio::async_connect(sock, eps, tuple);
            // A server still starting refuses at once: try again shortly,
            // within --connect-wait (run-queue times a restart this way).
            for (asio::steady_timer retry{io_}; cec && clock_type::now() < connect_until;) {
                retry.expires_after(std::chrono::milliseconds(10));
                co_await retry.async_wait(tuple);
                sock = asio::ip::tcp::socket{io_};
                std::tie(cec, ep) = co_await asio::async_connect(sock, eps, tuple);
            }
            if (cec) {
                fail("connect " + o_.host + ":" + o_.port + ": " + cec.message());
                continue;
            }
            session_config cfg;
            cfg.name = "load#" + std::to_string(i);
            cfg.window = o_.window;
            cfg.response_timeout = std::chrono::seconds(10);
            cfg.max_incoming_pending = 100'000; // receipts may all come on one bind
            auto s = session::create(std::move(sock), role::esme, cfg);
            s->set_handler(this);
            s->start();
            const auto type = o_.bind == bind_kind::transceiver ? bind_type::transceiver : bind_type::transmitter;
            auto b = co_await s->bind(type, {o_.system_id, o_.password, "", 0x34, 0, 0, ""});
            if (b.ec || b.status != status::ok) {
                fail("bind " + std::to_string(i) + ": " + (b.ec ? b.ec.message() : status_name(b.status)));
                s->close();
                continue;
            }
            ++r_.binds_ok;
            sessions_.push_back(std::move(s));
        }
    }

    bool more_to_send() const {
        if (stopping_) return false;
        if (o_.count > 0) return r_.sent < o_.count;
        return clock_type::now() < stop_at_;
    }

    asio::awaitable<void> send_loop(std::shared_ptr<session> s) {
        pdu p{status::ok, 0, submit_sm{}};
        auto& sm = *p.as<submit_sm>();
        sm.source_addr_ton = 5;
        sm.source_addr = o_.from;
        sm.dest_addr_ton = 1;
        sm.dest_addr_npi = 1;
        sm.destination_addr = o_.to;
        sm.registered_delivery = o_.registered_delivery;
        sm.short_message = o_.text;
        asio::steady_timer pause{io_};
        while (more_to_send() && !s->closed()) {
            if (s->window_full()) {
                co_await s->wait_for_window();
                continue; // the run may have ended meanwhile
            }
            if (const auto w = pacer_.next(); w > clock_type::duration::zero()) {
                pause.expires_after(std::min<clock_type::duration>(w, stop_at_ - clock_type::now()));
                co_await pause.async_wait(tuple);
                continue;
            }
            ++r_.sent;
            const auto t0 = last_send_ = clock_type::now();
            s->send_request(p, [this, t0](const error_code& ec, const pdu* resp) { on_response(t0, ec, resp); });
        }
    }

    void on_response(clock_type::time_point t0, const error_code& ec, const pdu* resp) {
        const auto t1 = clock_type::now();
        r_.response_seconds = seconds(t1 - start_);
        if (ec) {
            ++r_.transport_errors[ec.message()];
            return;
        }
        r_.response_latency.add(micros(t1 - t0));
        if (resp->status != status::ok) {
            ++r_.refused[resp->status];
            return;
        }
        ++r_.ok;
        if (!wants_receipts_) return;
        ++r_.receipts_due;
        const auto* b = resp->as<submit_sm_resp>();
        if (!b || b->message_id.empty()) return;
        std::string id{b->message_id};
        // A receipt on another bind may overtake this response.
        if (auto e = early_.find(id); e != early_.end()) {
            r_.receipt_latency.add(micros(e->second - t0));
            ++r_.receipts_matched;
            early_.erase(e);
        } else {
            submitted_.emplace(std::move(id), t0);
        }
    }

    void on_receipt(const deliver_sm& d) {
        const auto now = clock_type::now();
        ++r_.receipts;
        r_.receipt_seconds = seconds(now - start_);
        std::string id = receipt_id(d);
        if (auto it = submitted_.find(id); it != submitted_.end()) {
            r_.receipt_latency.add(micros(now - it->second));
            ++r_.receipts_matched;
            submitted_.erase(it);
        } else if (!id.empty()) {
            early_.emplace(std::move(id), now);
        }
    }

    bool all_answered() const {
        for (const auto& s : sessions_)
            if (!s->closed() && (s->in_flight() > 0 || s->backlog() > 0)) return false;
        return true;
    }
    bool all_closed() const {
        for (const auto& s : sessions_)
            if (!s->closed()) return false;
        return true;
    }

    // Polls `done` every 10 ms for at most `limit` (end-of-run waits only).
    template <class Pred> asio::awaitable<void> wait_until(Pred done, clock_type::duration limit) {
        const auto until = clock_type::now() + limit;
        asio::steady_timer t{io_};
        while (!done() && clock_type::now() < until) {
            t.expires_after(std::chrono::milliseconds(10));
            co_await t.async_wait(tuple);
        }
    }

    const load_options& o_;
    asio::io_context io_{1};
    pacer pacer_;
    asio::signal_set signals_;
    const bool wants_receipts_;
    std::vector<std::shared_ptr<session>> sessions_;
    std::unordered_map<std::string, clock_type::time_point> submitted_, early_; // message id -> when
    clock_type::time_point start_{}, stop_at_{}, last_send_{};
    bool stopping_ = false;
    load_result r_;
};

} // namespace

load_result run_load(const load_options& o) { return load_run{o}.run(); }

} // namespace twinsms::load
