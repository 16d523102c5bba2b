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
    switch (state_.arrived(c.seq)) {
    case receiver_state::verdict::skip: return done({}, state_.applied());
    case receiver_state::verdict::gap: return done(make_error_code(frame_error::gap), state_.applied());
    case receiver_state::verdict::apply: break;
    }
    const auto seq = c.seq;
    auto b = to_batch(std::move(c));
    std::string pos;
    store::append_be64(pos, seq);
    b.put(store::table::meta, std::string{position_key}, std::move(pos));
    store_->write(std::move(b), ex, [this, seq, done = std::move(done)](const store::error_code& ec) {
        if (!ec) state_.committed(seq);
        done(ec, state_.applied());
    });
}

} // namespace twinsms::replication
