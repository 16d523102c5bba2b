// The session's decisions fed arbitrary event sequences, on an injected
// clock: the bind state checks (check_incoming, may_send), the response
// each request gets (make_response), the window of our outstanding
// requests with its expiry, and the keepalive. The session class wires
// exactly these to its socket and timers (src/smpp/session); here they run
// as a model of one SMSC-side session (or ESME side, from the first byte),
// and the input is a list of events:
//   0 t      time passes (t x 10 ms)
//   1 n pdu  a PDU arrives (n bytes; decoded by our codec)
//   2 k      we send a request (k picks submit/deliver/enquire_link/unbind)
//   3 s      a response arrives for sequence s (from our sent ones, or not)
//   4        the timer fires: expiry and keepalive
// Properties: every request we send is handed back exactly once (answered,
// expired or drained at close); the window never holds more than its
// capacity and refuses past it; a request that arrives gets a response of
// its own command and sequence, or generic_nack; nothing is accepted before
// a bind or after an unbind but what SMPP 3.4 allows; the keepalive says
// dead only after `misses` intervals without a PDU, and probes at most once
// per interval.
#include <map>

#include "fuzz_support.hpp"
#include "smpp/codec/codec.hpp"
#include "smpp/session/bind_state.hpp"
#include "smpp/session/keepalive.hpp"
#include "smpp/session/responses.hpp"
#include "smpp/session/window.hpp"

using namespace twinsms;
using namespace twinsms::smpp;
using namespace std::chrono_literals;

namespace {

using clock = std::chrono::steady_clock;

struct model {
    role local;
    bind_state state = bind_state::open;
    clock::time_point now{std::chrono::hours{1}};
    window<std::uint32_t> win{8};
    keepalive ka;
    std::uint32_t next_seq = 1;
    std::size_t sent = 0, handed_back = 0;
    std::map<std::uint32_t, bool> outstanding; // seq -> pending (each exactly once)
    clock::time_point last_probe{};
    bool dead = false;

    explicit model(role r) : local{r}, ka{config::keepalive_settings{1000ms, 3, 0ms}, now} {}

    void hand_back(std::uint32_t seq, const char* how) {
        auto it = outstanding.find(seq);
        FUZZ_CHECK(it != outstanding.end() && it->second, how);
        it->second = false;
        ++handed_back;
    }

    void arrive(std::span<const std::uint8_t> frame) {
        ka.on_receive(now);
        pdu p;
        if (const auto f = decode(frame, p)) {
            // Recoverable: generic_nack (or the request's response) with the codec's status.
            const auto st = suggested_status(f);
            FUZZ_CHECK(st != status::ok, "a malformed PDU is never answered OK");
            return;
        }
        const auto id = p.id();
        if (is_response(id)) {
            if (win.take(p.sequence_number)) hand_back(p.sequence_number, "a response takes its own request");
            return;
        }
        const auto st = check_incoming(local, state, id);
        const pdu resp = make_response(p, st);
        FUZZ_CHECK(resp.sequence_number == p.sequence_number, "a response has its request's sequence");
        FUZZ_CHECK(resp.id() == response_of(id) || resp.id() == command_id::generic_nack, "a response answers its command");
        if (st != status::ok) {
            FUZZ_CHECK(resp.status == st, "a refusal carries its status");
            return;
        }
        FUZZ_CHECK(is_bound(state) || id == command_id::bind_transmitter || id == command_id::bind_receiver ||
                       id == command_id::bind_transceiver || id == command_id::enquire_link ||
                       id == command_id::unbind || id == command_id::generic_nack || id == command_id::outbind,
                   "before a bind only binds, enquire_link and unbind");
        // enquire_link is answered in every state (peers probe during unbind).
        FUZZ_CHECK(id == command_id::enquire_link || (state != bind_state::unbound && state != bind_state::closed),
                   "nothing but enquire_link accepted after an unbind");
        if (id == command_id::bind_transmitter) state = bound_state_for(config::bind_type::transmitter);
        if (id == command_id::bind_receiver) state = bound_state_for(config::bind_type::receiver);
        if (id == command_id::bind_transceiver) state = bound_state_for(config::bind_type::transceiver);
        if (id == command_id::unbind) state = bind_state::unbound;
        if (id != command_id::enquire_link) ka.on_activity(now);
    }

    void send(std::uint8_t k) {
        static constexpr command_id ids[] = {command_id::submit_sm, command_id::deliver_sm, command_id::enquire_link,
                                             command_id::unbind};
        const auto id = ids[k % 4];
        if (!may_send(local, state, id)) return;
        const auto seq = next_seq++;
        const bool was_full = win.full();
        const bool in = win.insert(seq, now + 2s, seq);
        FUZZ_CHECK(in == !was_full, "the window refuses exactly when full");
        FUZZ_CHECK(win.size() <= win.capacity(), "the window holds at most its capacity");
        if (!in) return;
        outstanding[seq] = true;
        ++sent;
    }

    void timer() {
        win.expire(now, [&](std::uint32_t seq, std::uint32_t&&) { hand_back(seq, "an expired request was pending"); });
        if (const auto d = win.next_deadline()) FUZZ_CHECK(*d > now, "nothing pending is past its deadline");
        switch (ka.poll(now)) {
        case keepalive::action::dead:
            FUZZ_CHECK(now - ka.last_receive() >= 3000ms, "dead only after misses x interval of silence");
            dead = true;
            break;
        case keepalive::action::send_probe:
            FUZZ_CHECK(last_probe == clock::time_point{} || now - last_probe >= 1000ms, "at most one probe per interval");
            last_probe = now;
            break;
        default: break;
        }
        FUZZ_CHECK(ka.next_wake() > now || dead, "the next wake is ahead");
    }

    void close() {
        win.drain([&](std::uint32_t seq, std::uint32_t&&) { hand_back(seq, "a drained request was pending"); });
        FUZZ_CHECK(win.empty(), "closed: nothing left in the window");
        FUZZ_CHECK(handed_back == sent, "every request we sent is handed back exactly once");
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    model m{in.selector() & 1 ? role::esme : role::smsc};
    auto rest = in.rest().bytes;
    auto take = [&]() -> int {
        if (rest.empty()) return -1;
        const int b = rest[0];
        rest = rest.subspan(1);
        return b;
    };
    for (int op; (op = take()) >= 0 && !m.dead;) {
        switch (op % 5) {
        case 0: m.now += std::chrono::milliseconds{10 * std::max(0, take())}; break;
        case 1: {
            const auto n = std::min<std::size_t>(std::max(0, take()) + 16, rest.size());
            m.arrive(rest.first(n));
            rest = rest.subspan(n);
            break;
        }
        case 2: m.send(static_cast<std::uint8_t>(std::max(0, take()))); break;
        case 3: {
            const auto s = static_cast<std::uint32_t>(std::max(0, take()));
            if (m.win.take(s)) m.hand_back(s, "a response takes its own request");
            break;
        }
        case 4: m.timer(); break;
        }
    }
    m.close();
    return 0;
}
