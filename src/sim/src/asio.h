#pragma once
// The one way the simulator includes Asio: Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility> (chriskohlhoff/asio #944), so <utility> comes first.
#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>
