#pragma once
// A non-owning reference to "can this carrier take the message?", called
// once per carrier of a rule on every pick. A std::function would allocate
// for any capture beyond two pointers and copy on every call site; this is
// two pointers and never allocates. It must not outlive the callable it was
// made from (pass it down, never store it).
#include <string_view>
#include <type_traits>
#include <utility>

namespace twinsms::route {

class carrier_filter {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, carrier_filter> &&
                 std::is_invocable_r_v<bool, std::remove_reference_t<F>&, std::string_view>)
    carrier_filter(F&& f) noexcept // NOLINT: implicit, so lambdas and std::function pass as is
        : obj_{const_cast<void*>(static_cast<const void*>(std::addressof(f)))},
          call_{[](void* o, std::string_view c) -> bool {
              return static_cast<bool>((*static_cast<std::remove_reference_t<F>*>(o))(c));
          }} {}

    bool operator()(std::string_view carrier) const { return call_(obj_, carrier); }

private:
    void* obj_;
    bool (*call_)(void*, std::string_view);
};

} // namespace twinsms::route
