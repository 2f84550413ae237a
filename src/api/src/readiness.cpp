#include "bridge/api/readiness.h"

namespace bridge::api {

void Readiness::set_waiting(const std::string& name, std::string reason) {
  std::lock_guard lock(mutex_);
  conditions_[name] = {false, std::move(reason)};
}

void Readiness::set_ready(const std::string& name) {
  std::lock_guard lock(mutex_);
  conditions_[name] = {true, {}};
}

Readiness::State Readiness::state() const {
  std::lock_guard lock(mutex_);
  State s;
  for (const auto& [name, condition] : conditions_) {
    if (!condition.first) s.waiting.emplace_back(name, condition.second);
  }
  s.ready = s.waiting.empty();
  return s;
}

}  // namespace bridge::api
