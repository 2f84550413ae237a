// Fleet overview: every QoS figure of one or more bridges against its target, the meters by
// state, the worst meters (linking to the meter drill-down), and the trends behind the figures.
local g = import '../lib/grafana.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local t = c.targets,
    local sel = c.selector,
    local perHour = 'suffix:/h',

    // Per-meter figures of the worst meters only: `x and on (job, instance, meter) worst`.
    local worst = 'bottomk(%d, meter:dlms_bridge_poll_success:ratio_rate1h{%s})' % [c.worstMeters, sel],
    local ofWorst(expr) = '%s and on (job, instance, meter) %s' % [expr, worst],
    // A counter summed by one label, per hour.
    local hourlyBy(metric, label) =
      'sum by (job, instance, %s) (rate(%s{%s}[$__rate_interval])) * 3600' % [label, metric, sel],
    // Meter state from the gauges: paused wins over an open breaker, which wins over up/down.
    local up = 'dlms_bridge_meter_up{%s}' % sel,
    local paused = 'dlms_bridge_meter_paused{%s}' % sel,
    local breaker = 'dlms_bridge_meter_circuit_breaker_open{%s}' % sel,

    'dlms-bridge-fleet.json': g.dashboard(
      uid=c.fleetUid,
      title=c.titlePrefix + 'Fleet overview',
      description='Quality of service of dlms-bridge instances against their targets.',
      tags=c.tags,
      variables=[
        g.datasourceVariable,
        g.labelVariable('job', 'Job', c.bridgeInfoMetric, multi=true, all=true),
        g.labelVariable('instance', 'Bridge', '%s{job=~"$job"}' % c.bridgeInfoMetric, multi=true, all=true),
      ],
      annotations=[
        g.annotation('Circuit breaker trips',
                     'increase(dlms_bridge_meter_circuit_breaker_trips_total{%s}[$__rate_interval]) > 0' % sel,
                     'Circuit breaker opened: {{meter}}',
                     'on {{instance}}: too many reconnects, polling paused',
                     'red',
                     'meter'),
        g.annotation('Watchdog trips',
                     'increase(dlms_bridge_meter_watchdog_trips_total{%s}[$__rate_interval]) > 0' % sel,
                     'Watchdog {{watchdog}} tripped: {{meter}}',
                     'on {{instance}}: the meter was reconnected',
                     'orange',
                     'meter,watchdog'),
      ],
      rows=[
        {
          title: 'Quality of service against targets',
          height: 4,
          panels: [
            [g.stat('Poll success (1h)',
                    'percentunit',
                    [g.instant('instance:dlms_bridge_poll_success:ratio_rate1h{%s}' % sel, '{{instance}}')],
                    'Successful poll cycles over all cycles in the last hour. Target ≥ %g %%.' % (100 * t.pollSuccessRatio))
             + g.atLeast(t.pollSuccessRatio, t.pollSuccessCritical), 4],
            [g.stat('Publish ratio (1h)',
                    'percentunit',
                    [g.instant('instance:dlms_bridge_publish:ratio_rate1h{%s}' % sel, '{{instance}}')],
                    'Readings acknowledged by the broker (PUBACK) over readings made, last hour. Target ≥ %g %%.' % (100 * t.publishRatio))
             + g.atLeast(t.publishRatio, t.publishCritical), 4],
            [g.stat('Poll latency p95',
                    's',
                    [g.instant('instance:dlms_bridge_poll_duration_seconds:p95_rate5m{%s}' % sel, '{{instance}}')],
                    '95th percentile of one poll cycle, all meters, last 5 minutes. Target ≤ %g s.' % t.pollLatencyP95Seconds)
             + g.atMost(t.pollLatencyP95Seconds, t.pollLatencyCriticalSeconds), 3],
            [g.stat('Read → PUBACK p95',
                    's',
                    [g.instant('instance:dlms_bridge_publish_latency_seconds:p95_rate5m{%s}' % sel, '{{instance}}')],
                    'End-to-end publish latency: from the reading’s read time to its PUBACK, 95th percentile, last 5 minutes. Target ≤ %g s.' % t.publishLatencySeconds)
             + g.atMost(t.publishLatencySeconds), 3],
            [g.stat('Reconnects, worst meter',
                    perHour,
                    [g.instant('max by (job, instance) (meter:dlms_bridge_reconnects:increase1h{%s})' % sel, '{{instance}}')],
                    'Reconnections of the worst meter in the last hour. Target < %g per hour per meter.' % t.reconnectsPerHour)
             + g.below(t.reconnectsPerHour), 3],
            [g.stat('HDLC errors, worst meter',
                    perHour,
                    [g.instant('max by (job, instance) (meter:dlms_bridge_hdlc_errors:increase1h{%s})' % sel, '{{instance}}')],
                    'HDLC errors of the worst meter in the last hour. Target ≤ %g per hour per meter.' % t.hdlcErrorsPerHour)
             + g.atMost(t.hdlcErrorsPerHour), 3],
            [g.stat('Bridge uptime (1h)',
                    'percentunit',
                    [g.instant('instance:dlms_bridge_uptime:ratio_avg1h{%s}' % sel, '{{instance}}')],
                    'Share of the last hour in which Prometheus could scrape the bridge. Target ≥ %g %%.' % (100 * t.uptimeRatio))
             + g.atLeast(t.uptimeRatio), 4],
          ],
        },
        {
          title: 'Meters',
          height: 9,
          panels: [
            [g.bargauge('Meters by state', 'short', [
               g.instant('sum by (job, instance) (%s * (1 - %s) * (1 - %s))' % [up, paused, breaker], 'polling OK {{instance}}'),
               g.instant('sum by (job, instance) ((1 - %s) * (1 - %s) * (1 - %s))' % [up, paused, breaker], 'down {{instance}}'),
               g.instant('sum by (job, instance) (%s * (1 - %s))' % [breaker, paused], 'breaker open {{instance}}'),
               g.instant('sum by (job, instance) (%s)' % paused, 'paused {{instance}}'),
             ], 'Each meter counted once: paused, else breaker open, else up or down by its last poll cycle.')
             + { options+: { displayMode: 'gradient' } }
             + { fieldConfig+: { overrides+: [
               { matcher: { id: 'byFrameRefID', options: ref[0] }, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: ref[1] } }] }
               for ref in [['A', 'green'], ['B', 'red'], ['C', 'orange'], ['D', 'blue']]
             ] } }, 5],
            [g.bargauge('Meters by diagnosis',
                        'short',
                        [g.instant('count by (symptom) (dlms_bridge_meter_diagnosis_info{%s} == 1)' % sel, '{{symptom}}')],
                        'The bridge’s current diagnosis of each meter (none = healthy). The meter dashboard and `dlms-bridge ctl status METER` give the action.'), 5],
            [g.table('Worst meters (by poll success, 1h)', 'short', [
               g.instant(worst, '', 'table'),
               g.instant(ofWorst('meter:dlms_bridge_publish:ratio_rate1h{%s}' % sel), '', 'table'),
               g.instant(ofWorst('meter:dlms_bridge_poll_duration_seconds:mean_rate5m{%s}' % sel), '', 'table'),
               g.instant(ofWorst('meter:dlms_bridge_reconnects:increase1h{%s}' % sel), '', 'table'),
               g.instant(ofWorst('meter:dlms_bridge_hdlc_errors:increase1h{%s}' % sel), '', 'table'),
               g.instant(ofWorst('dlms_bridge_meter_diagnosis_info{%s}' % sel), '', 'table'),
             ], 'The %d meters with the lowest poll success in the last hour. Click a meter for its dashboard.' % c.worstMeters)
             // Drop the metric names first: merge joins rows on every common column.
             + g.transformations([
               { id: 'organize', options: { excludeByName: { Time: true, __name__: true } } },
               { id: 'merge', options: {} },
               { id: 'organize', options: {
                 excludeByName: { 'Value #F': true },
                 indexByName: { meter: 0, instance: 1, symptom: 2, 'Value #A': 3, 'Value #B': 4, 'Value #C': 5, 'Value #D': 6, 'Value #E': 7, job: 8 },
                 renameByName: {},
               } },
             ])
             + { options+: { sortBy: [{ displayName: 'Poll success (1h)', desc: false }] } }
             + g.columns({
               meter: { links: [{
                 title: 'Meter drill-down',
                 url: '/d/%s/dlms-bridge-meter?var-datasource=${datasource}&var-job=${__data.fields.job}&var-instance=${__data.fields.instance}&var-meter=${__value.raw}&${__url_time_range}' % c.meterUid,
               }] },
               job: { 'custom.hidden': true },  // kept for the link
               symptom: { displayName: 'Diagnosis' },
               'Value #A': { displayName: 'Poll success (1h)', unit: 'percentunit', decimals: 1 },
               'Value #B': { displayName: 'Publish ratio (1h)', unit: 'percentunit', decimals: 1 },
               'Value #C': { displayName: 'Mean poll latency (5m)', unit: 's' },
               'Value #D': { displayName: 'Reconnects (1h)', unit: 'short', decimals: 0 },
               'Value #E': { displayName: 'HDLC errors (1h)', unit: 'short', decimals: 0 },
             }), 14],
          ],
        },
        {
          title: 'Success and publish ratio',
          height: 8,
          panels: [
            [g.timeseries('Poll success ratio', 'percentunit', [
               g.query('instance:dlms_bridge_poll_success:ratio_rate5m{%s}' % sel, '{{instance}} 5m'),
               g.query('instance:dlms_bridge_poll_success:ratio_rate1h{%s}' % sel, '{{instance}} 1h'),
             ], 'Successful poll cycles over all cycles. Dashed: the target (%g %%) and the critical level.' % (100 * t.pollSuccessRatio))
             + g.atLeast(t.pollSuccessRatio, t.pollSuccessCritical) + g.thresholdLines + g.range(0, 1), 12],
            [g.timeseries('Publish ratio', 'percentunit', [
               g.query('instance:dlms_bridge_publish:ratio_rate5m{%s}' % sel, '{{instance}} 5m'),
               g.query('instance:dlms_bridge_publish:ratio_rate1h{%s}' % sel, '{{instance}} 1h'),
             ], 'Readings acknowledged by the broker over readings made. Dashed: the target (%g %%) and the critical level.' % (100 * t.publishRatio))
             + g.atLeast(t.publishRatio, t.publishCritical) + g.thresholdLines + g.range(0, 1), 12],
          ],
        },
        {
          title: 'Polled on time',
          height: 8,
          panels: [
            [g.timeseries('Poll slots started on time', 'percentunit', [
               g.query('instance:dlms_bridge_poll_on_time_healthy:ratio_rate5m{%s}' % sel, 'meters up {{instance}} 5m'),
               g.query('instance:dlms_bridge_poll_on_time_healthy:ratio_rate1h{%s}' % sel, 'meters up {{instance}} 1h'),
               g.query('instance:dlms_bridge_poll_on_time:ratio_rate5m{%s}' % sel, 'all meters {{instance}} 5m'),
             ], 'Due poll slots whose cycle started within qos.max_start_lateness (1 - missed / due). "Meters up": only meters up for the whole window, the bridge’s own punctuality (DlmsBridgePollOnTimeLow). "All meters": a meter that is down misses its slots too. Dashed: the target (%g %%).' % (100 * t.onTimeRatio))
             + g.atLeast(t.onTimeRatio) + g.thresholdLines, 12],
            [g.timeseries('Poll start lateness p99', 's', [
              g.query('instance:dlms_bridge_poll_start_lateness_seconds:p99_rate5m{%s}' % sel, 'p99 {{instance}}'),
            ], 'How late poll cycles started after their slot, 99th percentile over all meters, 5-minute windows. Growing: the box is short of CPU or max_concurrent_sessions holds cycles back.'), 12],
          ],
        },
        {
          title: 'Latency',
          height: 8,
          panels: [
            [g.timeseries('Poll cycle latency', 's', [
               g.query('instance:dlms_bridge_poll_duration_seconds:p50_rate5m{%s}' % sel, 'p50 {{instance}}'),
               g.query('instance:dlms_bridge_poll_duration_seconds:p95_rate5m{%s}' % sel, 'p95 {{instance}}'),
               g.query('instance:dlms_bridge_poll_duration_seconds:mean_rate5m{%s}' % sel, 'mean {{instance}}'),
             ], 'One poll cycle (connect if needed, then every register), all meters, 5-minute windows. Dashed: the p95 target.')
             + g.atMost(t.pollLatencyP95Seconds, t.pollLatencyCriticalSeconds) + g.thresholdLines, 12],
            [g.timeseries('End-to-end publish latency (read → PUBACK)', 's', [
               g.query('instance:dlms_bridge_publish_latency_seconds:p50_rate5m{%s}' % sel, 'p50 {{instance}}'),
               g.query('instance:dlms_bridge_publish_latency_seconds:p95_rate5m{%s}' % sel, 'p95 {{instance}}'),
             ], 'From the time a register was read to the broker’s PUBACK, 5-minute windows. Grows while the broker is unreachable and the outbox holds the readings. Dashed: the target.')
             + g.atMost(t.publishLatencySeconds) + g.thresholdLines, 12],
          ],
        },
        {
          title: 'Errors per hour',
          height: 8,
          panels: [
            [g.timeseries('Reconnects by cause',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_reconnects_total', 'cause'), '{{cause}} {{instance}}')],
                          'Meter reconnections per hour, all meters, by cause (see the exporter README for the causes).')
             + g.stacked, 6],
            [g.timeseries('HDLC errors by kind',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_hdlc_errors_total', 'kind'), '{{kind}} {{instance}}')],
                          'HDLC errors per hour, all meters, by kind.')
             + g.stacked, 6],
            [g.timeseries('Poll failures by reason',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_poll_failures_total', 'reason'), '{{reason}} {{instance}}')],
                          'Failed poll cycles per hour, all meters, by reason.')
             + g.stacked, 6],
            [g.timeseries('Watchdog trips',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_watchdog_trips_total', 'watchdog'), '{{watchdog}} {{instance}}')],
                          'Watchdog trips per hour, all meters, by watchdog. Each trip reconnects the meter.')
             + g.stacked, 6],
          ],
        },
        {
          title: 'Meter clocks and failover',
          height: 7,
          panels: [
            [g.timeseries('Meter clocks furthest off',
                          's',
                          [g.query('topk(5, abs(dlms_bridge_meter_clock_offset_seconds{%s}))' % sel, '{{meter}} {{instance}}')],
                          'The five meters whose clocks are furthest from the bridge’s at their last check (absolute offset, [qos] clock). Dashed: the alert levels; the meter dashboard shows the sign and the syncs.')
             + g.atMost(t.clockOffsetSeconds, t.clockOffsetCriticalSeconds) + g.thresholdLines, 12],
            [g.timeseries('Meters on a failover endpoint',
                          'short',
                          [g.query('sum by (job, instance) (dlms_bridge_meter_endpoint_index{%s} > bool 0)' % sel, '{{instance}}')],
                          'Meters whose session uses one of their alternative endpoints ([[meter]] endpoints) because the primary host:port failed; they return to it after failover_holdback.'), 12],
          ],
        },
        {
          title: 'Load-profile backfill',
          height: 7,
          panels: [
            [g.timeseries('Load profiles furthest behind',
                          's',
                          [g.query('topk(5, dlms_bridge_meter_profile_backfill_lag_seconds{%s})' % sel, '{{meter}} {{profile}} {{instance}}')],
                          'The five [[meter.profile]]s whose newest row in the MQTT outbox is oldest (backfill lag). Dashed: the alert level; the meter dashboard shows rows read and failed reads by reason.')
             + g.atMost(t.backfillLagSeconds) + g.thresholdLines, 12],
            [g.timeseries('Profile rows read and failed reads',
                          perHour,
                          [
                            g.query('sum by (job, instance) (rate(dlms_bridge_meter_profile_rows_total{%s}[$__rate_interval])) * 3600' % sel, 'rows read {{instance}}'),
                            g.query('sum by (job, instance, reason) (rate(dlms_bridge_meter_profile_read_failures_total{%s}[$__rate_interval])) * 3600' % sel, 'failed: {{reason}} {{instance}}'),
                          ],
                          'Load-profile rows read per hour over every meter of the bridge, and profile reads that failed, by reason.'), 12],
          ],
        },
        {
          title: 'MQTT and outbox',
          height: 7,
          panels: [
            [g.stateTimeline('MQTT connection',
                             'none',
                             [g.query('dlms_bridge_mqtt_connected{%s}' % sel, '{{instance}}')],
                             'The bridge’s one connection to the broker. While disconnected, readings wait in the outbox.')
             + g.valueMap({ '0': ['disconnected', 'red'], '1': ['connected', 'green'] }), 6],
            [g.timeseries('Outbox backlog',
                          'short',
                          [g.query('dlms_bridge_outbox_messages{%s}' % sel, '{{instance}}')],
                          'Readings written to the outbox and not yet acknowledged (PUBACK).'), 6],
            [g.timeseries('Oldest waiting reading', 's', [g.query(
              '(time() - dlms_bridge_outbox_oldest_timestamp_seconds{%(s)s}) * (dlms_bridge_outbox_oldest_timestamp_seconds{%(s)s} > bool 0)' % { s: sel },
              '{{instance}}'
            )], 'Age of the oldest reading still waiting for its PUBACK (0 when the outbox is empty).'), 6],
            [g.timeseries('Publishing', 'suffix:/s', [
              g.query('sum by (job, instance) (rate(dlms_bridge_mqtt_messages_acked_total{%s}[$__rate_interval]))' % sel, 'acknowledged {{instance}}'),
              g.query('sum by (job, instance, reason) (rate(dlms_bridge_mqtt_publish_failures_total{%s}[$__rate_interval]))' % sel, 'failed: {{reason}} {{instance}}'),
              g.query('sum by (job, instance, reason) (rate(dlms_bridge_outbox_dropped_total{%s}[$__rate_interval]))' % sel, 'dropped: {{reason}} {{instance}}'),
              g.query('sum by (job, instance) (rate(dlms_bridge_mqtt_reconnects_total{%s}[$__rate_interval]))' % sel, 'broker reconnects {{instance}}'),
            ], 'Messages per second: acknowledged by the broker, failed publish attempts (resent), and readings dropped undelivered by the outbox caps.'), 6],
          ],
        },
      ],
    ),
  },
}
