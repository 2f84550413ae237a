// The dlms-bridge Grafana mixin: configuration plus dashboards. The recording rules the
// dashboards read live in alerts/rules/ (plain YAML, loaded by Prometheus).
(import 'config.libsonnet') +
(import 'dashboards/fleet.libsonnet') +
(import 'dashboards/meter.libsonnet')
