#pragma once
// poller::SessionObserver -> BridgeMetrics: the per-meter QoS series of docs/contract.md
// (meter_up, connected, paused, polls and failures by reason, reconnects by cause, breaker,
// watchdogs, HDLC errors, diagnosis) and the fleet's poll duration histogram. The app wires it
// into the Fleet (FleetDependencies::observers), as mqtt::MetricsObserver into the exporter.
#include "bridge/prometheus/bridge_metrics.h"
#include "bridge/poller/session_observer.h"

namespace bridge::prometheus {

class PollerMetricsObserver final : public poller::SessionObserver {
 public:
  explicit PollerMetricsObserver(BridgeMetrics& metrics) : metrics_(metrics) {}

  // A meter's series exist from its session's start (every label value at zero) and leave
  // with it.
  void on_meter_added(std::string_view meter, bool paused) override;
  void on_meter_removed(std::string_view meter) override;
  void on_paused(std::string_view meter, bool paused) override;
  void on_connected(std::string_view meter, bool connected) override;
  // A scheduled attempt that failed means the meter is down (meter_up 0).
  void on_connect_failed(std::string_view meter, bool scheduled) override;
  // meter_polls_total, meter_poll_failures_total{reason}; a successful cycle clears the symptom.
  void on_cycle(const poller::CycleRecord& record) override;
  // meter_up, meter_poll_duration_seconds, poll_duration_seconds, last_success_timestamp_seconds.
  void on_read_cycle(const poller::ReadCycleRecord& record) override;
  // meter_poll_slots_due_total, meter_poll_slots_missed_total, poll_start_lateness_seconds.
  void on_slots(const poller::SlotRecord& record) override;
  void on_reconnect(std::string_view meter, labels::ReconnectCause cause) override;
  void on_breaker_tripped(std::string_view meter) override;
  void on_breaker_closed(std::string_view meter) override;
  void on_watchdog(std::string_view meter, labels::Watchdog watchdog) override;
  void on_hdlc_error(std::string_view meter, labels::HdlcError kind, const std::string* frame_hex) override;
  // meter_diagnosis_info{symptom}.
  void on_diagnosis(std::string_view meter, const poller::DiagnosisRecord& record) override;
  // meter_clock_offset_seconds (absent without an offset), meter_clock_syncs_total,
  // meter_endpoint_index, meter_request_timeout_seconds, meter_protocol_warnings_total.
  void on_clock_checked(std::string_view meter, std::optional<double> offset_s) override;
  void on_clock_synced(std::string_view meter) override;
  void on_endpoint(std::string_view meter, std::size_t index) override;
  void on_request_timeout(std::string_view meter, poller::Duration timeout) override;
  void on_protocol_warning(std::string_view meter, const std::string& warning) override;
  void on_garbage(std::string_view meter, std::uint64_t bytes) override;

 private:
  BridgeMetrics& metrics_;
};

}  // namespace bridge::prometheus
