#pragma once
// Runs one coroutine on a test io_context to completion, with a hard bound so a broken
// deadline fails the test instead of hanging it.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>

#include "bridge/asio.h"

namespace bridge::transport::test {

template <class T>
T run_coro(asio::io_context& io, asio::awaitable<T> coro, std::chrono::seconds bound = std::chrono::seconds(20)) {
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(coro), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!result && !error && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
  if (error) std::rethrow_exception(error);
  if (!result) throw std::runtime_error("coroutine did not finish within the test bound");
  return std::move(*result);
}

inline void run_coro(asio::io_context& io, asio::awaitable<void> coro,
                     std::chrono::seconds bound = std::chrono::seconds(20)) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(coro), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
  if (error) std::rethrow_exception(error);
  if (!done) throw std::runtime_error("coroutine did not finish within the test bound");
}

}  // namespace bridge::transport::test
