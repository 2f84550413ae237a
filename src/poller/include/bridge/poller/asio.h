#pragma once
// Boost.Asio for the poller. Boost 1.74's awaitable.hpp uses std::exchange without including
// <utility> (chriskohlhoff/asio #944): <utility> must come first.
#include <utility>

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
