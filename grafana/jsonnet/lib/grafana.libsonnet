// Small builders for Grafana 10/11 dashboard JSON (schemaVersion 39), only the fields these
// dashboards use. Grafonnet is not packaged in Debian, so the mixin keeps its own few helpers;
// every panel, query, variable and annotation goes through the `${datasource}` variable.
{
  datasource:: { type: 'prometheus', uid: '${datasource}' },

  // ---- queries ------------------------------------------------------------------------------
  // A range query (time series panels). `legend` is a Grafana legend format ("{{meter}}").
  query(expr, legend='__auto'):: {
    datasource: $.datasource,
    expr: expr,
    legendFormat: legend,
    range: true,
    instant: false,
    editorMode: 'code',
  },
  // An instant query (stat and table panels: the value now, not a curve).
  instant(expr, legend='__auto', format='time_series'):: $.query(expr, legend) + {
    range: false,
    instant: true,
    format: format,
  },

  // ---- thresholds and mappings ------------------------------------------------------------------
  // steps: [[color, from], ...]; the first step has no lower bound.
  thresholds(steps):: {
    fieldConfig+: { defaults+: { thresholds: {
      mode: 'absolute',
      steps: [{ color: steps[0][0], value: null }] + [{ color: s[0], value: s[1] } for s in steps[1:]],
    } } },
  },
  // A ratio that must stay at or above `target` (warning below it, critical below `critical`).
  atLeast(target, critical=null)::
    $.thresholds([['red', null]] +
                 (if critical == null then [['green', target]] else [['orange', critical], ['green', target]])),
  // A figure that must stay at or below `target` ("≤ 2 s"): Grafana colours a step from its value
  // upwards, so the breach step starts just above the target.
  atMost(target, critical=null)::
    $.thresholds([['green', null], ['red', target + 1e-6]] + (if critical == null then [] else [['dark-red', critical]])),
  // A figure that must stay strictly below `limit` ("< 2 per hour").
  below(limit):: $.thresholds([['green', null], ['red', limit]]),
  // Draws the thresholds as dashed lines in a time series.
  thresholdLines:: { fieldConfig+: { defaults+: { custom+: { thresholdsStyle: { mode: 'dashed' } } } } },

  // Value → text/colour mappings, e.g. { '0': ['DOWN', 'red'], '1': ['UP', 'green'] }.
  valueMap(map)::
    local keys = std.objectFields(map);
    { fieldConfig+: { defaults+: { mappings: [{
      type: 'value',
      options: { [keys[i]]: { text: map[keys[i]][0], color: map[keys[i]][1], index: i } for i in std.range(0, std.length(keys) - 1) },
    }] } } },

  // ---- panels -------------------------------------------------------------------------------------
  panel(type, title, unit, targets, description=''):: {
    type: type,
    title: title,
    description: description,
    datasource: $.datasource,
    targets: [targets[i] { refId: std.char(std.codepoint('A') + i) } for i in std.range(0, std.length(targets) - 1)],
    fieldConfig: { defaults: { unit: unit, mappings: [], thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] } }, overrides: [] },
    options: {},
  },

  stat(title, unit, targets, description=''):: $.panel('stat', title, unit, targets, description) + {
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
  },

  timeseries(title, unit, targets, description=''):: $.panel('timeseries', title, unit, targets, description) + {
    fieldConfig+: { defaults+: { custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false } } },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
  },
  // Stacks the series (counts by cause/kind add up to the total).
  stacked:: { fieldConfig+: { defaults+: { custom+: { stacking: { mode: 'normal', group: 'A' } } } } },
  // Fixes the y axis range (ratios: 0..1).
  range(min, max):: { fieldConfig+: { defaults+: { min: min, max: max } } },

  bargauge(title, unit, targets, description=''):: $.panel('bargauge', title, unit, targets, description) + {
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'basic',
      showUnfilled: true,
    },
  },

  stateTimeline(title, unit, targets, description=''):: $.panel('state-timeline', title, unit, targets, description) + {
    options: { mergeValues: true, showValue: 'auto', rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: false } },
  },

  table(title, unit, targets, description=''):: $.panel('table', title, unit, targets, description) + {
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
  },
  // Per-column settings of a table: name → object of field config properties.
  columns(props):: {
    fieldConfig+: { overrides+: [
      { matcher: { id: 'byName', options: name }, properties: [{ id: k, value: props[name][k] } for k in std.objectFields(props[name])] }
      for name in std.objectFields(props)
    ] },
  },
  // Per-query unit (a panel whose queries are different quantities, e.g. W, VA and var).
  unitOf(refId, unit):: {
    fieldConfig+: { overrides+: [{ matcher: { id: 'byFrameRefID', options: refId }, properties: [{ id: 'unit', value: unit }] }] },
  },
  transformations(list):: { transformations: list },

  // ---- variables ------------------------------------------------------------------------------------
  datasourceVariable:: {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  },
  // A label_values() variable; `all` adds "All" matching any value with the regex `.+`.
  labelVariable(name, label, metric, multi=false, all=false):: {
    local q = 'label_values(%s, %s)' % [metric, name],
    name: name,
    label: label,
    type: 'query',
    datasource: $.datasource,
    definition: q,
    query: q,
    current: {},
    hide: 0,
    refresh: 2,  // on time range change: meters come and go with config reloads
    regex: '',
    sort: 1,
    multi: multi,
    includeAll: all,
    [if all then 'allValue']: '.+',
    skipUrlSync: false,
  },

  // ---- annotations --------------------------------------------------------------------------------
  annotation(name, expr, titleFormat, textFormat, color, tagKeys):: {
    name: name,
    datasource: $.datasource,
    enable: true,
    hide: false,
    iconColor: color,
    expr: expr,
    step: '60s',
    titleFormat: titleFormat,
    textFormat: textFormat,
    tagKeys: tagKeys,
    useValueForTime: false,
  },
  builtInAnnotation:: {
    builtIn: 1,
    datasource: { type: 'grafana', uid: '-- Grafana --' },
    enable: true,
    hide: true,
    iconColor: 'rgba(0, 211, 255, 1)',
    name: 'Annotations & Alerts',
    type: 'dashboard',
  },

  // ---- layout ---------------------------------------------------------------------------------------
  // rows: [{ title, height, panels: [[panel, width], ...] }]. Under a row header, panels flow
  // left to right on Grafana's 24-column grid and wrap to a new line; every panel gets an id.
  layout(rows)::
    local flow(acc, p) =
      local wrap = acc.x + p[1] > 24;
      local x = if wrap then 0 else acc.x;
      local y = if wrap then acc.y + acc.h else acc.y;
      { x: x + p[1], y: y, h: acc.h, panels: acc.panels + [p[0] { gridPos: { x: x, y: y, w: p[1], h: acc.h } }] };
    local place(acc, row) =
      local header = { type: 'row', title: row.title, collapsed: false, panels: [], gridPos: { x: 0, y: acc.y, w: 24, h: 1 } };
      local body = std.foldl(flow, row.panels, { x: 0, y: acc.y + 1, h: row.height, panels: [] });
      { y: body.y + row.height, panels: acc.panels + [header] + body.panels };
    local all = std.foldl(place, rows, { y: 0, panels: [] }).panels;
    [all[i] { id: i + 1 } for i in std.range(0, std.length(all) - 1)],

  dashboard(uid, title, description, tags, variables, rows, annotations=[], time='now-6h'):: {
    uid: uid,
    title: title,
    description: description,
    tags: tags,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '1m',
    time: { from: time, to: 'now' },
    timepicker: {},
    schemaVersion: 39,
    version: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [{
      title: 'dlms-bridge dashboards',
      type: 'dashboards',
      tags: tags,
      asDropdown: true,
      includeVars: true,
      keepTime: true,
      icon: 'external link',
      targetBlank: false,
      tooltip: '',
      url: '',
    }],
    templating: { list: variables },
    annotations: { list: [$.builtInAnnotation] + annotations },
    panels: $.layout(rows),
  },
}
