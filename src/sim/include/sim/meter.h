#pragma once
// One simulated meter: identity, profile, measurements, fault settings, counters and the state
// that outlives a TCP connection (the single association slot, the silence latch). Owned by the
// Fleet; touched only on the simulator's io_context thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/faults.h"
#include "sim/measurements.h"
#include "sim/profile.h"
#include "sim/random.h"

namespace sim {

using WallTime = std::chrono::system_clock::time_point;

// What the meter did, independent of faults (the control endpoint reports these next to the
// fault counts so tests can compare both with what the bridge saw).
struct MeterStats {
  std::uint64_t connections = 0;      // TCP connections bound to this meter
  std::uint64_t frames_received = 0;  // valid frames addressed to this meter
  std::uint64_t frames_sent = 0;
  std::uint64_t bad_frames = 0;  // malformed frames (bad HCS/FCS/length) received
  std::uint64_t frmr_sent = 0;
  std::uint64_t dm_sent = 0;
  std::uint64_t associations = 0;       // AARQ accepted
  std::uint64_t rejected_password = 0;  // AARQ rejected: wrong or missing password, unknown client
  std::uint64_t rejected_busy = 0;      // AARQ rejected: another association open (real, not injected)
  std::uint64_t releases = 0;           // RLRQ or DISC that ended an association
  std::uint64_t get_requests = 0;       // GET.request (normal, next, with-list)
  std::uint64_t idle_timeouts = 0;      // links dropped after the inactivity timeout
  std::uint64_t peak_open_connections = 0;  // most TCP connections bound to this meter at once
  std::uint64_t set_requests = 0;           // SET.request received (accepted or not)
  std::uint64_t clock_sets = 0;             // SETs of the clock that changed it
  std::uint64_t profile_reads = 0;          // GETs of the load profile buffer (each selective access)
  // Entry reads asking "to the last entry" (to_entry = 0), which crash some real meters: the
  // bridge must never send one, and tests check this stays 0.
  std::uint64_t profile_open_ended_reads = 0;
  std::uint64_t hls_rejected = 0;  // HLS-GMAC: AARQ, f(StoC) or ciphered APDU that failed deciphering, tag or replay check
  std::uint64_t hls_general_glo_requests = 0;  // HLS-GMAC: requests that came general-glo-ciphered (DB)
  std::uint64_t hls_ciphered_releases = 0;     // HLS-GMAC: RLRQs with a valid glo-initiate-request, answered in kind
};

class Meter {
 public:
  Meter(std::uint32_t id, Profile profile, std::uint64_t seed);

  std::uint32_t id() const { return id_; }
  // Fleet mode on one port: meter k answers server physical address k, unless the address was
  // set explicitly (--physical-address: the vendor's factory rule, last four serial digits).
  std::uint16_t physical_address() const { return physical_ ? *physical_ : static_cast<std::uint16_t>(id_); }
  // Explicit address: the meter answers only this physical address (no physical-1 alias).
  void set_physical_address(std::uint16_t physical) { physical_ = physical; }
  bool has_explicit_address() const { return physical_.has_value(); }
  const Profile& profile() const { return profile_; }
  Profile& profile() { return profile_; }
  const Measurements& measurements() const { return measurements_; }
  std::string serial_number() const;  // 12 digits; last 4 = physical address when < 10000 (docs/protocol.md 1.17)

  FaultSettings& faults() { return faults_; }
  const FaultSettings& faults() const { return faults_; }
  FaultCounters& counts() { return counts_; }
  const FaultCounters& counts() const { return counts_; }
  MeterStats& stats() { return stats_; }
  const MeterStats& stats() const { return stats_; }
  Random& random() { return random_; }

  // Silence: set by `silent`, or latched when `silent_after` requests were served; reset()
  // (control endpoint) clears both.
  bool is_silent() const { return faults_.silent || silenced_; }
  // Called for every request frame addressed to the meter; returns true if the meter is (now)
  // silent and must not answer it. Counts silent / silent_after.
  bool swallow_request();
  // Clears all faults, the silence latch and any clock SET (counters are kept).
  void reset();

  // The meter's clock at host time `wall`, `elapsed_s` after the simulator started: UTC plus
  // clock_offset_s plus clock_drift_ppm of the elapsed time, plus what SETs changed.
  WallTime clock_time(WallTime wall, double elapsed_s) const;
  // SET of the clock: from now on clock_time() continues from `meter_time` (drift continues).
  void set_clock(WallTime meter_time, WallTime wall, double elapsed_s);
  // `silent_after` counts from the moment it is set.
  void restart_request_count() { requests_ = 0; }

  // Single-association meters: which connection holds the association (nullptr = free).
  const void* association_owner() const { return association_owner_; }
  void set_association_owner(const void* owner) { association_owner_ = owner; }

  std::uint32_t open_connections = 0;
  // HLS-GMAC invocation counters, kept across connections like a real meter keeps them:
  // the last IC accepted from the HLS client (object 0-0:43.1.0) and the meter's next own IC.
  std::uint32_t hls_client_ic = 0;
  std::uint32_t hls_server_ic = 0x01234567;

 private:
  std::uint32_t id_;
  std::optional<std::uint16_t> physical_;
  Profile profile_;
  Measurements measurements_;
  FaultSettings faults_;
  FaultCounters counts_;
  MeterStats stats_;
  Random random_;
  std::uint64_t requests_ = 0;
  bool silenced_ = false;
  std::chrono::duration<double> clock_adjust_{0};  // added by SETs of the clock
  const void* association_owner_ = nullptr;
};

}  // namespace sim
