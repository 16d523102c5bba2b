// The replica store (replica.hpp).
#include "replication/replica.hpp"

#include "store/message_codec.hpp"

namespace twinsms::replication {
namespace {

std::uint64_t stored_position(const store::message_store& st) {
    const auto v = st.get_meta(replica::position_key);
    std::uint64_t seq = 0;
    if (v && !store::read_be64(*v, 0, seq)) seq = 0;
    return seq;
}

} // namespace

replica::replica(store::store_options opt)
    : opt_{opt}, store_{std::make_unique<store::message_store>(std::move(opt))}, state_{stored_position(*store_)} {}

boost::system::error_code replica::adopt(const std::filesystem::path& snapshot, boost::asio::any_io_executor ex) {
    store_.reset(); // commits what is queued and closes the environment
    std::error_code ec;
    std::filesystem::rename(snapshot, opt_.path / "data.mdb", ec);
    std::error_code ignored;
    if (!ec) std::filesystem::remove(opt_.path / "lock.mdb", ignored); // LMDB makes a new one
    store_ = std::make_unique<store::message_store>(opt_); // the copy, or the old replica if the move failed
    if (ec) return make_error_code(store::store_error::io);
    // The copy's own commit sequence is the peer's position in its stream;
    // from now on this store's commits count their own, so keep it apart.
    std::uint64_t seq = 0;
    if (auto v = store_->get_meta("last_commit_seq")) store::read_be64(*v, 0, seq);
    std::string pos;
    store::append_be64(pos, seq);
    store::write_batch b;
    b.put(store::table::meta, std::string{position_key}, std::move(pos));
    store_->write(std::move(b), std::move(ex), [](const store::error_code&) {});
    store_->flush();
    state_.reset(seq);
    return {};
}

store::message_store& replica::reopen() {
    store_.reset();
    store_ = std::make_unique<store::message_store>(opt_);
    return *store_;
}

void replica::forget_position(boost::asio::any_io_executor ex) {
    std::string pos;
    store::append_be64(pos, 0);
    store::write_batch b;
    b.put(store::table::meta, std::string{position_key}, std::move(pos));
    store_->write(std::move(b), std::move(ex), [](const store::error_code&) {});
    store_->flush();
    state_.reset(0);
}

void replica::on_change(change c, boost::asio::any_io_executor ex, done_fn done) {
    std::vector<change> one;
    one.push_back(std::move(c));
    on_changes(std::move(one), std::move(ex), std::move(done));
}

void replica::on_changes(std::vector<change> cs, boost::asio::any_io_executor ex, done_fn done) {
    store::write_batch b;
    std::uint64_t last = 0;
    bool gap = false;
    for (auto& c : cs) {
        const auto v = state_.arrived(c.seq);
        if (v == receiver_state::verdict::skip) continue;
        if (v == receiver_state::verdict::gap) {
            gap = true;
            break;
        }
        last = c.seq;
        b.append(to_batch(std::move(c)));
    }
    const auto gap_ec = gap ? make_error_code(frame_error::gap) : boost::system::error_code{};
    if (!last) return done(gap_ec, state_.applied());
    // The peer's commits of one read applied as one: what a later commit
    // of the read overrides is not written at all.
    coalesced_ += b.coalesce();
    std::string pos;
    store::append_be64(pos, last);
    b.put(store::table::meta, std::string{position_key}, std::move(pos));
    store_->write(std::move(b), ex, [this, last, gap_ec, done = std::move(done)](const store::error_code& ec) {
        if (!ec) state_.committed(last);
        done(ec ? ec : gap_ec, state_.applied());
    });
}

} // namespace twinsms::replication
