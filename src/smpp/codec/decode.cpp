// Decoder: a bounds-checked field reader driven by each body's visit().
#include <algorithm>
#include <cstring>
#include <utility>

#include "smpp/codec/codec.hpp"

namespace twinsms::smpp {
namespace {

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint16_t load16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

// After the first failure every further call is a no-op, so visit() needs no
// error checks of its own and the first failure is the one reported.
class reader {
public:
    reader(const std::uint8_t* base, std::size_t end) noexcept : base_{base}, pos_{header_size}, end_{end} {}

    bool ok() const noexcept { return failure_.code == codec_error::ok; }
    bool at_end() const noexcept { return pos_ == end_; }
    std::size_t pos() const noexcept { return pos_; }
    const codec_failure& failure() const noexcept { return failure_; }

    void fail(codec_error e, const char* field) noexcept {
        if (ok()) failure_ = {e, field, static_cast<std::uint32_t>(pos_)};
    }

    void u8(std::uint8_t& v, const char* field) noexcept {
        if (!ok()) return;
        if (pos_ >= end_) return fail(codec_error::field_truncated, field);
        v = base_[pos_++];
    }
    void u32(std::uint32_t& v, const char* field) noexcept {
        if (!ok()) return;
        if (end_ - pos_ < 4) return fail(codec_error::field_truncated, field);
        v = load32(base_ + pos_);
        pos_ += 4;
    }
    void cstr(std::string_view& v, const char* field, std::size_t max) noexcept {
        if (!ok()) return;
        const std::size_t avail = end_ - pos_;
        const std::size_t limit = std::min(avail, max);
        const void* nul = std::memchr(base_ + pos_, 0, limit);
        if (nul == nullptr)
            return fail(avail < max ? codec_error::field_truncated : codec_error::cstring_unterminated, field);
        const auto n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - (base_ + pos_));
        v = std::string_view{reinterpret_cast<const char*>(base_ + pos_), n};
        pos_ += n + 1;
    }
    void octets8(std::string_view& v, const char* field) noexcept {
        std::uint8_t len = 0;
        u8(len, "sm_length");
        if (!ok()) return;
        if (end_ - pos_ < len) return fail(codec_error::field_truncated, field);
        v = std::string_view{reinterpret_cast<const char*>(base_ + pos_), len};
        pos_ += len;
    }
    bool optional_body(bool& omitted) noexcept {
        omitted = at_end();
        return !omitted;
    }
    void tlvs(tlv_list& list) {
        while (ok() && pos_ < end_) {
            if (end_ - pos_ < 4) return fail(codec_error::tlv_truncated, "tlv");
            const std::uint16_t t = load16(base_ + pos_);
            const std::uint16_t len = load16(base_ + pos_ + 2);
            if (end_ - pos_ - 4 < len) return fail(codec_error::tlv_length_overrun, "tlv");
            list.emplace_back(t, std::string_view{reinterpret_cast<const char*>(base_ + pos_ + 4), len});
            pos_ += 4 + std::size_t{len};
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
                --pos_;
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
    const std::uint8_t* base_;
    std::size_t pos_;
    std::size_t end_;
    codec_failure failure_{};
};

template <std::size_t... I>
bool emplace_by_id(body& b, std::uint32_t id, std::index_sequence<I...>) {
    return ((static_cast<std::uint32_t>(std::variant_alternative_t<I, body>::id) == id
                 ? (b.template emplace<I>(), true)
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
    std::visit([&r](auto& b) { std::decay_t<decltype(b)>::visit(b, r); }, out.body);
    if (r.ok() && !r.at_end()) r.fail(codec_error::trailing_bytes, "body");
    codec_failure f = r.failure();
    f.command = cmd;
    return f;
}

} // namespace twinsms::smpp
