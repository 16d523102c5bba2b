// Decoder: a bounds-checked field reader driven by each body's visit().
#include <algorithm>
#include <utility>

#include "smpp/codec/codec.hpp"
#include "smpp/codec/scan.hpp"

namespace twinsms::smpp {
namespace {

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint16_t load16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

// After the first failure every further call is a no-op, so visit() needs no
// error checks of its own and the first failure is the one reported. A
// failure also empties the rest of the input, which makes "no-op" fall out
// of each field's own bounds check instead of a separate test per field.
class reader {
public:
    reader(const std::uint8_t* base, std::size_t end) noexcept
        : base_{base}, cur_{base + header_size}, end_{base + end} {}

    bool ok() const noexcept { return failure_.code == codec_error::ok; }
    bool at_end() const noexcept { return cur_ == end_; }
    const codec_failure& failure() const noexcept { return failure_; }

    void fail(codec_error e, const char* field) noexcept {
        if (ok()) failure_ = {e, field, static_cast<std::uint32_t>(cur_ - base_)};
        end_ = cur_;
    }

    void u8(std::uint8_t& v, const char* field) noexcept {
        if (cur_ == end_) return fail(codec_error::field_truncated, field);
        v = *cur_++;
    }
    void u32(std::uint32_t& v, const char* field) noexcept {
        if (left() < 4) return fail(codec_error::field_truncated, field);
        v = load32(cur_);
        cur_ += 4;
    }
    void cstr(std::string_view& v, const char* field, std::size_t max) noexcept {
        const std::size_t avail = left();
        const std::size_t limit = std::min(avail, max);
        const std::size_t n = detail::find_nul(cur_, limit);
        if (n == limit)
            return fail(avail < max ? codec_error::field_truncated : codec_error::cstring_unterminated, field);
        v = std::string_view{reinterpret_cast<const char*>(cur_), n};
        cur_ += n + 1;
    }
    void octets8(std::string_view& v, const char* field) noexcept {
        if (cur_ == end_) return fail(codec_error::field_truncated, "sm_length");
        const std::uint8_t len = *cur_++;
        if (left() < len) return fail(codec_error::field_truncated, field);
        v = std::string_view{reinterpret_cast<const char*>(cur_), len};
        cur_ += len;
    }
    bool optional_body(bool& omitted) noexcept {
        omitted = at_end();
        return !omitted;
    }
    void tlvs(tlv_list& list) {
        while (cur_ != end_) {
            if (left() < 4) return fail(codec_error::tlv_truncated, "tlv");
            const std::uint16_t t = load16(cur_);
            const std::uint16_t len = load16(cur_ + 2);
            if (left() - 4 < len) return fail(codec_error::tlv_length_overrun, "tlv");
            list.emplace_back(t, std::string_view{reinterpret_cast<const char*>(cur_ + 4), len});
            cur_ += 4 + std::size_t{len};
        }
    }
    template <class List> void dests(List& list) {
        std::uint8_t count = 0;
        u8(count, "number_of_dests");
        // Each entry needs at least 2 bytes, so the loop is bounded by the
        // PDU itself, not by the attacker's count.
        for (unsigned i = 0; i < count && ok(); ++i) {
            dest_address d;
            u8(d.dest_flag, "dest_flag");
            if (!ok()) return;
            if (d.dest_flag == dest_address::sme_address) {
                u8(d.dest_addr_ton, "dest_addr_ton");
                u8(d.dest_addr_npi, "dest_addr_npi");
                cstr(d.address, "destination_addr", max_len::addr21);
            } else if (d.dest_flag == dest_address::distribution_list) {
                cstr(d.address, "dl_name", max_len::addr21);
            } else {
                --cur_;
                return fail(codec_error::invalid_dest_flag, "dest_flag");
            }
            if (ok()) list.push_back(d);
        }
    }
    template <class List> void unsuccess(List& list) {
        std::uint8_t count = 0;
        u8(count, "no_unsuccess");
        for (unsigned i = 0; i < count && ok(); ++i) {
            unsuccess_sme u;
            u8(u.dest_addr_ton, "dest_addr_ton");
            u8(u.dest_addr_npi, "dest_addr_npi");
            cstr(u.destination_addr, "destination_addr", max_len::addr21);
            u32(u.error_status_code, "error_status_code");
            if (ok()) list.push_back(u);
        }
    }

private:
    std::size_t left() const noexcept { return static_cast<std::size_t>(end_ - cur_); }

    const std::uint8_t* base_;
    const std::uint8_t* cur_;
    const std::uint8_t* end_;
    codec_failure failure_{};
};

// Puts a default-constructed alternative I in `b`. When `b` already holds
// one (a connection decodes the same few types over and over) it is
// assigned from a blank instance instead of re-emplaced: emplace
// value-initialises, which zeroes the whole body (a few hundred bytes with
// the inline TLV storage) on every decode, and frees any spilled list.
template <std::size_t I> void reset_to(body& b) {
    using T = std::variant_alternative_t<I, body>;
    if (T* cur = std::get_if<I>(&b)) {
        static const T blank{};
        *cur = blank;
    } else {
        b.template emplace<I>();
    }
}

template <std::size_t... I>
bool emplace_by_id(body& b, std::uint32_t id, std::index_sequence<I...>) {
    return ((static_cast<std::uint32_t>(std::variant_alternative_t<I, body>::id) == id ? (reset_to<I>(b), true)
                                                                                      : false) ||
            ...);
}

} // namespace

header read_header(std::span<const std::uint8_t> b) noexcept {
    return {load32(b.data()), load32(b.data() + 4), load32(b.data() + 8), load32(b.data() + 12)};
}

codec_failure decode(std::span<const std::uint8_t> frame, pdu& out, const codec_options& opt) {
    if (frame.size() < header_size) return {codec_error::command_length_too_small, "command_length", 0};
    const header h = read_header(frame);
    const auto cmd = static_cast<command_id>(h.command_id);
    if (h.command_length < header_size) return {codec_error::command_length_too_small, "command_length", 0, cmd};
    if (h.command_length > opt.max_pdu_size) return {codec_error::command_length_too_large, "command_length", 0, cmd};
    if (h.command_length != frame.size()) return {codec_error::length_mismatch, "command_length", 0, cmd};
    if (!emplace_by_id(out.body, h.command_id, std::make_index_sequence<std::variant_size_v<body>>{}))
        return {codec_error::unknown_command_id, "command_id", 4, cmd};
    out.status = h.command_status;
    out.sequence_number = h.sequence_number;

    reader r{frame.data(), frame.size()};
    // One flattened function per body type on a local reader, so the
    // cursor stays in a register (see write() in encode.cpp).
    std::visit([&r](auto& b) TWINSMS_FLATTEN {
        reader local = r;
        std::decay_t<decltype(b)>::visit(b, local);
        r = local;
    }, out.body);
    if (r.ok() && !r.at_end()) r.fail(codec_error::trailing_bytes, "body");
    codec_failure f = r.failure();
    f.command = cmd;
    return f;
}

} // namespace twinsms::smpp
