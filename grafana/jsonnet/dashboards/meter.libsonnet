// Meter drill-down: one meter's state and diagnosis, its QoS figures against the targets, its
// readings in their units, and the failures, reconnects, HDLC errors and latency behind them.
local g = import '../lib/grafana.libsonnet';

{
  grafanaDashboards+:: {
    local c = $._config,
    local t = c.targets,
    local sel = c.meterSelector,
    local perHour = 'suffix:/h',
    local hourlyBy(metric, label) =
      'sum by (%s) (rate(%s{%s}[$__rate_interval])) * 3600' % [label, metric, sel],
    local reading(family) = 'dlms_bridge_reading_%s{%s}' % [family, sel],
    // Energy counters are exported in joule-like base units (× 3600); shown in watt-hours.
    local perWattHour(family) = '%s / 3600' % reading(family),
    local state(title, metric, map, description) =
      g.stat(title, 'none', [g.instant('%s{%s}' % [metric, sel], '{{meter}}')], description) + g.valueMap(map),

    'dlms-bridge-meter.json': g.dashboard(
      uid=c.meterUid,
      title=c.titlePrefix + 'Meter',
      description='One meter polled by dlms-bridge: state, diagnosis, readings and errors.',
      tags=c.tags,
      time='now-3h',
      variables=[
        g.datasourceVariable,
        g.labelVariable('job', 'Job', c.bridgeInfoMetric),
        g.labelVariable('instance', 'Bridge', '%s{job=~"$job"}' % c.bridgeInfoMetric),
        g.labelVariable('meter', 'Meter', 'dlms_bridge_meter_up{job=~"$job", instance=~"$instance"}'),
      ],
      annotations=[
        g.annotation('Circuit breaker trips',
                     'increase(dlms_bridge_meter_circuit_breaker_trips_total{%s}[$__rate_interval]) > 0' % sel,
                     'Circuit breaker opened',
                     'too many reconnects: polling paused for breaker_open',
                     'red',
                     'meter'),
        g.annotation('Watchdog trips',
                     'increase(dlms_bridge_meter_watchdog_trips_total{%s}[$__rate_interval]) > 0' % sel,
                     'Watchdog {{watchdog}} tripped',
                     'the meter was reconnected',
                     'orange',
                     'watchdog'),
      ],
      rows=[
        {
          title: 'State',
          height: 4,
          panels: [
            [state('Last poll',
                   'dlms_bridge_meter_up',
                   { '0': ['DOWN', 'red'], '1': ['UP', 'green'] },
                   'Result of the last poll cycle.'), 3],
            [state('Association',
                   'dlms_bridge_meter_connected',
                   { '0': ['closed', 'text'], '1': ['open', 'green'] },
                   'Whether a DLMS association is open right now.'), 3],
            [state('Circuit breaker',
                   'dlms_bridge_meter_circuit_breaker_open',
                   { '0': ['closed', 'green'], '1': ['OPEN', 'red'] },
                   'Open: too many reconnects within breaker_window; polling pauses for breaker_open.'), 3],
            [state('Paused',
                   'dlms_bridge_meter_paused',
                   { '0': ['no', 'green'], '1': ['paused', 'blue'] },
                   'Paused by an operator (dlms-bridge ctl pause/resume). A paused meter raises no alerts.'), 3],
            [g.stat('Diagnosis',
                    'none',
                    [g.instant('dlms_bridge_meter_diagnosis_info{%s} == 1' % sel, '{{symptom}}')],
                    'The bridge’s diagnosis of the meter (none = healthy). `dlms-bridge ctl status METER` and the runbook give the action for the symptom.')
             + { options+: { textMode: 'name', colorMode: 'none' } }, 6],
            [g.stat('Last successful poll',
                    'dateTimeFromNow',
                    [g.instant('dlms_bridge_meter_last_success_timestamp_seconds{%s} * 1000 > 0' % sel, '{{meter}}')],
                    'When the last poll cycle succeeded.')
             + { fieldConfig+: { defaults+: { noValue: 'never' } }, options+: { colorMode: 'none' } }, 6],
            [g.table('What to do', 'none', [g.instant(
               '(dlms_bridge_meter_diagnosis_info{%s} == 1) * on (symptom) group_left (cause, action) symptom:dlms_bridge_advice:info' % sel,
               '',
               'table'
             )], 'The likely field cause of the diagnosis and the action that fixes it (alerts/rules/dlms-bridge-symptoms.yml; the runbook has a section per symptom).')
             + g.transformations([{ id: 'organize', options: {
               excludeByName: { Time: true, Value: true, __name__: true, job: true, instance: true, meter: true },
               indexByName: { symptom: 0, cause: 1, action: 2 },
               renameByName: { symptom: 'Diagnosis', cause: 'Likely cause', action: 'Action' },
             } }]), 24],
          ],
        },
        {
          title: 'Quality of service against targets',
          height: 4,
          panels: [
            [g.stat('Poll success (1h)',
                    'percentunit',
                    [g.instant('meter:dlms_bridge_poll_success:ratio_rate1h{%s}' % sel, '{{meter}}')],
                    'Successful poll cycles over all cycles, last hour. Target ≥ %g %%.' % (100 * t.pollSuccessRatio))
             + g.atLeast(t.pollSuccessRatio, t.pollSuccessCritical), 5],
            [g.stat('Publish ratio (1h)',
                    'percentunit',
                    [g.instant('meter:dlms_bridge_publish:ratio_rate1h{%s}' % sel, '{{meter}}')],
                    'Readings acknowledged by the broker (PUBACK) over readings made, last hour. Target ≥ %g %%.' % (100 * t.publishRatio))
             + g.atLeast(t.publishRatio, t.publishCritical), 5],
            [g.stat('Mean poll latency (5m)',
                    's',
                    [g.instant('meter:dlms_bridge_poll_duration_seconds:mean_rate5m{%s}' % sel, '{{meter}}')],
                    'Mean duration of this meter’s poll cycles, last 5 minutes. Fleet target: p95 ≤ %g s.' % t.pollLatencyP95Seconds)
             + g.atMost(t.pollLatencyP95Seconds, t.pollLatencyCriticalSeconds), 5],
            [g.stat('Reconnects (1h)',
                    perHour,
                    [g.instant('meter:dlms_bridge_reconnects:increase1h{%s}' % sel, '{{meter}}')],
                    'Reconnections in the last hour. Target < %g per hour.' % t.reconnectsPerHour)
             + g.below(t.reconnectsPerHour), 4],
            [g.stat('HDLC errors (1h)',
                    perHour,
                    [g.instant('meter:dlms_bridge_hdlc_errors:increase1h{%s}' % sel, '{{meter}}')],
                    'HDLC errors in the last hour. Target ≤ %g per hour.' % t.hdlcErrorsPerHour)
             + g.atMost(t.hdlcErrorsPerHour), 5],
          ],
        },
        {
          title: 'Readings',
          height: 7,
          panels: [
            [g.timeseries('Voltage', 'volt', [g.query(reading('volts'), '{{obis}}')], 'Voltage registers (DLMS unit V).'), 6],
            [g.timeseries('Current', 'amp', [g.query(reading('amperes'), '{{obis}}')], 'Current registers (DLMS unit A).'), 6],
            [g.timeseries('Power', 'watt', [
               g.query(reading('watts'), 'active {{obis}}'),
               g.query(reading('voltamperes'), 'apparent {{obis}}'),
               g.query(reading('vars'), 'reactive {{obis}}'),
             ], 'Active (W), apparent (VA) and reactive (var) power registers, each in its unit.')
             + g.unitOf('B', 'voltamp') + g.unitOf('C', 'voltampreact'), 6],
            [g.timeseries('Energy', 'watth', [
               g.query(perWattHour('joules'), 'active {{obis}}'),
               g.query(perWattHour('voltampere_seconds'), 'apparent {{obis}}'),
               g.query(perWattHour('var_seconds'), 'reactive {{obis}}'),
             ], 'Energy registers in Wh, VAh and varh (the exporter’s base units divided by 3600).')
             + g.unitOf('B', 'si:VAh') + g.unitOf('C', 'si:varh'), 6],
            [g.timeseries('Frequency', 'hertz', [g.query(reading('hertz'), '{{obis}}')], 'Frequency registers (DLMS unit Hz).'), 6],
            [g.timeseries('Power factor and percentages',
                          'percentunit',
                          [g.query(reading('ratio'), '{{obis}}')],
                          'Power factor registers and registers in % (DLMS unit %, divided by 100).'), 6],
            [g.table('Every exported register (latest)', 'none', [g.instant(
               'label_replace({__name__=~"dlms_bridge_reading_.+", %s}, "quantity", "$1", "__name__", "dlms_bridge_reading_(.+)")' % sel,
               '',
               'table'
             )], 'The last value of every register this meter exports, with its base-unit family (exporter README, “Readings”).')
             + g.transformations([{ id: 'organize', options: {
               excludeByName: { Time: true, __name__: true, job: true, instance: true, meter: true },
               indexByName: { obis: 0, quantity: 1, Value: 2 },
               renameByName: { obis: 'OBIS', quantity: 'Unit family', Value: 'Value' },
             } }]), 12],
          ],
        },
        {
          title: 'Failures, reconnects and HDLC errors (per hour)',
          height: 8,
          panels: [
            [g.timeseries('Poll failures by reason',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_poll_failures_total', 'reason'), '{{reason}}')],
                          'Failed poll cycles per hour by reason.') + g.stacked, 8],
            [g.timeseries('Reconnects by cause',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_reconnects_total', 'cause'), '{{cause}}')],
                          'Reconnections per hour by cause.') + g.stacked, 8],
            [g.timeseries('HDLC errors by kind',
                          perHour,
                          [g.query(hourlyBy('dlms_bridge_meter_hdlc_errors_total', 'kind'), '{{kind}}')],
                          'HDLC errors per hour by kind.') + g.stacked, 8],
          ],
        },
        {
          title: 'Clock, endpoint and request deadline',
          height: 7,
          panels: [
            [g.timeseries('Clock offset (meter − bridge)', 's', [
               g.query('dlms_bridge_meter_clock_offset_seconds{%s}' % sel, 'offset'),
             ], 'The meter’s clock minus the bridge’s at each check ([qos] clock, every clock_check_every cycles): positive = the meter is ahead. Dashed: the alert levels (%g s, %g s). No line with clock = "off" or when the meter’s clock gives no offset (see its clock events).' % [t.clockOffsetSeconds, t.clockOffsetCriticalSeconds])
             + g.thresholds([['dark-red', null], ['red', -t.clockOffsetCriticalSeconds], ['green', -t.clockOffsetSeconds], ['red', t.clockOffsetSeconds], ['dark-red', t.clockOffsetCriticalSeconds]])
             + g.thresholdLines, 8],
            [g.timeseries('Clock syncs and protocol warnings', perHour, [
              g.query('sum by (meter) (rate(dlms_bridge_meter_clock_syncs_total{%s}[$__rate_interval])) * 3600' % sel, 'clock syncs'),
              g.query('sum by (meter) (rate(dlms_bridge_meter_protocol_warnings_total{%s}[$__rate_interval])) * 3600' % sel, 'protocol warnings'),
            ], 'Clock SETs the meter accepted (clock = "sync"), and tolerated protocol anomalies such as bytes after a complete value, per hour.'), 5],
            [g.stateTimeline('Endpoint in use', 'none', [
               g.query('dlms_bridge_meter_endpoint_index{%s}' % sel, 'endpoint'),
             ], 'Which of the meter’s endpoints the session uses: primary = its host:port, else the n-th of its failover endpoints (the address is in the REST API and on the status page).')
             + g.valueMap({ '0': ['primary', 'green'], '1': ['failover 1', 'orange'], '2': ['failover 2', 'orange'], '3': ['failover 3', 'orange'] }), 5],
            [g.timeseries('Request deadline', 's', [
              g.query('dlms_bridge_meter_request_timeout_seconds{%s}' % sel, 'deadline'),
              g.query('meter:dlms_bridge_poll_duration_seconds:mean_rate5m{%s}' % sel, 'mean poll cycle (5m)'),
            ], 'The deadline of each request step: request_timeout, or with request_timeout = "auto" p99 × 3 of the meter’s last response times, clamped to request_timeout_min..max.'), 6],
          ],
        },
        {
          title: 'Load-profile backfill',
          height: 7,
          panels: [
            [g.timeseries('Backfill lag per profile', 's', [
               g.query('dlms_bridge_meter_profile_backfill_lag_seconds{%s}' % sel, '{{profile}}'),
             ], 'How far each [[meter.profile]] is behind: bridge time minus the capture time of its newest row in the MQTT outbox. Normally under a capture period plus the profile’s interval; it grows while the meter is down and drops once the backfill caught up. Dashed: the alert level (%g s). No line for a meter without profiles, or before its first row.' % t.backfillLagSeconds)
             + g.atMost(t.backfillLagSeconds) + g.thresholdLines, 8],
            [g.timeseries('Profile rows read', perHour, [
              g.query('sum by (profile) (rate(dlms_bridge_meter_profile_rows_total{%s}[$__rate_interval])) * 3600' % sel, '{{profile}}'),
            ], 'Rows read from each load profile’s buffer, per hour: about one per capture period while caught up (4/h for a quarter-hour profile), a burst after an outage.'), 8],
            [g.timeseries('Failed profile reads by reason', perHour, [
               g.query('sum by (profile, reason) (rate(dlms_bridge_meter_profile_read_failures_total{%s}[$__rate_interval])) * 3600' % sel, '{{profile}} {{reason}}'),
             ], 'Profile reads that failed, per hour: timeout, closed (connection lost), protocol (malformed reply or buffer), access_denied (no such profile, or not readable by this client). A read that broke the association also fails that poll cycle with the same reason.')
             + g.stacked, 8],
          ],
        },
        {
          title: 'Latency, throughput, breaker and watchdogs',
          height: 8,
          panels: [
            [g.timeseries('Poll cycle latency', 's', [
               g.query('rate(dlms_bridge_meter_poll_duration_seconds_sum{%(s)s}[$__rate_interval]) / rate(dlms_bridge_meter_poll_duration_seconds_count{%(s)s}[$__rate_interval])' % { s: sel }, 'mean'),
               g.query('meter:dlms_bridge_poll_duration_seconds:mean_rate5m{%s}' % sel, 'mean (5m)'),
             ], 'Mean duration of this meter’s poll cycles. Dashed: the fleet p95 target.')
             + g.atMost(t.pollLatencyP95Seconds, t.pollLatencyCriticalSeconds) + g.thresholdLines, 6],
            [g.timeseries('Polls and readings', perHour, [
              g.query('sum by (meter) (rate(dlms_bridge_meter_polls_total{%s}[$__rate_interval])) * 3600' % sel, 'poll cycles'),
              g.query('sum by (meter) (rate(dlms_bridge_meter_readings_total{%s}[$__rate_interval])) * 3600' % sel, 'readings made'),
              g.query('sum by (meter) (rate(dlms_bridge_meter_readings_published_total{%s}[$__rate_interval])) * 3600' % sel, 'readings acknowledged'),
            ], 'Poll cycles started, readings made and readings acknowledged by the broker, per hour.'), 6],
            [g.timeseries('Success and publish ratio', 'percentunit', [
               g.query('meter:dlms_bridge_poll_success:ratio_rate5m{%s}' % sel, 'poll success 5m'),
               g.query('meter:dlms_bridge_publish:ratio_rate5m{%s}' % sel, 'publish 5m'),
             ], 'Dashed: the poll success target and critical level.')
             + g.atLeast(t.pollSuccessRatio, t.pollSuccessCritical) + g.thresholdLines + g.range(0, 1), 6],
            [g.stateTimeline('Circuit breaker and watchdogs', 'none', [
               g.query('dlms_bridge_meter_circuit_breaker_open{%s}' % sel, 'circuit breaker'),
               g.query('sum by (watchdog) (increase(dlms_bridge_meter_watchdog_trips_total{%s}[$__rate_interval]) > bool 0)' % sel, 'watchdog {{watchdog}}'),
             ], 'Breaker: open or closed. Watchdogs: tripped within the interval (each trip reconnects the meter).')
             + g.valueMap({ '0': ['ok', 'green'], '1': ['OPEN / tripped', 'red'] }), 6],
          ],
        },
      ],
    ),
  },
}
