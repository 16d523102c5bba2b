#include <string>

#include "store/message_store.hpp"

namespace twinsms::store {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "twinsms.store"; }
    std::string message(int ev) const override {
        switch (static_cast<store_error>(ev)) {
        case store_error::ok: return "ok";
        case store_error::full: return "store full";
        case store_error::io: return "store I/O error";
        case store_error::closed: return "store closed";
        case store_error::corrupt: return "corrupt store record";
        }
        return "unknown store error";
    }
};

} // namespace

const boost::system::error_category& store_category() noexcept {
    static const category c;
    return c;
}

} // namespace twinsms::store
