// Bytes captured from node-smpp 0.5.1, a peer many ESMEs are written with.
// tools/interop/encode_corpus.js prints each PDU with the values it gave
// node-smpp; we decode the bytes, check those values and re-encode byte for
// byte. The committed capture (data/node_smpp_corpus.txt) is checked on its
// own and against a live run, so a change in node-smpp's output shows up.
#define BOOST_TEST_MODULE codec_node_smpp_corpus
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <sys/wait.h>

#include <boost/json.hpp>

#include "field_dump.hpp"
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;
namespace json = boost::json;

namespace {

const std::string source_dir = TWINSMS_SOURCE_DIR;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

std::string committed_capture() {
    std::ifstream in{source_dir + "/tests/codec/data/node_smpp_corpus.txt"};
    BOOST_REQUIRE_MESSAGE(in, "cannot read tests/codec/data/node_smpp_corpus.txt");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string live_capture() {
    const std::string cmd = "node '" + source_dir + "/tools/interop/encode_corpus.js' 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    BOOST_REQUIRE_MESSAGE(p != nullptr, "cannot run " << cmd);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int st = pclose(p);
    BOOST_REQUIRE_MESSAGE(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                          "node failed (run tools/install-deps): " << out.substr(0, 500));
    return out;
}

// node-smpp names TLVs after the spec, as tag_name() does.
std::optional<std::uint16_t> tag_by_name(std::string_view name) {
    static const auto names = [] {
        std::map<std::string, std::uint16_t, std::less<>> m;
        for (std::uint32_t t = 0; t <= 0xFFFF; ++t)
            if (auto n = tag_name(static_cast<std::uint16_t>(t)); !n.empty()) m.emplace(n, t);
        return m;
    }();
    const auto it = names.find(name);
    return it == names.end() ? std::nullopt : std::optional{it->second};
}

const tlv_list* tlvs_of(const pdu& p) {
    return std::visit(
        [](const auto& b) -> const tlv_list* {
            if constexpr (requires { b.tlvs; }) return &b.tlvs;
            else return nullptr;
        },
        p.body);
}

// The JSON value as our field dump would show it.
std::string as_field(const json::value& v) {
    if (v.is_string()) return std::string{v.as_string()};
    if (v.is_object()) return std::string{v.as_object().at("hex").as_string()};
    return std::to_string(v.to_number<std::int64_t>());
}

void check_tlv(const tlv_list* l, std::uint16_t t, const json::value& want) {
    BOOST_REQUIRE(l != nullptr);
    const tlv* got = find(*l, t);
    BOOST_REQUIRE_MESSAGE(got != nullptr, "missing TLV " << tag_name(t));
    if (want.is_string()) {
        BOOST_TEST(get_cstring(*l, t).value() == std::string_view{want.as_string()});
    } else if (want.is_object()) {
        BOOST_TEST(to_hex(got->value()) == as_field(want));
    } else {
        BOOST_TEST(got->value().size() <= 4u);
        std::int64_t n = 0;
        for (unsigned char c : got->value()) n = n << 8 | c;
        BOOST_TEST(n == want.to_number<std::int64_t>(), tag_name(t));
    }
}

void check_lists(const pdu& p, std::string_view key, const json::array& want) {
    if (key == "dest_address") {
        const auto& d = p.as<submit_multi>()->dests;
        BOOST_REQUIRE(d.size() == want.size());
        for (std::size_t i = 0; i < d.size(); ++i) {
            const auto& w = want[i].as_object();
            if (w.contains("dl_name")) {
                BOOST_TEST(d[i].dest_flag == dest_address::distribution_list);
                BOOST_TEST(d[i].address == std::string_view{w.at("dl_name").as_string()});
            } else {
                BOOST_TEST(d[i].dest_flag == dest_address::sme_address);
                BOOST_TEST(d[i].dest_addr_ton == w.at("dest_addr_ton").to_number<int>());
                BOOST_TEST(d[i].dest_addr_npi == w.at("dest_addr_npi").to_number<int>());
                BOOST_TEST(d[i].address == std::string_view{w.at("destination_addr").as_string()});
            }
        }
    } else {
        BOOST_REQUIRE(key == "unsuccess_sme");
        const auto& u = p.as<submit_multi_resp>()->unsuccess;
        BOOST_REQUIRE(u.size() == want.size());
        for (std::size_t i = 0; i < u.size(); ++i) {
            const auto& w = want[i].as_object();
            BOOST_TEST(u[i].dest_addr_ton == w.at("dest_addr_ton").to_number<int>());
            BOOST_TEST(u[i].dest_addr_npi == w.at("dest_addr_npi").to_number<int>());
            BOOST_TEST(u[i].destination_addr == std::string_view{w.at("destination_addr").as_string()});
            BOOST_TEST(u[i].error_status_code == w.at("error_status_code").to_number<std::uint32_t>());
        }
    }
}

// One "label \t hex \t json" line: decode, check every value node-smpp was
// given, and re-encode to the same bytes.
void check_line(const std::string& line) {
    const auto tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    BOOST_REQUIRE(tab2 != std::string::npos);
    BOOST_TEST_CONTEXT(line.substr(0, tab1)) {
        const bytes wire = from_hex(line.substr(tab1 + 1, tab2 - tab1 - 1));
        const json::object want = json::parse(line.substr(tab2 + 1)).as_object();
        const pdu p = decode_ok(wire);
        BOOST_TEST(to_string(p.id()) == std::string_view{want.at("command").as_string()});
        const fields dumped = dump(p);
        for (const auto& [key, value] : want.at("fields").as_object()) {
            BOOST_TEST_CONTEXT("field " << key) {
                if (key == "sequence_number") {
                    BOOST_TEST(p.sequence_number == value.to_number<std::uint32_t>());
                } else if (key == "command_status") {
                    BOOST_TEST(p.status == value.to_number<std::uint32_t>());
                } else if (value.is_array()) {
                    check_lists(p, key, value.as_array());
                } else if (const auto it = std::find_if(dumped.begin(), dumped.end(),
                                                        [&](const auto& f) { return f.first == key; });
                           it != dumped.end()) {
                    BOOST_TEST(it->second == as_field(value)); // a body field (message_state is both)
                } else {
                    const auto t = tag_by_name(key);
                    BOOST_REQUIRE_MESSAGE(t.has_value(), "no field or TLV " << key << " in " << render(dumped));
                    check_tlv(tlvs_of(p), *t, value);
                }
            }
        }
        expect_reencodes(p, wire);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(node_smpp_corpus)

BOOST_AUTO_TEST_CASE(committed_capture_decodes) {
    const auto lines = lines_of(committed_capture());
    BOOST_TEST(lines.size() >= 25u);
    for (const auto& l : lines) check_line(l);
}

BOOST_AUTO_TEST_CASE(live_node_smpp_matches_committed_capture) {
    const auto live = lines_of(live_capture());
    const auto committed = lines_of(committed_capture());
    // Line by line, so a diff names the PDU whose encoding changed.
    BOOST_TEST(live.size() == committed.size());
    for (std::size_t i = 0; i < std::min(live.size(), committed.size()); ++i) BOOST_TEST(live[i] == committed[i]);
    for (const auto& l : live) check_line(l);
}

BOOST_AUTO_TEST_SUITE_END()
