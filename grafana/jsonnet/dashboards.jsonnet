// One output file per dashboard: jsonnet -J grafana/jsonnet -m grafana/dashboards grafana/jsonnet/dashboards.jsonnet
local dashboards = (import 'mixin.libsonnet').grafanaDashboards;

{ [name]: dashboards[name] for name in std.objectFields(dashboards) }
