#pragma once
// The bounded label values of the metrics contract (docs/contract.md). Poller, exporters,
// alert rules and dashboards all use exactly these strings; add a value here, never inline.
#include <array>
#include <cstddef>
#include <string_view>

namespace bridge::labels {

// dlms_bridge_meter_poll_failures_total{reason}
enum class PollFailure {
  refused,               // TCP connection refused
  unreachable,           // no route / host down / connect timeout
  timeout,               // a request step exceeded its deadline
  closed,                // peer closed the connection (possibly mid-frame)
  protocol,              // HDLC/APDU protocol error (detail in hdlc_errors_total{kind})
  association_rejected,  // AARE result != accepted (wrong password, wrong SAP)
  access_denied,         // GET answered with a data-access-result error
  busy,                  // meter refused because another association is open
  circuit_open,          // poll skipped because the breaker is open
};
inline constexpr std::array kPollFailures = {
    PollFailure::refused, PollFailure::unreachable, PollFailure::timeout,
    PollFailure::closed,  PollFailure::protocol,    PollFailure::association_rejected,
    PollFailure::access_denied, PollFailure::busy,  PollFailure::circuit_open};
constexpr std::string_view to_label(PollFailure v) {
  switch (v) {
    case PollFailure::refused: return "refused";
    case PollFailure::unreachable: return "unreachable";
    case PollFailure::timeout: return "timeout";
    case PollFailure::closed: return "closed";
    case PollFailure::protocol: return "protocol";
    case PollFailure::association_rejected: return "association_rejected";
    case PollFailure::access_denied: return "access_denied";
    case PollFailure::busy: return "busy";
    case PollFailure::circuit_open: return "circuit_open";
  }
  return "unknown";
}

// dlms_bridge_meter_profile_read_failures_total{reason}: the poll-failure reasons a load-profile
// read can end with. It runs on an association that is already open, so it cannot be refused,
// unreachable, rejected, busy or skipped by the breaker: timed out, connection lost, malformed
// reply or buffer, or the meter denied the access.
inline constexpr std::array kProfileReadFailures = {PollFailure::timeout, PollFailure::closed, PollFailure::protocol,
                                                    PollFailure::access_denied};
// The profile-read label for a failure: itself when it is one of kProfileReadFailures, else
// `protocol` (an answer the client cannot use, e.g. a DM in the middle of an association).
constexpr PollFailure profile_read_failure(PollFailure v) {
  for (auto known : kProfileReadFailures) {
    if (known == v) return v;
  }
  return PollFailure::protocol;
}

// dlms_bridge_meter_reconnects_total{cause}
enum class ReconnectCause {
  error,                  // the session failed (any poll failure) and is re-established
  all_registers_failed,   // every register of a cycle failed
  watchdog_silence,       // no successful cycle for qos.silence_timeout
  watchdog_hdlc_errors,   // qos.max_consecutive_hdlc_errors reached
  watchdog_failed_cycles, // qos.max_consecutive_failed_cycles reached
  preventive_age,         // optional preventive reconnect by connection age
  preventive_reads,       // optional preventive reconnect by read count
  idle,                   // association lost to the meter's inactivity timeout
  config_reload,          // the meter's connection settings changed on reload
  failover_return,        // left an alternative endpoint to try the primary after failover_holdback
};
inline constexpr std::array kReconnectCauses = {
    ReconnectCause::error,                  ReconnectCause::all_registers_failed,
    ReconnectCause::watchdog_silence,       ReconnectCause::watchdog_hdlc_errors,
    ReconnectCause::watchdog_failed_cycles, ReconnectCause::preventive_age,
    ReconnectCause::preventive_reads,       ReconnectCause::idle,
    ReconnectCause::config_reload,          ReconnectCause::failover_return};
constexpr std::string_view to_label(ReconnectCause v) {
  switch (v) {
    case ReconnectCause::error: return "error";
    case ReconnectCause::all_registers_failed: return "all_registers_failed";
    case ReconnectCause::watchdog_silence: return "watchdog_silence";
    case ReconnectCause::watchdog_hdlc_errors: return "watchdog_hdlc_errors";
    case ReconnectCause::watchdog_failed_cycles: return "watchdog_failed_cycles";
    case ReconnectCause::preventive_age: return "preventive_age";
    case ReconnectCause::preventive_reads: return "preventive_reads";
    case ReconnectCause::idle: return "idle";
    case ReconnectCause::config_reload: return "config_reload";
    case ReconnectCause::failover_return: return "failover_return";
  }
  return "unknown";
}

// dlms_bridge_meter_hdlc_errors_total{kind}
enum class HdlcError {
  fcs,               // frame check sequence mismatch
  hcs,               // header check sequence mismatch
  length,            // length field inconsistent / frame too long / truncated
  format,            // bad format byte, missing closing flag, bad address encoding
  address,           // frame not addressed to us
  sequence,          // N(S)/N(R) out of sequence
  unexpected_frame,  // a frame type that is not valid in the current state
  segmentation,      // segmented transfer broken (missing RR, bad reassembly)
  frmr,              // peer answered FRMR (frame reject)
  dm,                // peer answered DM (disconnected mode)
  timeout,           // no frame within the request deadline
};
inline constexpr std::array kHdlcErrors = {HdlcError::fcs,      HdlcError::hcs,       HdlcError::length,
                                           HdlcError::format,   HdlcError::address,   HdlcError::sequence,
                                           HdlcError::unexpected_frame, HdlcError::segmentation,
                                           HdlcError::frmr,     HdlcError::dm,        HdlcError::timeout};
constexpr std::string_view to_label(HdlcError v) {
  switch (v) {
    case HdlcError::fcs: return "fcs";
    case HdlcError::hcs: return "hcs";
    case HdlcError::length: return "length";
    case HdlcError::format: return "format";
    case HdlcError::address: return "address";
    case HdlcError::sequence: return "sequence";
    case HdlcError::unexpected_frame: return "unexpected_frame";
    case HdlcError::segmentation: return "segmentation";
    case HdlcError::frmr: return "frmr";
    case HdlcError::dm: return "dm";
    case HdlcError::timeout: return "timeout";
  }
  return "unknown";
}

// dlms_bridge_meter_watchdog_trips_total{watchdog}
enum class Watchdog {
  step,           // per-step deadline (independent of the codec's own timeouts)
  silence,        // no successful cycle for too long
  hdlc_errors,    // consecutive HDLC errors
  failed_cycles,  // consecutive failed cycles
};
inline constexpr std::array kWatchdogs = {Watchdog::step, Watchdog::silence, Watchdog::hdlc_errors,
                                          Watchdog::failed_cycles};
constexpr std::string_view to_label(Watchdog v) {
  switch (v) {
    case Watchdog::step: return "step";
    case Watchdog::silence: return "silence";
    case Watchdog::hdlc_errors: return "hdlc_errors";
    case Watchdog::failed_cycles: return "failed_cycles";
  }
  return "unknown";
}

// dlms_bridge_mqtt_publish_failures_total{reason}
enum class PublishFailure {
  not_connected,  // broker unreachable; message stays in the outbox
  rejected,       // mosquitto_publish returned an error (payload size, protocol)
  auth,           // CONNACK refused: bad credentials / not authorized
  tls,            // TLS handshake / certificate failure
  timeout,        // no PUBACK within the ack timeout; resent
};
inline constexpr std::array kPublishFailures = {PublishFailure::not_connected, PublishFailure::rejected,
                                                PublishFailure::auth, PublishFailure::tls, PublishFailure::timeout};
constexpr std::string_view to_label(PublishFailure v) {
  switch (v) {
    case PublishFailure::not_connected: return "not_connected";
    case PublishFailure::rejected: return "rejected";
    case PublishFailure::auth: return "auth";
    case PublishFailure::tls: return "tls";
    case PublishFailure::timeout: return "timeout";
  }
  return "unknown";
}

// dlms_bridge_outbox_dropped_total{reason}
enum class OutboxDrop {
  max_messages,  // outbox reached [mqtt] outbox_max_messages: oldest dropped
  max_age,       // message older than [mqtt] outbox_max_age: dropped
  store_error,   // SQLite write failed (disk full, I/O error)
  rejected,      // the MQTT client refused the message for good (invalid topic, payload too large)
};
inline constexpr std::array kOutboxDrops = {OutboxDrop::max_messages, OutboxDrop::max_age, OutboxDrop::store_error,
                                            OutboxDrop::rejected};
constexpr std::string_view to_label(OutboxDrop v) {
  switch (v) {
    case OutboxDrop::max_messages: return "max_messages";
    case OutboxDrop::max_age: return "max_age";
    case OutboxDrop::store_error: return "store_error";
    case OutboxDrop::rejected: return "rejected";
  }
  return "unknown";
}

}  // namespace bridge::labels
