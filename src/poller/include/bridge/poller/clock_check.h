#pragma once
// The meter's clock (0-0:1.0.0, class 8): when to read it, what a reading says, and how far to
// set it. Sans-I/O: the session reads and writes the clock; these functions only decide, with
// the bridge's wall-clock times passed in.
//
// Offset = meter minus bridge. The meter stamps its answer somewhere between the request's send
// and the reply's arrival; with a symmetric path that is the middle, so the bridge time it is
// compared with is sent + round_trip / 2 (the error is at most half the round trip).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bridge/config/config.h"

namespace bridge::poller {

using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;

struct ClockPolicy {
  config::ClockMode mode = config::ClockMode::monitor;
  std::uint32_t check_every = 60;  // cycles
  std::chrono::milliseconds max_offset{10000};
  std::chrono::milliseconds max_step{300000};
};
ClockPolicy clock_policy(const config::QosConfig& q);

// The meter's date-time as the codec decoded it, reduced to what the decision needs.
struct MeterClockValue {
  std::optional<UtcTime> utc;  // nullopt: incomplete, or no deviation (local time of an unknown zone)
  std::int16_t deviation = 0;  // minutes, UTC = local + deviation; -32768 = not specified
  std::uint8_t status = 0;     // clock status bits; 0xFF = not specified
  std::string text;            // ISO 8601 as the meter said it, for messages
};

// Clock status bits (Blue Book 4.1.6.1).
inline constexpr std::uint8_t kClockInvalidValue = 0x01;
inline constexpr std::uint8_t kClockDoubtfulValue = 0x02;
inline constexpr std::uint8_t kClockInvalidStatus = 0x08;
inline constexpr std::int16_t kNoDeviation = -32768;

enum class ClockQuality {
  ok,
  doubtful,      // status says doubtful: the offset is exported, an event notes it
  invalid,       // status says invalid (value or clock status): no offset; sync sets it outright
  unknown_zone,  // deviation not specified: no UTC instant, no offset, no sync
  incomplete,    // a field is "not specified": no offset; sync sets it outright
};
std::string_view to_label(ClockQuality q);

struct ClockAssessment {
  ClockQuality quality = ClockQuality::ok;
  std::optional<double> offset_s;  // meter minus bridge (ok and doubtful only)
  std::chrono::milliseconds round_trip{0};
  std::string problem;  // operator text when quality != ok
};

// `sent`: bridge time when the GET left; `received`: when its reply arrived.
ClockAssessment assess_clock(const MeterClockValue& meter, UtcTime sent, UtcTime received);

// A SET of the clock: the instant the meter should show, in its own zone.
struct ClockSet {
  UtcTime target;             // UTC instant written (the meter's local time = target - deviation)
  std::int16_t deviation = 0; // the meter's own deviation, kept
  std::uint8_t status = 0;    // the meter's daylight-saving bit kept, the invalid/doubtful bits cleared
  double step_s = 0;          // how far the meter's clock moves (negative: back); NaN when it was invalid
  bool bounded = false;       // max_step cut the correction short: more checks will follow
};

// Whether and how to set the clock, given the assessment of a read that arrived at
// `assessment_received` and a SET about to be sent at `now` (the meter's clock has moved on by
// now - received since; so has the bridge's). nullopt: leave it (monitor mode, within
// max_offset, or unknown zone).
std::optional<ClockSet> plan_clock_set(const ClockPolicy& policy, const MeterClockValue& meter,
                                       const ClockAssessment& assessment, UtcTime now);

// When to read the clock: on the first cycle of every association, then every check_every cycles.
class ClockSchedule {
 public:
  explicit ClockSchedule(ClockPolicy policy) : policy_(policy) {}
  void set_policy(const ClockPolicy& p) { policy_ = p; }
  const ClockPolicy& policy() const { return policy_; }

  void on_associated() { cycles_since_check_.reset(); }
  // Whether this cycle reads the clock.
  bool due() const {
    return policy_.mode != config::ClockMode::off &&
           (!cycles_since_check_ || *cycles_since_check_ + 1 >= policy_.check_every);
  }
  // A cycle ran; `checked`: it read the clock (successfully or not: a failing read is not
  // retried every cycle).
  void on_cycle(bool checked) {
    if (checked) cycles_since_check_ = 0;
    else if (cycles_since_check_) ++*cycles_since_check_;
  }

 private:
  ClockPolicy policy_;
  std::optional<std::uint32_t> cycles_since_check_;  // nullopt: not checked in this association
};

}  // namespace bridge::poller
