// Style and script of the status pages: inline (no CDN, no extra request, works offline).
#include "bridge/status/pages.h"

namespace bridge::status {

const std::string& page_style() {
  // Dark, high-contrast palette: easy on the eyes at night; state colours also carry a word.
  static const std::string kStyle = R"CSS(
:root { --bg:#0f1216; --card:#181c22; --line:#262c35; --text:#e4e7eb; --muted:#8b95a1;
  --ok:#3fb950; --warn:#d29922; --crit:#f85149; --info:#58a6ff; --grey:#6e7681; }
* { box-sizing: border-box; }
body { margin: 0; padding: 0 1.2rem 2rem; background: var(--bg); color: var(--text);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
a { color: var(--info); text-decoration: none; } a:hover { text-decoration: underline; }
header { display: flex; align-items: center; gap: 1.2rem; padding: .8rem 0; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.15rem; margin: 0; } header nav a { margin-right: .9rem; font-size: .85rem; }
#conn { margin-left: auto; font-size: .8rem; } #conn.stale { color: var(--crit); font-weight: 600; }
#auth { font-size: .8rem; } #auth input { width: 14rem; }
.summary { display: flex; flex-wrap: wrap; gap: .7rem; margin: 1rem 0 .3rem; }
.tile { flex: 1 1 9rem; background: var(--card); border-radius: 8px; padding: .55rem .8rem; border-left: 5px solid var(--grey); }
.tile .label { color: var(--muted); font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; }
.tile .figure { font-size: 1.55rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .target { color: var(--muted); font-size: .75rem; }
.tile.lvl-ok { border-color: var(--ok); } .tile.lvl-ok .figure { color: var(--ok); }
.tile.lvl-warning { border-color: var(--warn); } .tile.lvl-warning .figure { color: var(--warn); }
.tile.lvl-critical { border-color: var(--crit); } .tile.lvl-critical .figure { color: var(--crit); }
.fleetline { color: var(--muted); font-size: .85rem; margin: .4rem 0 .8rem; width: 100%; }
form#filters { display: flex; gap: 1.2rem; align-items: center; margin: .4rem 0 .8rem; font-size: .85rem; color: var(--muted); }
select, input, button { background: var(--card); color: var(--text); border: 1px solid var(--line); border-radius: 5px;
  padding: .25rem .5rem; font: inherit; }
button { cursor: pointer; } button:hover { border-color: var(--info); } button:disabled { opacity: .5; }
table#meters { width: 100%; border-collapse: collapse; background: var(--card); border-radius: 8px; overflow: hidden; }
#meters th { text-align: left; font-weight: 500; color: var(--muted); font-size: .75rem; text-transform: uppercase;
  letter-spacing: .04em; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
#meters td { padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
#meters tr:last-child td { border-bottom: 0; }
.sub { color: var(--muted); font-size: .78rem; white-space: nowrap; } .sub.wrap { white-space: normal; max-width: 19rem; }
.muted { color: var(--muted); }
.pill { display: inline-block; border-radius: 999px; padding: .05rem .6rem; font-weight: 600; font-size: .82rem; }
.pill.h-up { background: rgba(63,185,80,.18); color: var(--ok); }
.pill.h-degraded { background: rgba(210,153,34,.2); color: var(--warn); }
.pill.h-down, .pill.h-breaker_open { background: rgba(248,81,73,.2); color: var(--crit); }
.pill.h-paused, .pill.h-starting { background: rgba(110,118,129,.25); color: #c9d1d9; }
.h-up { color: var(--ok); } .h-degraded { color: var(--warn); } .h-down, .h-breaker_open { color: var(--crit); }
tr[data-health="down"] td:first-child, tr[data-health="breaker_open"] td:first-child { box-shadow: inset 4px 0 var(--crit); }
tr[data-health="degraded"] td:first-child { box-shadow: inset 4px 0 var(--warn); }
tr[data-health="up"] td:first-child { box-shadow: inset 4px 0 var(--ok); }
tr[data-health="paused"] td:first-child { box-shadow: inset 4px 0 var(--grey); }
td.meter a { font-weight: 600; }
td.values { max-width: 24rem; min-width: 18rem; } td.meter { min-width: 14rem; }
.val { display: inline-block; margin: 0 .7rem .15rem 0; font-variant-numeric: tabular-nums; white-space: nowrap; }
.val b { color: var(--muted); font-weight: 400; font-size: .75rem; margin-right: .2rem; }
td.ratio { font-weight: 650; font-variant-numeric: tabular-nums; font-size: 1.05rem; white-space: nowrap; }
.lvl-ok { color: var(--ok); } .lvl-warning { color: var(--warn); } .lvl-critical { color: var(--crit); }
.sparkrow { display: flex; align-items: center; gap: .4rem; } .sparklabel { color: var(--muted); font-size: .68rem; width: 3.4rem; }
svg.spark { display: block; } svg.spark .line { fill: none; stroke: var(--info); stroke-width: 1.5; stroke-linejoin: round; }
svg.spark .target { stroke: var(--muted); stroke-dasharray: 3 3; stroke-width: 1; }
svg.spark circle.over { fill: var(--crit); }
svg.spark rect.lvl-ok { fill: var(--ok); } svg.spark rect.lvl-warning { fill: var(--warn); } svg.spark rect.lvl-critical { fill: var(--crit); }
.badge { display: inline-block; border-radius: 4px; padding: 0 .4rem; margin: 0 .3rem .2rem 0; font-size: .75rem;
  border: 1px solid var(--line); white-space: nowrap; }
.badge.lvl-critical { border-color: var(--crit); color: var(--crit); } .badge.lvl-warning { border-color: var(--warn); color: var(--warn); }
.badge.lvl-ok { color: var(--muted); }
td.diag { max-width: 24rem; min-width: 15rem; } details summary { cursor: pointer; font-weight: 600; }
details p, details ol { color: #c9d1d9; font-size: .82rem; margin: .35rem 0; } details ol { padding-left: 1.2rem; }
.sev-critical, .sev-error { color: var(--crit); } .sev-warning { color: var(--warn); } .sev-info { color: var(--info); }
.buttons { display: inline-flex; gap: .35rem; white-space: nowrap; }
#results { margin: 0 0 .8rem; } .result { background: var(--card); border-radius: 6px; padding: .45rem .8rem; margin-bottom: .4rem;
  border-left: 4px solid var(--grey); font-size: .85rem; } .result.ok { border-color: var(--ok); } .result.failed { border-color: var(--crit); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: .9rem; margin-top: 1rem; }
.card { background: var(--card); border-radius: 8px; padding: .8rem 1rem; margin-top: .9rem; }
.grid .card { margin-top: 0; }
.card h2 { font-size: 1rem; margin: 0 0 .6rem; display: flex; gap: .8rem; align-items: center; } .card h3 { font-size: .85rem; margin: .6rem 0 .2rem; }
table.kv th { text-align: left; color: var(--muted); font-weight: 400; padding: .15rem 1rem .15rem 0; vertical-align: top; }
table.kv td.num { font-variant-numeric: tabular-nums; text-align: right; padding-right: 1rem; }
table.events td, table.frames td { padding: .2rem .6rem .2rem 0; vertical-align: top; font-size: .83rem; }
code { font: 12px/1.3 ui-monospace, monospace; word-break: break-all; }
pre { font: 12px/1.35 ui-monospace, monospace; background: var(--bg); padding: .6rem; border-radius: 6px; overflow: auto; max-height: 28rem; }
.chart { margin: .3rem 0 .6rem; } svg.big { width: 100%; height: auto; }
)CSS";
  return kStyle;
}

const std::string& page_script() {
  // Refreshes every element marked data-live from a fresh copy of the same page (no full
  // reload: scroll position, open details, typed filters and test results stay); applies the
  // filters without a reload; pause / resume / test call the REST API with the bearer token
  // when the bridge asks for one. The token is typed once and kept in sessionStorage (this tab
  // only, gone when it closes; never in a URL or a cookie).
  static const std::string kScript = R"JS(
(() => {
  const KEY = "dlms-bridge-token";
  const conn = document.getElementById("conn");
  const results = document.getElementById("results");
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch(location.pathname + location.search, { cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const open = [...document.querySelectorAll("details[open][id]")].map(d => d.id);
      for (const el of document.querySelectorAll("[data-live]")) {
        const fresh = doc.getElementById(el.id);
        if (fresh) el.replaceWith(fresh);
      }
      for (const id of open) { const d = document.getElementById(id); if (d) d.open = true; }
      document.title = doc.title;
      conn.className = "muted";
      // UTC like every time the server renders, not the browser's zone.
      conn.textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
    } catch (e) {
      conn.className = "stale";
      conn.textContent = "cannot reach the bridge (" + e.message + "): figures are stale";
    } finally {
      busy = false;
    }
  }
  function show(meter, cls, text) {
    let el = document.getElementById("result-" + meter);
    if (!el) {
      el = document.createElement("div");
      el.id = "result-" + meter;
      results.prepend(el);
    }
    el.className = "result " + cls;
    el.textContent = text;
  }
  function describe(action, meter, status, body) {
    if (action !== "test") return body.ok ? meter + ": " + action + " done" : meter + ": " + action + " failed: " + (body.error || "HTTP " + status);
    if (body.error && !body.meter) return "test " + meter + ": " + body.error;
    const values = Object.entries((body.reading || {}).values || {})
      .map(([k, v]) => k + " " + v.value + (v.unit_symbol ? " " + v.unit_symbol : "")).join(", ");
    let text = "test " + meter + ": " + (body.ok ? "ok" : "FAILED") + " in " + body.duration_ms + " ms";
    if (values) text += ": " + values;
    for (const f of body.failures || []) text += "; " + f.key + " failed (" + f.reason + ")";
    if (body.diagnosis) text += " — " + body.diagnosis.explanation;
    return text;
  }
  function askToken(retry) {
    const auth = document.getElementById("auth");
    auth.innerHTML = "";
    const form = document.createElement("form");
    const input = document.createElement("input");
    input.type = "password";
    input.placeholder = "API token (kept in this tab only)";
    input.id = "token";
    const ok = document.createElement("button");
    ok.textContent = "use token";
    form.append(input, ok);
    form.onsubmit = ev => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, input.value);
      auth.textContent = "token set";
      retry();
    };
    auth.append(form);
    input.focus();
  }
  async function act(button) {
    const meter = button.dataset.meter, action = button.dataset.action;
    const headers = {};
    const token = sessionStorage.getItem(KEY);
    if (token) headers.Authorization = "Bearer " + token;
    button.disabled = true;
    show(meter, "", meter + ": " + action + "…");
    try {
      const r = await fetch("/api/v1/meters/" + encodeURIComponent(meter) + "/" + action, { method: "POST", headers });
      if (r.status === 401 || r.status === 403) {
        sessionStorage.removeItem(KEY);
        show(meter, "failed", meter + ": " + action + " needs the bridge's API token ([http] token)");
        askToken(() => act(button));
        return;
      }
      const body = await r.json().catch(() => ({}));
      const ok = action === "test" ? !!body.ok : r.ok;
      show(meter, ok ? "ok" : "failed", describe(action, meter, r.status, Object.assign({ ok: r.ok }, body)));
    } catch (e) {
      show(meter, "failed", meter + ": " + action + " failed: " + e.message);
    } finally {
      button.disabled = false;
      refresh();
    }
  }
  document.addEventListener("click", ev => {
    const b = ev.target.closest("button[data-action]");
    if (b) { ev.preventDefault(); act(b); }
  });
  const filters = document.getElementById("filters");
  if (filters) {
    const apply = () => {
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(filters)) if (v) q.set(k, v);
      history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
      refresh();
    };
    filters.addEventListener("change", apply);
    filters.addEventListener("input", apply);
    filters.addEventListener("submit", ev => { ev.preventDefault(); apply(); });
  }
  setInterval(refresh, 2000);
})();
)JS";
  return kScript;
}

}  // namespace bridge::status
