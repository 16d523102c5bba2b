// The replication stream's frames (change_frame.hpp).
#include "replication/change_frame.hpp"

#include <zlib.h>

namespace twinsms::replication {
namespace {

enum class kind : std::uint8_t { hello = 1, change = 2, ack = 3, snapshot_chunk = 4, snapshot_end = 5, reclaim = 6,
                          reclaim_answer = 7 };

class frame_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "twinsms.replication.frame"; }
    std::string message(int ev) const override {
        switch (static_cast<frame_error>(ev)) {
        case frame_error::ok: return "ok";
        case frame_error::too_large: return "replication frame over the size limit";
        case frame_error::bad_crc: return "replication frame fails its CRC";
        case frame_error::bad_version: return "replication protocol version not supported";
        case frame_error::bad_kind: return "unknown replication frame kind";
        case frame_error::malformed: return "malformed replication frame";
        case frame_error::gap: return "replication stream has a gap";
        }
        return "unknown replication frame error";
    }
};

void put_u8(std::string& o, std::uint8_t v) { o.push_back(static_cast<char>(v)); }
void put_u32(std::string& o, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) o.push_back(static_cast<char>((v >> s) & 0xff));
}
void put_u64(std::string& o, std::uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) o.push_back(static_cast<char>((v >> s) & 0xff));
}
void put_bytes(std::string& o, std::string_view b) {
    put_u32(o, static_cast<std::uint32_t>(b.size()));
    o.append(b);
}

// CRC-32 (IEEE, as boost::crc_32_type computed it before: the same on the
// wire) from zlib: its word-at-a-time loop was the sender's and the
// receiver's top symbol under sync load with the byte-wise table.
std::uint32_t crc_of(std::string_view b) {
    return static_cast<std::uint32_t>(::crc32_z(0UL, reinterpret_cast<const Bytef*>(b.data()), b.size()));
}

// Reads fields off a body; any read past its end makes the whole decode fail.
struct cursor {
    std::string_view in;
    bool ok = true;
    std::uint64_t uint(int bytes) {
        if (!ok || in.size() < static_cast<std::size_t>(bytes)) return ok = false, 0;
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
        in.remove_prefix(bytes);
        return v;
    }
    std::string bytes() {
        const auto n = uint(4);
        if (!ok || in.size() < n) return ok = false, std::string{};
        std::string out{in.substr(0, n)};
        in.remove_prefix(n);
        return out;
    }
};

// Wraps a body written after a placeholder header at `start` in `out`.
void seal(std::string& out, std::size_t start) {
    const std::string_view body{out.data() + start + 8, out.size() - start - 8};
    const auto len = static_cast<std::uint32_t>(body.size() + 4);
    const auto crc = crc_of(body);
    for (int i = 0; i < 4; ++i) out[start + i] = static_cast<char>((len >> (24 - 8 * i)) & 0xff);
    for (int i = 0; i < 4; ++i) out[start + 4 + i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
}

void change_body(std::string& o, std::uint64_t seq, bool admits, const std::vector<store::write_batch::op>& ops,
                 const std::vector<std::pair<std::string, int>>& moves) {
    put_u8(o, protocol_version);
    put_u8(o, static_cast<std::uint8_t>(kind::change));
    put_u64(o, seq);
    put_u8(o, admits ? 1 : 0);
    put_u32(o, static_cast<std::uint32_t>(ops.size()));
    for (const auto& op : ops) {
        put_u8(o, static_cast<std::uint8_t>(op.t));
        put_u8(o, op.erase ? 1 : 0);
        put_bytes(o, op.key);
        put_bytes(o, op.value);
    }
    put_u32(o, static_cast<std::uint32_t>(moves.size()));
    for (const auto& [account, d] : moves) {
        put_bytes(o, account);
        put_u32(o, static_cast<std::uint32_t>(d));
    }
}

} // namespace

const boost::system::error_category& frame_category() noexcept {
    static const frame_category_impl c;
    return c;
}

void encode_change(std::uint64_t seq, const store::write_batch& b, std::string& out) {
    const auto start = out.size();
    out.append(8, '\0');
    change_body(out, seq, b.admits(), b.ops(), b.queue_moves());
    seal(out, start);
}

void encode(const frame& f, std::string& out) {
    const auto start = out.size();
    out.append(8, '\0');
    if (const auto* h = std::get_if<hello>(&f)) {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::hello));
        put_bytes(out, h->node);
        put_u64(out, h->applied);
        put_bytes(out, h->token);
    } else if (const auto* c = std::get_if<change>(&f)) {
        change_body(out, c->seq, c->admits, c->ops, c->queue_moves);
    } else if (const auto* sc = std::get_if<snapshot_chunk>(&f)) {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::snapshot_chunk));
        put_bytes(out, sc->bytes);
    } else if (const auto* se = std::get_if<snapshot_end>(&f)) {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::snapshot_end));
        put_u64(out, se->size);
    } else if (const auto* r = std::get_if<reclaim>(&f)) {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::reclaim));
        put_bytes(out, r->node);
        put_bytes(out, r->token);
        put_u8(out, r->adopted ? 1 : 0);
    } else if (const auto* ra = std::get_if<reclaim_answer>(&f)) {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::reclaim_answer));
        put_u8(out, ra->held ? 1 : 0);
    } else {
        put_u8(out, protocol_version);
        put_u8(out, static_cast<std::uint8_t>(kind::ack));
        put_u64(out, std::get<ack>(f).seq);
    }
    seal(out, start);
}

boost::system::error_code decode_body(std::string_view body, frame& out) {
    cursor c{body};
    const auto version = c.uint(1);
    const auto k = c.uint(1);
    if (!c.ok) return frame_error::malformed;
    if (version != protocol_version) return frame_error::bad_version;
    switch (static_cast<kind>(k)) {
    case kind::hello: {
        hello h;
        h.node = c.bytes();
        h.applied = c.uint(8);
        h.token = c.bytes();
        out = std::move(h);
        break;
    }
    case kind::change: {
        change ch;
        ch.seq = c.uint(8);
        ch.admits = c.uint(1) != 0;
        const auto n_ops = c.uint(4);
        // Each op takes at least 10 bytes: a count beyond that is a lie.
        if (!c.ok || n_ops > c.in.size() / 10) return frame_error::malformed;
        ch.ops.reserve(n_ops);
        for (std::uint64_t i = 0; i < n_ops && c.ok; ++i) {
            const auto t = c.uint(1);
            if (t >= static_cast<std::uint64_t>(store::table::count_)) return frame_error::malformed;
            store::write_batch::op op{static_cast<store::table>(t), c.uint(1) != 0, {}, {}};
            op.key = c.bytes();
            op.value = c.bytes();
            ch.ops.push_back(std::move(op));
        }
        const auto n_moves = c.uint(4);
        if (!c.ok || n_moves > c.in.size() / 8) return frame_error::malformed;
        for (std::uint64_t i = 0; i < n_moves && c.ok; ++i) {
            auto account = c.bytes();
            const auto d = static_cast<std::int32_t>(static_cast<std::uint32_t>(c.uint(4)));
            ch.queue_moves.emplace_back(std::move(account), d);
        }
        out = std::move(ch);
        break;
    }
    case kind::ack: out = ack{c.uint(8)}; break;
    case kind::snapshot_chunk: out = snapshot_chunk{c.bytes()}; break;
    case kind::snapshot_end: out = snapshot_end{c.uint(8)}; break;
    case kind::reclaim: {
        reclaim r;
        r.node = c.bytes();
        r.token = c.bytes();
        const auto adopted = c.uint(1);
        if (adopted > 1) return frame_error::malformed;
        r.adopted = adopted == 1;
        out = std::move(r);
        break;
    }
    case kind::reclaim_answer: {
        const auto held = c.uint(1);
        if (held > 1) return frame_error::malformed;
        out = reclaim_answer{held == 1};
        break;
    }
    default: return frame_error::bad_kind;
    }
    if (!c.ok || !c.in.empty()) return frame_error::malformed;
    return {};
}

std::optional<frame> frame_reader::next(boost::system::error_code& ec) {
    ec = {};
    const std::string_view avail{buffer_.data() + used_, buffer_.size() - used_};
    if (avail.size() < 4) return std::nullopt;
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(avail[i]);
    if (len > max_frame_bytes || len < 4) {
        ec = frame_error::too_large;
        if (len < 4) ec = frame_error::malformed;
        return std::nullopt;
    }
    if (avail.size() < 4 + std::size_t{len}) return std::nullopt;
    std::uint32_t crc = 0;
    for (int i = 4; i < 8; ++i) crc = (crc << 8) | static_cast<unsigned char>(avail[i]);
    const auto body = avail.substr(8, len - 4);
    if (crc_of(body) != crc) {
        ec = frame_error::bad_crc;
        return std::nullopt;
    }
    frame f;
    if ((ec = decode_body(body, f))) return std::nullopt;
    used_ += 4 + len;
    // Compact once the consumed part dominates, so the buffer stays bounded.
    if (used_ > 1 << 20 && used_ * 2 > buffer_.size()) {
        buffer_.erase(0, used_);
        used_ = 0;
    }
    return f;
}

store::write_batch to_batch(change c) {
    store::write_batch b;
    for (auto& op : c.ops) {
        if (op.erase) b.erase(op.t, std::move(op.key));
        else b.put(op.t, std::move(op.key), std::move(op.value));
    }
    for (const auto& [account, d] : c.queue_moves) b.add_queue_move(account, d);
    if (c.admits) b.admit();
    return b;
}

} // namespace twinsms::replication
