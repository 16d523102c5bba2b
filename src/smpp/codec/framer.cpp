#include <cstring>

#include "smpp/codec/codec.hpp"
#include "smpp/codec/framer.hpp"

namespace twinsms::smpp {

framer::framer(std::uint32_t max_pdu_size, std::size_t initial_capacity)
    : buf_(std::max<std::size_t>(initial_capacity, header_size)), max_{max_pdu_size} {}

std::span<std::uint8_t> framer::prepare() {
    const std::size_t pending = end_ - begin_;
    if (begin_ > 0 && (pending == 0 || buf_.size() - end_ < buf_.size() / 4 || buf_.size() - begin_ < want_)) {
        if (pending) std::memmove(buf_.data(), buf_.data() + begin_, pending);
        begin_ = 0;
        end_ = pending;
    }
    // want_ never exceeds max_ (checked in next()), so growth is bounded.
    if (buf_.size() < want_) buf_.resize(want_);
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    return {buf_.data() + end_, buf_.size() - end_};
}

framer::result framer::next() noexcept {
    const std::size_t avail = end_ - begin_;
    if (avail < header_size) {
        want_ = header_size;
        return {};
    }
    const std::span<const std::uint8_t> at{buf_.data() + begin_, avail};
    const header h = read_header(at);
    if (h.command_length < header_size || h.command_length > max_) return {status::bad_length, {}, h};
    if (avail < h.command_length) {
        want_ = h.command_length;
        return {status::need_more, {}, h};
    }
    begin_ += h.command_length;
    want_ = header_size;
    return {status::frame, at.first(h.command_length), h};
}

} // namespace twinsms::smpp
