#pragma once
// In-memory driving of a ServerSession: bytes in, frames out, virtual time.
#include <gtest/gtest.h>

#include <vector>

#include "dlms/bytes.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/frame_decoder.h"
#include "sim/server_session.h"

namespace sim_test {

using dlms::Bytes;

inline Bytes hex(std::string_view text) {
  auto b = dlms::from_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b ? *b : Bytes{};
}

inline sim::SteadyTime t0() {
  return sim::SteadyTime{} + std::chrono::hours(1);
}

struct SessionDriver {
  sim::ServerSession& session;
  sim::SteadyTime now = t0();

  std::vector<sim::Output> send(const Bytes& bytes) {
    session.handle_bytes(bytes, now, std::chrono::system_clock::now());
    std::vector<sim::Output> out;
    while (auto o = session.poll_transmit()) out.push_back(std::move(*o));
    return out;
  }
  static dlms::hdlc::Frame frame(const sim::Output& o) {
    auto f = dlms::hdlc::decode_frame(o.bytes);
    EXPECT_TRUE(f) << dlms::to_hex(o.bytes);
    return f ? *f : dlms::hdlc::Frame{};
  }
};

}  // namespace sim_test
