// Knobs of the dlms-bridge dashboards (the monitoring-mixin `_config` convention): override
// any of them with `(import 'mixin.libsonnet') + { _config+:: { ... } }` and regenerate.
{
  _config+:: {
    // Every query filters on these two template variables, so one Grafana serves many bridges.
    selector: 'job=~"$job", instance=~"$instance"',
    meterSelector: self.selector + ', meter=~"$meter"',
    // The metric the job/instance variables are read from (one series per bridge).
    bridgeInfoMetric: 'dlms_bridge_build_info',

    fleetUid: 'dlms-bridge-fleet',
    meterUid: 'dlms-bridge-meter',
    tags: ['dlms-bridge'],
    titlePrefix: 'dlms-bridge / ',

    // QoS targets (the previous system's figures; the alerts in alerts/ use the same).
    targets: {
      pollSuccessRatio: 0.98,  // warning below, critical below pollSuccessCritical
      pollSuccessCritical: 0.95,
      publishRatio: 0.95,
      publishCritical: 0.90,
      pollLatencyP95Seconds: 2,
      pollLatencyCriticalSeconds: 5,
      publishLatencySeconds: 2,  // read time → PUBACK, end to end
      reconnectsPerHour: 2,  // per meter, strictly below
      hdlcErrorsPerHour: 5,  // per meter, at most
      uptimeRatio: 0.99,
      onTimeRatio: 0.999,  // DlmsBridgePollOnTimeLow: due poll slots started within qos.max_start_lateness
      clockOffsetSeconds: 60,  // DlmsBridgeMeterClockOffset: warning beyond, critical beyond a profile interval
      clockOffsetCriticalSeconds: 900,
      backfillLagSeconds: 7200,  // DlmsBridgeMeterBackfillLagging: a load profile more than 2 h behind
    },

    // Rows of the "worst meters" table.
    worstMeters: 10,
  },
}
