#pragma once
// What a connection reports besides results: every frame (for --verbose and diagnostics), every
// recovered framing error, and counters of its life.
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "bridge/labels.h"

namespace bridge::transport {

// Observer for --verbose hex dumps and counters: every frame in/out (HDLC frames, or whole
// wrapper PDUs) and every framing error the codec reports, even those recovered from.
struct FrameObserver {
  std::function<void(bool tx, std::span<const std::uint8_t> frame)> on_frame;
  std::function<void(labels::HdlcError kind, std::span<const std::uint8_t> raw)> on_hdlc_error;
  // Bytes outside any frame that the HDLC decoder skipped (line noise, a modem's banner): not an
  // error, the frames around them are read, but a line that keeps producing them is suspect.
  std::function<void(std::uint64_t bytes)> on_garbage;
  // A tolerated protocol anomaly, in words ("3 bytes after the complete value of 0-0:1.0.0 ...").
  std::function<void(const std::string& warning)> on_protocol_warning;
  // A reply APDU arrived `elapsed` after its request APDU was sent (AARQ, GET, SET, each block):
  // the meter's response time, for adaptive deadlines.
  std::function<void(std::chrono::milliseconds elapsed)> on_response_time;
};

// Counters of one connection's life (reset by open()).
struct ConnectionStats {
  std::uint64_t frames_tx = 0;
  std::uint64_t frames_rx = 0;
  std::uint64_t bytes_tx = 0;
  std::uint64_t bytes_rx = 0;
  std::uint64_t drained_bytes = 0;     // unsolicited bytes discarded right after connect
  std::uint64_t hdlc_errors = 0;       // frames the decoder rejected (then resynced)
  std::uint64_t stale_discarded = 0;   // replies to an older request (wrong invoke id / N(S)) dropped
  std::uint64_t watchdog_trips = 0;    // steps ended by the per-step deadline
  std::uint64_t requests = 0;          // GET requests sent (each block counts)
  std::uint64_t releases = 0;          // associations ended with an accepted RLRE
  // Anomalies tolerated without failing the read (extra bytes after a complete GET value,
  // docs/protocol.md 1.18): the service counts them as protocol warnings.
  std::uint64_t protocol_warnings = 0;
};

}  // namespace bridge::transport
