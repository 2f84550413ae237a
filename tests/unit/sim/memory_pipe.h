#pragma once
// A Pipe that feeds a ServerSession directly (no sockets, no threads).
#include "dlms_test_client.h"
#include "sim/server_session.h"

namespace sim_test {

struct MemoryPipe {
  explicit MemoryPipe(sim::ServerSession& s) : session(s) {}
  sim::ServerSession& session;
  dlms::Bytes inbox;
  std::vector<sim::Output> outputs;  // everything the session wrote, in order

  Pipe pipe() {
    return Pipe{[this](const dlms::Bytes& b) {
                  session.handle_bytes(b, std::chrono::steady_clock::now(), std::chrono::system_clock::now());
                  while (auto o = session.poll_transmit()) {
                    inbox.insert(inbox.end(), o->bytes.begin(), o->bytes.end());
                    outputs.push_back(std::move(*o));
                  }
                },
                [this](std::chrono::milliseconds) {
                  dlms::Bytes b = std::move(inbox);
                  inbox.clear();
                  return b;
                }};
  }
};

}  // namespace sim_test
