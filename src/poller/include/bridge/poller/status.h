#pragma once
// What the REST API, the status page and `dlms-bridge ctl` show about a meter: a snapshot,
// copied out of the session on the io_context thread.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/poller/circuit_breaker.h"
#include "bridge/poller/diagnosis.h"
#include "bridge/reading.h"

namespace bridge::poller {

enum class MeterState {
  starting,      // session created, first connect not tried yet
  connecting,    // TCP connect / SNRM / AARQ in progress (or waiting for admission)
  backoff,       // last connect failed; waiting before the next attempt
  idle,          // associated, waiting for the next slot
  polling,       // reading registers
  breaker_open,  // circuit breaker open: no connection attempts until it half-opens
  paused,        // paused by an operator: association released
  stopped,       // session ended (shutdown or removed from config)
};
std::string_view to_label(MeterState s);

// One definition of "cycle" for the status page, the REST API, `ctl` and /metrics: a cycle is
// one poll slot's attempt. It is a scheduled read cycle that ran, or a connection attempt made
// while disconnected (it stands in for the cycle it was made for), or a slot skipped because
// the circuit breaker is open. It succeeded when every register was read; otherwise it failed,
// once, with the reason of its first error. cycles == cycles_ok + cycles_failed ==
// meter_polls_total, and failures[reason] == meter_poll_failures_total{reason}. Manual test
// cycles are counted in `tests` only.
struct MeterCounters {
  std::uint64_t cycles = 0;           // meter_polls_total
  std::uint64_t cycles_ok = 0;        // every register read
  std::uint64_t cycles_failed = 0;    // sum of meter_poll_failures_total (partial ones included)
  std::uint64_t cycles_partial = 0;   // of the failed cycles: a reading with some registers missing
  std::uint64_t breaker_skipped = 0;  // of the failed cycles: slots skipped by the open breaker
  std::array<std::uint64_t, labels::kPollFailures.size()> failures{};  // failed cycles by reason
  std::uint64_t on_time_cycles = 0;   // started within tolerance of their slot
  std::uint64_t skipped_slots = 0;    // slots lost to an overrun or a late wake-up
  std::uint64_t slots_due = 0;        // slots the meter owed (meter_poll_slots_due_total)
  std::uint64_t slots_missed = 0;     // of those: skipped, or started > max_start_lateness late (..._missed_total)
  std::uint64_t reads_ok = 0;
  std::uint64_t reads_failed = 0;     // after the per-read retry
  std::uint64_t read_retries = 0;
  std::uint64_t connects = 0;         // associations opened
  std::uint64_t connect_failures = 0;
  std::uint64_t reconnects = 0;       // established sessions torn down to be re-established
  std::uint64_t hdlc_errors = 0;      // sum of meter_hdlc_errors_total
  std::uint64_t watchdog_trips = 0;
  std::uint64_t breaker_trips = 0;
  std::uint64_t keepalives = 0;
  std::uint64_t readings = 0;         // readings handed to the sink
  std::uint64_t tests = 0;            // manual test cycles
  std::uint64_t clock_checks = 0;     // reads of the meter's clock
  std::uint64_t clock_syncs = 0;      // SETs of its clock the meter accepted (meter_clock_syncs_total)
  std::uint64_t failovers = 0;        // associations opened on an alternative endpoint
  std::uint64_t protocol_warnings = 0;  // tolerated protocol anomalies (meter_protocol_warnings_total)
  std::uint64_t garbage_bytes = 0;      // HDLC bytes skipped outside frames (meter_hdlc_garbage_bytes_total)
};

// The meter's clock as of its last check ([qos] clock).
struct ClockStatus {
  std::int64_t checked_ms = 0;           // UTC ms of the last check, 0 = never
  std::optional<double> offset_s;        // meter minus bridge; nullopt when the reading gave none
  std::string meter_time;                // ISO 8601 as the meter said it
  std::string problem;                   // why there is no (trustworthy) offset, "" = none
};

// The latest failure diagnosis of a meter, kept until the next one (also after recovery, so
// the action plan can show what happened last).
struct DiagnosisRecord {
  Diagnosis diagnosis;
  Step step = Step::connect;
  std::int64_t ts_ms = 0;        // first time this symptom was seen (UTC ms)
  std::int64_t last_ts_ms = 0;   // latest time
  std::uint64_t count = 0;       // consecutive occurrences of this symptom
};

struct MeterStatus {
  std::string id;
  std::string host;
  std::uint16_t port = 0;
  MeterState state = MeterState::starting;
  bool connected = false;
  bool paused = false;
  BreakerState breaker = BreakerState::closed;
  std::int64_t breaker_open_until_ms = 0;  // UTC ms, when breaker != closed
  std::int64_t last_success_ms = 0;        // UTC ms of the last reading, 0 = never
  std::int64_t last_attempt_ms = 0;
  std::int64_t next_poll_ms = 0;           // UTC ms of the next slot (0 when not scheduled)
  std::string last_error;                  // human text of the last failure ("" = none yet)
  std::optional<DiagnosisRecord> diagnosis;
  std::uint8_t client_sap = 0;             // client SAP of the current/last association
  std::uint32_t consecutive_failures = 0;  // connect attempts failed in a row
  std::int64_t interval_ms = 0;
  std::int64_t max_lateness_ms = 0;        // worst slot lateness seen
  // The endpoint in use (failover): 0 = host:port, i = the meter's endpoints[i - 1].
  std::size_t endpoint_index = 0;
  std::string endpoint;                    // "host:port" in use
  std::int64_t request_timeout_ms = 0;     // deadline of the next request step (fixed or "auto")
  ClockStatus clock;
  MeterCounters counters;
};

struct RegisterFailure {
  std::string key;
  std::string obis;
  labels::PollFailure reason = labels::PollFailure::timeout;
  std::string message;
};

// Result of a manual test cycle (POST /api/v1/meters/{id}/test).
struct TestResult {
  bool ok = false;                 // a reading was made with every register
  std::string meter;
  std::int64_t duration_ms = 0;
  Reading reading;                 // what was read (may be partial)
  std::vector<RegisterFailure> failures;
  std::optional<Diagnosis> diagnosis;  // when something failed
  std::string error;               // one-line summary when !ok ("unknown meter", "stopping", ...)
};

}  // namespace bridge::poller
