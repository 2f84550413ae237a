#pragma once
// The only way project code includes Boost.Asio (bridge, transport, poller, simulator, tests).
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>
// (chriskohlhoff/asio #944), so <utility> must come first. A file that needs more of Asio
// (signal_set, ...) includes those headers after this one.
#include <utility>

// GCC 12 reports a false -Wmismatched-new-delete for every coroutine frame of Asio 1.18
// (awaitable_frame_base has a sized operator delete and a custom operator new that GCC's
// heuristic does not pair). The warning fires at the coroutine's definition, so it is disabled
// for the rest of every translation unit that uses Asio coroutines through this header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace bridge {

namespace asio = boost::asio;
using asio::awaitable;
using tcp = asio::ip::tcp;

}  // namespace bridge
