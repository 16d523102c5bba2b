#include "field_dump.hpp"

#include <cstdio>

namespace twinsms::smpp::test {
namespace {

std::string hex(std::string_view v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned char c : v) {
        s += digits[c >> 4];
        s += digits[c & 15];
    }
    return s;
}

// A field visitor like the codec's own reader and writer, driven by the
// same visit() description, so every body type is covered without a
// hand-kept list of fields.
class dumper {
public:
    explicit dumper(fields& out) : out_{out} {}

    void u8(const std::uint8_t& v, const char* name) { add(name, std::to_string(v)); }
    void u32(const std::uint32_t& v, const char* name) { add(name, std::to_string(v)); }
    void cstr(const std::string_view& v, const char* name, std::size_t) { add(name, std::string{v}); }
    void octets8(const std::string_view& v, const char* name) {
        add("sm_length", std::to_string(v.size()));
        add(name, hex(v));
    }
    bool optional_body(const bool& omitted) const { return !omitted; }
    void tlvs(const tlv_list& l) {
        for (const auto& t : l) add(tlv_key(t.tag()), hex(t.value()));
    }
    template <class List> void dests(const List& l) {
        add("number_of_dests", std::to_string(l.size()));
        for (const auto& d : l) {
            u8(d.dest_flag, "dest_flag");
            if (d.dest_flag == dest_address::sme_address) {
                u8(d.dest_addr_ton, "dest_addr_ton");
                u8(d.dest_addr_npi, "dest_addr_npi");
                add("destination_addr", std::string{d.address});
            } else {
                add("dl_name", std::string{d.address});
            }
        }
    }
    template <class List> void unsuccess(const List& l) {
        add("no_unsuccess", std::to_string(l.size()));
        for (const auto& u : l) {
            u8(u.dest_addr_ton, "dest_addr_ton");
            u8(u.dest_addr_npi, "dest_addr_npi");
            add("destination_addr", std::string{u.destination_addr});
            u32(u.error_status_code, "error_status_code");
        }
    }

private:
    void add(std::string name, std::string value) { out_.emplace_back(std::move(name), std::move(value)); }
    fields& out_;
};

} // namespace

std::string tlv_key(std::uint16_t tag) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "tlv 0x%04x", tag);
    return buf;
}

fields dump(const pdu& p) {
    fields out;
    std::size_t size = 0;
    encoded_size(p, size);
    out.emplace_back("command_length", std::to_string(size));
    out.emplace_back("command_id", std::to_string(static_cast<std::uint32_t>(p.id())));
    out.emplace_back("command_status", std::to_string(p.status));
    out.emplace_back("sequence_number", std::to_string(p.sequence_number));
    dumper d{out};
    std::visit([&d](const auto& b) { std::decay_t<decltype(b)>::visit(b, d); }, p.body);
    return out;
}

std::string render(const fields& f) {
    std::string s;
    for (const auto& [name, value] : f) s += name + '=' + value + '\n';
    return s;
}

} // namespace twinsms::smpp::test
