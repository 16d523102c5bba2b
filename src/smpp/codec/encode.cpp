// Encoder: a sizing pass that validates every field, then an unchecked
// writing pass into storage of exactly that size.
#include <cstring>

#include "smpp/codec/codec.hpp"
#include "smpp/codec/scan.hpp"

namespace twinsms::smpp {
namespace {

// Strings are checked before anything is written; inline, since a memchr
// call costs more than scanning the dozen bytes an address has.
inline bool has_nul(std::string_view v) noexcept {
    return detail::find_nul(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()) != v.size();
}

class sizer {
public:
    bool ok() const noexcept { return failure_.code == codec_error::ok; }
    std::size_t size() const noexcept { return size_; }
    const codec_failure& failure() const noexcept { return failure_; }

    void u8(const std::uint8_t&, const char*) noexcept { size_ += 1; }
    void u32(const std::uint32_t&, const char*) noexcept { size_ += 4; }
    void cstr(const std::string_view& v, const char* field, std::size_t max) noexcept {
        if (v.size() >= max) fail(codec_error::field_too_long, field);
        else if (has_nul(v)) fail(codec_error::embedded_nul, field);
        size_ += v.size() + 1;
    }
    void octets8(const std::string_view& v, const char* field) noexcept {
        if (v.size() > 255) fail(codec_error::value_too_large, field);
        size_ += 1 + v.size();
    }
    bool optional_body(const bool& omitted) const noexcept { return !omitted; }
    void tlvs(const tlv_list& list) noexcept {
        for (const auto& t : list) {
            if (t.value().size() > 0xFFFF) fail(codec_error::value_too_large, "tlv");
            size_ += 4 + t.value().size();
        }
    }
    template <class List> void dests(const List& list) noexcept {
        if (list.size() > 255) fail(codec_error::value_too_large, "number_of_dests");
        size_ += 1;
        for (const auto& d : list) {
            if (d.dest_flag == dest_address::sme_address) size_ += 2;
            else if (d.dest_flag != dest_address::distribution_list) fail(codec_error::invalid_dest_flag, "dest_flag");
            size_ += 1;
            cstr(d.address, d.dest_flag == dest_address::sme_address ? "destination_addr" : "dl_name", max_len::addr21);
        }
    }
    template <class List> void unsuccess(const List& list) noexcept {
        if (list.size() > 255) fail(codec_error::value_too_large, "no_unsuccess");
        size_ += 1;
        for (const auto& u : list) {
            size_ += 2 + 4;
            cstr(u.destination_addr, "destination_addr", max_len::addr21);
        }
    }

private:
    void fail(codec_error e, const char* field) noexcept {
        if (ok()) failure_ = {e, field, static_cast<std::uint32_t>(size_)};
    }
    std::size_t size_ = header_size;
    codec_failure failure_{};
};

inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
inline void store16(std::uint8_t* p, std::size_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

// Only ever run after sizer accepted the PDU, so it needs no checks.
class writer {
public:
    explicit writer(std::uint8_t* p) noexcept : p_{p} {}

    void u8(const std::uint8_t& v, const char*) noexcept { *p_++ = v; }
    void u32(const std::uint32_t& v, const char*) noexcept {
        store32(p_, v);
        p_ += 4;
    }
    void cstr(const std::string_view& v, const char*, std::size_t) noexcept {
        copy(v);
        *p_++ = 0;
    }
    void octets8(const std::string_view& v, const char*) noexcept {
        *p_++ = static_cast<std::uint8_t>(v.size());
        copy(v);
    }
    bool optional_body(const bool& omitted) const noexcept { return !omitted; }
    void tlvs(const tlv_list& list) noexcept {
        for (const auto& t : list) {
            store16(p_, t.tag());
            store16(p_ + 2, t.value().size());
            p_ += 4;
            copy(t.value());
        }
    }
    template <class List> void dests(const List& list) noexcept {
        *p_++ = static_cast<std::uint8_t>(list.size());
        for (const auto& d : list) {
            *p_++ = d.dest_flag;
            if (d.dest_flag == dest_address::sme_address) {
                *p_++ = d.dest_addr_ton;
                *p_++ = d.dest_addr_npi;
            }
            cstr(d.address, "", 0);
        }
    }
    template <class List> void unsuccess(const List& list) noexcept {
        *p_++ = static_cast<std::uint8_t>(list.size());
        for (const auto& u : list) {
            *p_++ = u.dest_addr_ton;
            *p_++ = u.dest_addr_npi;
            cstr(u.destination_addr, "", 0);
            u32(u.error_status_code, "");
        }
    }

private:
    void copy(std::string_view v) noexcept {
        detail::copy_short(p_, v.data(), v.size());
        p_ += v.size();
    }
    std::uint8_t* p_;
};

void write(const pdu& p, std::uint8_t* out, std::size_t size) noexcept {
    store32(out, static_cast<std::uint32_t>(size));
    store32(out + 4, static_cast<std::uint32_t>(p.id()));
    store32(out + 8, p.status);
    store32(out + 12, p.sequence_number);
    writer w{out + header_size};
    // Everything is inlined into one function per body type (flatten) and
    // runs on a local writer: otherwise the output pointer lives in memory
    // and, since byte stores may alias anything, is reloaded and stored back
    // around every single byte written.
    std::visit([&w](const auto& b) TWINSMS_FLATTEN {
        writer local = w;
        std::decay_t<decltype(b)>::visit(b, local);
    }, p.body);
}

} // namespace

codec_failure encoded_size(const pdu& p, std::size_t& size, const codec_options& opt) {
    sizer s;
    std::visit([&s](const auto& b) TWINSMS_FLATTEN {
        sizer local = s;
        std::decay_t<decltype(b)>::visit(b, local);
        s = local;
    }, p.body);
    codec_failure f = s.failure();
    if (!f && s.size() > opt.max_pdu_size) f = {codec_error::pdu_too_large, "command_length", 0};
    f.command = p.id();
    size = s.size();
    return f;
}

codec_failure encode(const pdu& p, std::vector<std::uint8_t>& out, const codec_options& opt) {
    std::size_t size = 0;
    if (auto f = encoded_size(p, size, opt)) return f;
    const std::size_t at = out.size();
    out.resize(at + size);
    write(p, out.data() + at, size);
    return {};
}

codec_failure encode(const pdu& p, std::span<std::uint8_t> out, std::size_t& written, const codec_options& opt) {
    std::size_t size = 0;
    if (auto f = encoded_size(p, size, opt)) return f;
    if (size > out.size()) return {codec_error::pdu_too_large, "buffer", 0, p.id()};
    write(p, out.data(), size);
    written = size;
    return {};
}

} // namespace twinsms::smpp
