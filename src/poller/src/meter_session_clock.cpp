// MeterSession, part 4: the meter's clock ([qos] clock). On the first cycle of an association
// and every clock_check_every cycles after it, on the cycle's association and concurrency slot:
// read 0-0:1.0.0, judge it (clock_check.h), report the offset; in sync mode SET it when it is
// beyond clock_max_offset (bounded steps) and read it back. A failed or refused clock request is
// an event, never a failed cycle: the registers were read.
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bridge/human_duration.h"
#include "bridge/log.h"
#include "bridge/poller/meter_session.h"

namespace bridge::poller {

namespace {

UtcTime utc_now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

// "150.2 s ahead", "0.4 s behind"
std::string offset_text(double offset_s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f s %s", std::abs(offset_s), offset_s >= 0 ? "ahead" : "behind");
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::abs(s));
  return buf;
}

}  // namespace

awaitable<std::optional<ClockRead>> MeterSession::read_clock() {
  apply_request_timeout();
  in_connection_op_ = true;
  auto r = co_await connection_->read_clock();
  in_connection_op_ = false;
  if (r) co_return std::move(*r);
  request_failed(r.error());
  if (!r.error().cancelled && !stopping_) {
    report_.event(Severity::warning, "clock", "clock read failed: " + r.error().message,
                  nlohmann::json{{"reason", labels::to_label(r.error().reason)}}.dump());
  }
  co_return std::nullopt;
}

void MeterSession::record_clock(const ClockRead& read, const ClockAssessment& a) {
  clock_status_.checked_ms = wall_ms();
  clock_status_.offset_s = a.offset_s;
  clock_status_.meter_time = read.value.text;
  clock_status_.problem = a.problem;
  report_.clock_checked(a.offset_s);
  if (!a.problem.empty()) {
    report_.event(Severity::warning, "clock", "clock: " + a.problem,
                  nlohmann::json{{"quality", to_label(a.quality)}, {"meter_time", read.value.text}}.dump());
  }
}

awaitable<void> MeterSession::check_clock() {
  auto first = co_await read_clock();
  if (!first || stopping_ || !connection_) co_return;
  const ClockAssessment a = assess_clock(first->value, first->sent, first->received);
  record_clock(*first, a);
  const auto& policy = clock_.policy();
  const bool beyond = a.offset_s && std::abs(*a.offset_s) > std::chrono::duration<double>(policy.max_offset).count();
  const auto plan = plan_clock_set(policy, first->value, a, utc_now());
  if (!plan) {
    if (beyond) {
      report_.event(Severity::warning, "clock",
                    "clock " + offset_text(*a.offset_s) + " of the bridge's, beyond clock_max_offset (" +
                        human_duration(policy.max_offset) + "); clock = \"" +
                        std::string(config::to_string(policy.mode)) + "\" leaves it",
                    nlohmann::json{{"offset_seconds", *a.offset_s}, {"meter_time", first->value.text}}.dump());
    }
    co_return;
  }
  apply_request_timeout();
  in_connection_op_ = true;
  auto set = co_await connection_->set_clock(*plan);
  in_connection_op_ = false;
  if (!set) {
    request_failed(set.error());
    if (!set.error().cancelled && !stopping_) {
      report_.event(Severity::warning, "clock",
                    "clock set refused: " + set.error().message +
                        " (writing the clock needs a client allowed to, e.g. LLS client SAP 1)",
                    nlohmann::json{{"reason", labels::to_label(set.error().reason)}}.dump());
    }
    co_return;
  }
  report_.clock_synced();
  std::string message;
  if (a.offset_s) {
    message = "clock set: the meter was " + offset_text(*a.offset_s) + "; moved " +
              (plan->step_s >= 0 ? "forward" : "back") + " by " + seconds_text(plan->step_s);
    if (plan->bounded) message += " (clock_max_step " + human_duration(policy.max_step) + "; more steps follow)";
  } else {
    message = "clock set to the bridge's time: " + a.problem;
  }
  log::info("clock set", {{"meter", meter_->id}, {"message", message}});
  nlohmann::json details{{"meter_time", first->value.text}, {"bounded", plan->bounded}};
  if (a.offset_s) {
    details["offset_seconds"] = *a.offset_s;
    details["step_seconds"] = plan->step_s;
  }
  report_.event(Severity::info, "clock", message, details.dump(), true);
  // What the meter shows now: the offset the next scrape and the API report.
  if (stopping_ || !connection_ || !connection_->is_open()) co_return;
  auto after = co_await read_clock();
  if (after) record_clock(*after, assess_clock(after->value, after->sent, after->received));
}

}  // namespace bridge::poller
