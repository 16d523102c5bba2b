#include "store/message_codec.hpp"

#include <limits>

namespace twinsms::store {
namespace {

class writer {
public:
    explicit writer(std::string& out) : out_{out} {}

    void u8(std::uint8_t v) { out_ += static_cast<char>(v); }
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    void time(epoch_ms t) {
        // Zigzag: small magnitudes of either sign stay short.
        varint((static_cast<std::uint64_t>(t) << 1) ^ static_cast<std::uint64_t>(t >> 63));
    }
    void bytes(std::string_view s) {
        varint(s.size());
        out_ += s;
    }
    void bytes(const std::vector<std::uint8_t>& v) {
        bytes(std::string_view{reinterpret_cast<const char*>(v.data()), v.size()});
    }

private:
    std::string& out_;
};

// Every read checks what is left; after the first failure all reads fail,
// so decoders can read everything and check ok() once at the end.
class reader {
public:
    explicit reader(std::string_view in) noexcept : in_{in} {}

    bool ok() const noexcept { return ok_; }
    bool at_end() const noexcept { return ok_ && pos_ == in_.size(); }

    std::uint8_t u8() noexcept {
        if (!ok_ || pos_ >= in_.size()) return fail();
        return static_cast<std::uint8_t>(in_[pos_++]);
    }
    std::uint64_t varint() noexcept {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = u8();
            if (!ok_) return 0;
            // The tenth byte may only carry the top bit.
            if (shift == 63 && b > 1) return fail();
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        return fail();
    }
    std::uint32_t u32() noexcept {
        const auto v = varint();
        if (v > std::numeric_limits<std::uint32_t>::max()) return fail();
        return static_cast<std::uint32_t>(v);
    }
    epoch_ms time() noexcept {
        const auto z = varint();
        return static_cast<epoch_ms>((z >> 1) ^ (~(z & 1) + 1));
    }
    bool flag() noexcept {
        const auto b = u8();
        if (b > 1) return fail();
        return b == 1;
    }
    msg_state state() noexcept {
        const auto b = u8();
        if (b > static_cast<std::uint8_t>(msg_state::cancelled)) return static_cast<msg_state>(fail());
        return static_cast<msg_state>(b);
    }
    std::string_view bytes() noexcept {
        const auto n = varint();
        if (!ok_ || n > in_.size() - pos_) {
            fail();
            return {};
        }
        const auto s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    void bytes(std::string& out) { out.assign(bytes()); }
    void bytes(std::vector<std::uint8_t>& out) {
        const auto s = bytes();
        out.assign(s.begin(), s.end());
    }
    bool version() noexcept { return u8() == codec_version && ok_; }
    std::uint8_t any_version() noexcept { return u8(); }

private:
    std::uint8_t fail() noexcept {
        ok_ = false;
        return 0;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

} // namespace

std::string encode(const message& m) {
    std::string out;
    std::size_t history = 1;
    for (const auto& e : m.events) history += 8 + e.detail.size();
    out.reserve(48 + m.account.size() + m.route.size() + m.carrier.size() + m.carrier_message_id.size() +
                m.pdu.size() + history);
    writer w{out};
    w.u8(message_codec_version);
    w.varint(m.id.value);
    w.bytes(m.account);
    w.time(m.accepted_at);
    w.time(m.not_before);
    w.time(m.expires_at);
    w.time(m.next_attempt);
    w.time(m.done_at);
    w.u8(static_cast<std::uint8_t>(m.state));
    w.varint(m.attempts);
    w.u8(m.in_flight ? 1 : 0);
    w.varint(m.last_status);
    w.bytes(m.route);
    w.bytes(m.carrier);
    w.bytes(m.carrier_message_id);
    w.bytes(m.pdu);
    w.varint(m.events.size());
    for (const auto& e : m.events) {
        w.time(e.at);
        w.u8(static_cast<std::uint8_t>(e.state));
        w.varint(e.status);
        w.bytes(e.detail);
    }
    return out;
}

bool decode(std::string_view in, message& m) {
    reader r{in};
    const auto version = r.any_version();
    if (version != 1 && version != message_codec_version) return false;
    m.id.value = r.varint();
    r.bytes(m.account);
    m.accepted_at = r.time();
    m.not_before = r.time();
    m.expires_at = r.time();
    m.next_attempt = r.time();
    m.done_at = r.time();
    m.state = r.state();
    m.attempts = r.u32();
    m.in_flight = r.flag();
    m.last_status = r.u32();
    r.bytes(m.route);
    r.bytes(m.carrier);
    r.bytes(m.carrier_message_id);
    r.bytes(m.pdu);
    m.events.clear();
    if (version >= 2) {
        const auto n = r.varint();
        // Each line takes at least 4 bytes: a count beyond what is left is corrupt.
        if (n > in.size()) return false;
        m.events.reserve(n);
        for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
            event e;
            e.at = r.time();
            e.state = r.state();
            e.status = r.u32();
            r.bytes(e.detail);
            m.events.push_back(std::move(e));
        }
    }
    return r.at_end();
}

bool decode_head(std::string_view in, message_head& h) {
    reader r{in};
    const auto version = r.any_version();
    if (version != 1 && version != message_codec_version) return false;
    h.id.value = r.varint();
    (void)r.bytes(); // account
    h.accepted_at = r.time();
    (void)r.time(); // not_before
    (void)r.time(); // expires_at
    (void)r.time(); // next_attempt
    h.done_at = r.time();
    h.state = r.state();
    return r.ok();
}

std::string encode_marks(const std::vector<in_flight_attempt>& a) {
    std::string out;
    out.reserve(1 + a.size() * 12);
    writer w{out};
    w.u8(codec_version);
    for (const auto& x : a) {
        w.varint(x.id.value);
        w.varint(x.attempt);
    }
    return out;
}

bool decode_marks(std::string_view in, std::vector<in_flight_attempt>& out) {
    reader r{in};
    if (!r.version()) return false;
    out.clear();
    while (r.ok() && !r.at_end()) {
        in_flight_attempt x;
        x.id.value = r.varint();
        x.attempt = r.u32();
        if (r.ok()) out.push_back(x);
    }
    return r.at_end();
}

std::string encode(const delivery& d) {
    std::string out;
    out.reserve(40 + d.account.size() + d.pdu.size());
    writer w{out};
    w.u8(codec_version);
    w.varint(d.id.value);
    w.bytes(d.account);
    w.time(d.created_at);
    w.time(d.expires_at);
    w.varint(d.message.value);
    w.varint(d.attempts);
    w.bytes(d.pdu);
    return out;
}

bool decode(std::string_view in, delivery& d) {
    reader r{in};
    if (!r.version()) return false;
    d.id.value = r.varint();
    r.bytes(d.account);
    d.created_at = r.time();
    d.expires_at = r.time();
    d.message.value = r.varint();
    d.attempts = r.u32();
    r.bytes(d.pdu);
    return r.at_end();
}

std::string encode(const event& e) {
    std::string out;
    out.reserve(16 + e.detail.size());
    writer w{out};
    w.u8(codec_version);
    w.time(e.at);
    w.u8(static_cast<std::uint8_t>(e.state));
    w.varint(e.status);
    w.bytes(e.detail);
    return out;
}

bool decode(std::string_view in, event& e) {
    reader r{in};
    if (!r.version()) return false;
    e.at = r.time();
    e.state = r.state();
    e.status = r.u32();
    r.bytes(e.detail);
    return r.at_end();
}

} // namespace twinsms::store
