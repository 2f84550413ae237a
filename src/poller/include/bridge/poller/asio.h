#pragma once
// Boost.Asio for the poller. Boost 1.74's awaitable.hpp uses std::exchange without including
// <utility> (chriskohlhoff/asio #944): <utility> must come first.
#include <utility>

// GCC 12 reports a false -Wmismatched-new-delete for some coroutine frames of Asio 1.18
// (awaitable_frame_base pairs a custom operator new with a sized operator delete, which GCC's
// heuristic does not recognise); same treatment as bridge/transport/asio.h.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bridge::poller {
namespace asio = boost::asio;
using asio::awaitable;
}  // namespace bridge::poller
