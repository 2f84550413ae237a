#include "status_page.h"

namespace bridge::app {

const std::string& status_page_html() {
  static const std::string kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dlms-bridge</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2330; background: #f7f8fa; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem 0; }
  .links a { margin-right: 1rem; }
  #health { margin: 1rem 0; padding: .6rem 1rem; border-radius: 6px; font-weight: 600; }
  .ok { background: #dff5e3; } .degraded { background: #fff3cd; } .failing { background: #f8d7da; }
  table { border-collapse: collapse; width: 100%; background: white; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6eb; font-size: .9rem; }
  th { background: #eef0f4; }
  td.state-idle, td.state-polling { color: #17733a; }
  td.state-backoff, td.state-connecting, td.state-starting { color: #8a6100; }
  td.state-breaker_open { color: #a61b1b; font-weight: 600; }
  td.state-paused { color: #555; }
  .action { color: #444; font-size: .85rem; }
  td:nth-child(-n+3) { white-space: nowrap; }
  #error { color: #a61b1b; }
</style>
</head>
<body>
<h1>dlms-bridge</h1>
<div class="links"><a href="/metrics">/metrics</a><a href="/api/v1/meters">/api/v1/meters</a>
<a href="/api/v1/events">/api/v1/events</a><a href="/api/v1/action-plan">/api/v1/action-plan</a></div>
<div id="health">loading...</div>
<div id="error"></div>
<table>
  <thead><tr><th>meter</th><th>address</th><th>state</th><th>last reading</th><th>cycles ok / failed</th>
  <th>reconnects</th><th>HDLC errors</th><th>diagnosis</th></tr></thead>
  <tbody id="meters"></tbody>
</table>
<script>
function text(v) { return v === null || v === undefined ? "" : String(v); }
function age(ts) {
  if (!ts) return "never";
  const s = Math.max(0, Math.round((Date.now() - ts) / 1000));
  return s < 120 ? s + " s ago" : Math.round(s / 60) + " min ago";
}
function cell(row, value, cls) {
  const td = document.createElement("td");
  td.textContent = text(value);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}
async function refresh() {
  try {
    const [health, meters] = await Promise.all([
      fetch("/api/v1/health").then(r => r.json()),
      fetch("/api/v1/meters").then(r => r.json())]);
    const h = document.getElementById("health");
    h.className = health.status;
    h.textContent = "status: " + health.status + " \u2014 " + health.meters.up + " of " + health.meters.total +
      " meters up, " + health.meters.paused + " paused" +
      (health.mqtt.enabled ? ", MQTT " + (health.mqtt.connected ? "connected" : "DISCONNECTED") +
       ", outbox " + health.mqtt.outbox : "");
    const body = document.getElementById("meters");
    body.replaceChildren();
    for (const m of meters) {
      const row = document.createElement("tr");
      row.id = "meter-" + m.id;
      cell(row, m.id);
      cell(row, m.host + ":" + m.port);
      cell(row, m.state, "state-" + m.state);
      cell(row, age(m.last_success));
      cell(row, m.counters.cycles_ok + " / " + m.counters.cycles_failed);
      cell(row, m.counters.reconnects);
      cell(row, m.counters.hdlc_errors);
      const d = m.diagnosis;
      cell(row, d ? d.explanation + " \u2192 " + d.action : "", "action");
      body.appendChild(row);
    }
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = "cannot reach the bridge API: " + e;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)HTML";
  return kPage;
}

}  // namespace bridge::app
