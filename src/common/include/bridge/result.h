#pragma once
// Result type for every layer. GCC 12 gates <expected> on C++23, so we use tl::expected
// (libexpected-dev), which has the same API; swap the alias when the project moves to C++23.
#include <tl/expected.hpp>

namespace bridge {

template <class T, class E>
using Result = tl::expected<T, E>;

template <class E>
using Unexpected = tl::unexpected<E>;

template <class E>
constexpr tl::unexpected<std::decay_t<E>> fail(E&& e) {
  return tl::unexpected<std::decay_t<E>>(std::forward<E>(e));
}

}  // namespace bridge
