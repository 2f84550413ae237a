#pragma once
// The fixture the single-stack e2e tests share: one BridgeStack whose bridge is started and
// ready, and every process's log printed when the test failed.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>

#include "bridge_stack.h"

namespace e2e {

class StackTest : public ::testing::Test {
 protected:
  // Starts mosquitto, the simulator and the bridge; a fatal failure when the bridge is not ready.
  void start(StackOptions options = {}) {
    stack_ = std::make_unique<BridgeStack>(std::move(options));
    stack_->start_bridge();
    ASSERT_TRUE(stack_->wait_ready()) << stack_->logs();
  }
  void TearDown() override {
    if (HasFailure() && stack_) std::cerr << stack_->logs();
  }
  std::unique_ptr<BridgeStack> stack_;
};

}  // namespace e2e
