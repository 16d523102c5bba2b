// Writes the seed corpora that are made from our fixtures into
// tests/fuzz/corpus/ (run by hand: fuzz_make_seeds <repo>/tests/fuzz/corpus;
// the output is committed):
// - smpp_codec, smpp_libsmpp34: every PDU of the libsmpp34 differential
//   corpus (all PDU types, varied fields and TLVs), the real peers' PDUs it
//   rejects, and the PDUs node-smpp 0.5.1 sent us (tests/codec/data); for
//   smpp_codec with a chunking byte in front, and a few streams of several.
// - replication_frame: each frame kind, whole and as a stream.
// The text targets' seeds (HTTP, SMTP, receipts, profiles) are files written
// by hand beside these.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "codec/libsmpp34_corpus.hpp"
#include "replication/change_frame.hpp"

using namespace twinsms;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& dir, const std::string& name, std::string_view bytes) {
    fs::create_directories(dir);
    std::ofstream{dir / name, std::ios::binary} << bytes;
}
std::string_view as_text(std::span<const std::uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
std::string safe(std::string n) {
    for (auto& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
}
std::string from_hex(std::string_view h) {
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(std::string{h.substr(i, 2)}, nullptr, 16));
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: fuzz_make_seeds CORPUS_DIR NODE_SMPP_CORPUS_TXT\n";
        return 2;
    }
    const fs::path out{argv[1]};
    std::string stream;
    std::size_t n = 0;
    auto add_pdu = [&](const std::string& name, std::string_view wire) {
        write(out / "smpp_libsmpp34", safe(name), wire);
        write(out / "smpp_codec", safe(name), std::string(1, static_cast<char>(n % 64)) + std::string{wire});
        stream += wire;
        ++n;
    };
    for (const auto& e : smpp::test::accepted_corpus()) add_pdu(e.name, as_text(e.pdu.bytes()));
    for (const auto& e : smpp::test::real_peer_corpus()) add_pdu("peer_" + e.name, as_text(e.pdu.bytes()));
    std::ifstream node{argv[2]};
    for (std::string line; std::getline(node, line);) {
        const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
        if (t1 == std::string::npos || t2 == std::string::npos) continue;
        add_pdu("node_smpp_" + line.substr(0, t1), from_hex(line.substr(t1 + 1, t2 - t1 - 1)));
    }
    for (int chunk : {0, 7, 63}) write(out / "smpp_codec", "stream_" + std::to_string(chunk), std::string(1, static_cast<char>(chunk)) + stream);

    // Replication frames: a whole stream, and each body alone (selector 0x80).
    std::string frames;
    replication::encode(replication::hello{"site2", 41, "pair-replication-secret-0123"}, frames);
    store::write_batch b;
    b.put(store::table::messages, "k1", "v1");
    b.erase(store::table::messages, "k0");
    b.admit();
    replication::encode_change(42, b, frames);
    replication::encode(replication::ack{42}, frames);
    replication::encode(replication::snapshot_chunk{std::string(100, '\x01')}, frames);
    replication::encode(replication::snapshot_end{100}, frames);
    for (int chunk : {0, 5, 96}) write(out / "replication_frame", "stream_" + std::to_string(chunk), std::string(1, static_cast<char>(chunk)) + frames);
    // Bodies: each frame after its 8 bytes of length and CRC.
    for (std::size_t at = 0, i = 0; at + 8 <= frames.size(); ++i) {
        std::uint32_t len = 0;
        for (int k = 0; k < 4; ++k) len = (len << 8) | static_cast<unsigned char>(frames[at + k]);
        write(out / "replication_frame", "body_" + std::to_string(i), std::string(1, '\x80') + frames.substr(at + 8, len - 4));
        at += 4 + len;
    }
    std::cout << n << " PDUs written\n";
}
