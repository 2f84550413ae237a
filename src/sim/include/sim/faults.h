#pragma once
// Fault injection vocabulary of dlms-meter-sim: what can be broken on a meter (FaultSettings),
// what was actually injected (FaultCounters, one counter per FaultKind) and the label of each
// kind as the control endpoint reports it. Settings come from the command line, the scenario
// file and the control endpoint; all three use the same key names (fault_keys()).
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace sim {

// Each kind is counted once per injection (see the comment of each value for the unit).
enum class FaultKind {
  refuse,           // a connection refused (shared port: closed after its first frame; own port: listener closed)
  close_on_accept,  // a connection closed right after accept
  silent,           // a received frame swallowed because the meter is silent
  silent_after,     // the meter turned silent after `silent_after` requests
  slow,             // a response delayed
  drop_mid_frame,   // a connection closed in the middle of a response frame
  corrupt_hcs,      // a response frame sent with a wrong HCS
  corrupt_fcs,      // a response frame sent with a wrong FCS
  garbage,          // garbage bytes written before a response frame
  value_7e,         // a register value forced to contain the byte 0x7E
  split_writes,     // a response frame written as 1-byte TCP writes
  reject_auth,      // an AARQ rejected as authentication failure although the password was right
  reject_busy,      // an AARQ rejected as busy although no other association was open
  disconnect,       // a connection closed at random instead of answering a request
  clock_trailing_bytes,  // a clock (attribute 2) reply sent with extra bytes after the date-time
};

inline constexpr std::array kFaultKinds = {
    FaultKind::refuse,      FaultKind::close_on_accept, FaultKind::silent,       FaultKind::silent_after,
    FaultKind::slow,        FaultKind::drop_mid_frame,  FaultKind::corrupt_hcs,  FaultKind::corrupt_fcs,
    FaultKind::garbage,     FaultKind::value_7e,        FaultKind::split_writes, FaultKind::reject_auth,
    FaultKind::reject_busy, FaultKind::disconnect,      FaultKind::clock_trailing_bytes};

constexpr std::string_view to_label(FaultKind kind) {
  switch (kind) {
    case FaultKind::refuse: return "refuse";
    case FaultKind::close_on_accept: return "close_on_accept";
    case FaultKind::silent: return "silent";
    case FaultKind::silent_after: return "silent_after";
    case FaultKind::slow: return "slow";
    case FaultKind::drop_mid_frame: return "drop_mid_frame";
    case FaultKind::corrupt_hcs: return "corrupt_hcs";
    case FaultKind::corrupt_fcs: return "corrupt_fcs";
    case FaultKind::garbage: return "garbage";
    case FaultKind::value_7e: return "value_7e";
    case FaultKind::split_writes: return "split_writes";
    case FaultKind::reject_auth: return "reject_auth";
    case FaultKind::reject_busy: return "reject_busy";
    case FaultKind::disconnect: return "disconnect";
    case FaultKind::clock_trailing_bytes: return "clock_trailing_bytes";
  }
  return "unknown";
}

// Forced association rejection.
enum class RejectMode { none, auth, busy };
constexpr std::string_view to_label(RejectMode mode) {
  switch (mode) {
    case RejectMode::none: return "none";
    case RejectMode::auth: return "auth";
    case RejectMode::busy: return "busy";
  }
  return "none";
}

// What is broken on one meter. Probabilities are per response frame (corrupt_*, garbage,
// drop_mid_frame) or per received request (disconnect); 0 disables, 1 always.
struct FaultSettings {
  bool refuse = false;
  bool close_on_accept = false;
  bool silent = false;                 // stays silent until reset (or silent=false)
  std::chrono::milliseconds delay{0};  // every response waits delay + uniform[0, delay_jitter]
  std::chrono::milliseconds delay_jitter{0};
  double drop_mid_frame = 0;
  double corrupt_hcs = 0;
  double corrupt_fcs = 0;
  double garbage = 0;
  int garbage_bytes = 8;  // garbage never contains 0x7E (noise between frames)
  bool value_7e = false;
  bool split_writes = false;
  RejectMode reject_association = RejectMode::none;
  int silent_after = 0;  // 0 = off; after N requests the meter turns silent
  double disconnect = 0;
  // The meter's clock (docs: src/sim/README.md "Clock"): starts clock_offset_s seconds off the
  // host's UTC and gains clock_drift_ppm millionths of a second per second (negative = loses).
  double clock_offset_s = 0;
  double clock_drift_ppm = 0;
  // A widely used server's quirk: the clock's attribute 2 reply carries this many extra bytes
  // after the complete date-time (0 = off).
  int clock_trailing_bytes = 0;

  bool any() const;
  bool operator==(const FaultSettings&) const = default;
};

// Keys accepted by apply_fault (same names in TOML, JSON and --fault KEY=VALUE):
// refuse, close_on_accept, silent, value_7e, split_writes (booleans); delay_ms, delay_jitter_ms,
// garbage_bytes, silent_after (non-negative integers); drop_mid_frame, corrupt_hcs, corrupt_fcs,
// garbage, disconnect (probabilities 0..1); reject_association ("none" | "auth" | "busy");
// clock_offset_s (seconds, +-10 years), clock_drift_ppm (+-1e6), clock_trailing_bytes (0..64).
const std::array<std::string_view, 18>& fault_keys();

// A value as it arrives from TOML, JSON or the command line.
struct FaultValue {
  enum class Type { boolean, integer, number, text } type = Type::boolean;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;

  static FaultValue of(bool v) { return {Type::boolean, v, 0, 0, {}}; }
  static FaultValue of(std::int64_t v) { return {Type::integer, false, v, static_cast<double>(v), {}}; }
  static FaultValue of(double v) { return {Type::number, false, 0, v, {}}; }
  static FaultValue of(std::string v) { return {Type::text, false, 0, 0, std::move(v)}; }
};

// Sets one key; the error names the key and why the value is not acceptable.
bridge::Result<void, std::string> apply_fault(FaultSettings& settings, std::string_view key, const FaultValue& value);
// Parses the command-line text form "key=value" (value typed by the key).
bridge::Result<void, std::string> apply_fault_text(FaultSettings& settings, std::string_view key_equals_value);

// Counts of injected faults, one per kind.
class FaultCounters {
 public:
  void add(FaultKind kind, std::uint64_t n = 1) { counts_[index(kind)] += n; }
  std::uint64_t get(FaultKind kind) const { return counts_[index(kind)]; }
  std::uint64_t total() const;
  FaultCounters& operator+=(const FaultCounters& other);

 private:
  static std::size_t index(FaultKind kind) { return static_cast<std::size_t>(kind); }
  std::array<std::uint64_t, kFaultKinds.size()> counts_{};
};

}  // namespace sim
