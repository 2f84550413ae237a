#!/usr/bin/env python3
"""One-box fleet scale run of the real dlms-bridge (issue #12), never run by ctest.

Starts dlms-meter-sim (N meters on one port, control endpoint; one per 16,383 meters), mosquitto (unless --no-mqtt),
`dlms-bridge run` with a generated config (the default 5-register set) and, with --prometheus, a
real Prometheus scraping the bridge every --scrape-interval. After --warmup it measures over
--window:

  on-time       1 - missed/due from dlms_bridge_meter_poll_slots_{due,missed}_total over the
                window (the bridge's own figure, when it exports them), next to the estimate
                from outside: the slots logged as skipped against the schedule (window /
                interval per meter) and polls_total / schedule (phases bunch up after start);
                start lateness p50/p99 from dlms_bridge_poll_start_lateness_seconds
  sim check     the simulator's own per-meter get_requests / registers = cycles it served, and
                per meter: did every cycle the bridge counts as on time reach the meter?
                (CONFIRMED / NOT CONFIRMED, see sim_confirmation)
  CPU           bridge user+system CPU seconds / window seconds (cores)
  RSS           bridge VmRSS sampled every 5 s (mean, max)
  scrape        Prometheus' scrape_duration_seconds and scrape_samples_scraped of the bridge,
                and Prometheus' own RSS

Examples (from the repository root, after scripts/build.sh or the targets dlms-bridge and
dlms-meter-sim):

  bench/fleet/fleet_scale.py --meters 10000 --interval 60s --warmup 150 --window 300 --prometheus
  bench/fleet/fleet_scale.py --meters 1000 --interval 1s --warmup 30 --window 120
  bench/fleet/fleet_scale.py --meters 4000 --interval 10s --warmup 40 --window 120   # knee search
  bench/fleet/fleet_scale.py --meters 30000 --shards 2 --interval 10s --warmup 300 --window 120  # beyond one process

One bridge process holds one socket per meter and refuses a fleet over its open files limit;
--shards N runs N instances on this box (run --shard i/N, one shared config) and adds up their
figures.

Prints one Markdown table row per run (and the machine load) for bench/RESULTS.md.
"""
import argparse
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

REGISTERS = 5  # the default register set
SIM_MAX_METERS = 16383  # physical addresses one dlms-meter-sim answers
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port_run(count):
    """A port p with p .. p+count-1 all free (sharded instances listen on the [http] port + i).
    Below the ephemeral range: after a large run, every other ephemeral port sits in TIME_WAIT
    (the meters' connections), so p+1 of a kernel-chosen p is usually taken."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    for _ in range(200):
        base = random.randint(10000, max(ephemeral_low, 12000) - count)
        try:
            for k in range(count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + k))
            return base
        except OSError:
            continue
    raise RuntimeError(f"no run of {count} free ports below the ephemeral range")


def free_port():
    return free_port_run(1)


def seconds(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (e.g. 60s, 500ms, 1m)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def http_get(url, timeout=60, gzip=False):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def metric_sums(text, names):
    """Sum over all series of each family in `names` (per-meter counters), and the meter count."""
    sums = {n: 0.0 for n in names}
    meters = set()
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in sums:
            sums[name] += float(line.rsplit(" ", 1)[1])
            m = re.search(r'meter="([^"]*)"', line)
            if m:
                meters.add(m.group(1))
    return sums, len(meters)


def per_meter(text, name):
    """{meter id: value} of one per-meter family."""
    out = {}
    for m in re.finditer(r'^' + re.escape(name) + r'\{[^}]*meter="([^"]*)"[^}]*\} (\S+)$', text, re.M):
        out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(2))
    return out


def sim_confirmation(before, after, gets_before, gets_after, interval_slots_bracket):
    """Checks the bridge's on-time figure against the simulator's own per-meter GET counters.

    Per meter, the cycles the bridge says it started on time in the window (due - missed) must
    have reached the meter: served = GETs / registers over the simulator's window, which brackets
    the bridge's window, must be >= on-time cycles - 1 (one cycle may straddle the edge) and at
    most due + the bracket's extra slots + 1. Returns (consistent meters, meters, on-time cycles,
    served cycles, [first inconsistent meters])."""
    due0, due1 = before["due"], after["due"]
    missed0, missed1 = before["missed"], after["missed"]
    ok, bad, claimed_total, served_total = 0, [], 0.0, 0.0
    for meter, d1 in due1.items():
        number = int(meter.rsplit("-", 1)[1])  # meter-00042 <-> meter number 42 (see sim_requests)
        due = d1 - due0.get(meter, 0.0)
        on_time = due - (missed1.get(meter, 0.0) - missed0.get(meter, 0.0))
        served = (gets_after.get(number, 0) - gets_before.get(number, 0)) / REGISTERS
        claimed_total += on_time
        served_total += served
        if on_time - 1 <= served <= due + interval_slots_bracket + 1:
            ok += 1
        elif len(bad) < 5:
            bad.append(f"{meter}: bridge {on_time:.0f} on time of {due:.0f} due, simulator served {served:.1f}")
    return ok, len(due1), claimed_total, served_total, bad


def lateness_buckets(text):
    """Cumulative counts of dlms_bridge_poll_start_lateness_seconds by upper bound (seconds), all instances."""
    out = {}
    for m in re.finditer(r'^dlms_bridge_poll_start_lateness_seconds_bucket\{le="([^"]+)"\} (\S+)$', text, re.M):
        bound = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
        out[bound] = out.get(bound, 0.0) + float(m.group(2))  # summed over instances (--shards)
    return out


def quantile(q, buckets):
    """histogram_quantile() over cumulative buckets {upper bound: count}, linear within a bucket."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower, below = 0.0, 0.0
    for b in bounds:
        if buckets[b] >= rank:
            if b == float("inf"):
                return lower
            return lower + (b - lower) * (rank - below) / max(buckets[b] - below, 1e-12)
        lower, below = b, buckets[b]
    return lower


class Run:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="fleet_scale.")
        self.children = []

    def spawn(self, name, argv):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.children.append(p)
        return p

    def stop(self):
        for p in reversed(self.children):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def wait_for(self, what, check, timeout):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{what} did not come up within {timeout} s (logs in {self.dir})")

    def start(self):
        a = self.args
        b = a.bin_dir
        self.mqtt_port = free_port()
        if a.mqtt:
            with open(os.path.join(self.dir, "mosquitto.conf"), "w") as f:
                f.write(f"listener {self.mqtt_port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
            self.spawn("mosquitto", ["mosquitto", "-c", os.path.join(self.dir, "mosquitto.conf")])
        # One simulator answers at most 16,383 physical addresses (the 4-byte HDLC address's
        # 14 bits): larger fleets are split over several, meter k on simulator (k-1) // per_sim.
        self.per_sim = min(a.meters, a.meters_per_sim)
        self.sims = []  # (port, control port) per simulator
        for i in range((a.meters + self.per_sim - 1) // self.per_sim):
            count = min(self.per_sim, a.meters - i * self.per_sim)
            name = f"sim{i}" if i else "sim"
            self.spawn(name, [os.path.join(b, "dlms-meter-sim"), "--listen", "127.0.0.1:0", "--meters", str(count),
                              "--profile", "microstar", "--control", "127.0.0.1:0", "--seed", str(7 + i)])
            sim_log = os.path.join(self.dir, name + ".log")
            self.wait_for("dlms-meter-sim", lambda: "control=" in open(sim_log).read(), 120)
            line = next(l for l in open(sim_log) if l.startswith("listening"))
            kv = dict(t.split("=", 1) for t in line.split() if "=" in t)
            self.sims.append((int(kv["port"]), int(kv["control"])))

        self.http_port = free_port_run(a.shards)
        cfg = [
            "[bridge]", f'instance = "fleet-scale"', f'state_dir = "{self.dir}/state"',
            "shard_port_offset = true" if a.shards > 1 else "", "",
            "[http]", f'listen = "127.0.0.1:{self.http_port}"',
        ]
        cfg += a.http_line
        cfg += [
            "", "[mqtt]", f"enabled = {'true' if a.mqtt else 'false'}", 'host = "127.0.0.1"', f"port = {self.mqtt_port}",
            'mode = "gateway"', "", "[store]", f'path = "{self.dir}/state/bridge.db"', "",
            "[qos]", f'poll_interval = "{a.interval_text}"',
        ]
        cfg += a.qos_line
        cfg.append("")
        for k in range(1, a.meters + 1):
            sim_port = self.sims[(k - 1) // self.per_sim][0]
            physical = (k - 1) % self.per_sim + 1
            cfg += ["[[meter]]", f'id = "meter-{k:05d}"', 'host = "127.0.0.1"', f"port = {sim_port}",
                    "address_size = 4", "server_logical = 1", f"server_physical = {physical}", 'auth = "low"',
                    'password = "22222222"', ""]
        os.makedirs(os.path.join(self.dir, "state"), exist_ok=True)
        self.config = os.path.join(self.dir, "bridge.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(cfg))
        # With --shards N, N instances share the config (dlms-bridge run --shard i/N), each on
        # the [http] port + i; the figures below add them up.
        self.bridges, self.bases = [], []
        for i in range(a.shards):
            shard = ["--shard", f"{i}/{a.shards}"] if a.shards > 1 else []
            self.bridges.append(self.spawn(f"bridge{i}" if i else "bridge", [
                os.path.join(b, "dlms-bridge"), "--log-level", "warn", "run", "--config", self.config] + shard))
            self.bases.append(f"http://127.0.0.1:{self.http_port + i}")
        for base in self.bases:
            self.wait_for("dlms-bridge", lambda: urllib.request.urlopen(base + "/-/ready", timeout=5).status == 200,
                          120)

        self.prom = None
        if a.prometheus:
            self.prom_port = free_port()
            with open(os.path.join(self.dir, "prometheus.yml"), "w") as f:
                f.write(f"global:\n  scrape_interval: {a.scrape_interval}\n  scrape_timeout: 10s\n"
                        f"scrape_configs:\n  - job_name: dlms-bridge\n    static_configs:\n"
                        f"      - targets: [{', '.join(repr(b[len('http://'):]) for b in self.bases)}]\n")
            self.prom = self.spawn("prometheus", [
                "prometheus", f"--config.file={self.dir}/prometheus.yml", f"--storage.tsdb.path={self.dir}/tsdb",
                f"--web.listen-address=127.0.0.1:{self.prom_port}"])
            self.wait_for("prometheus", lambda: http_get(f"http://127.0.0.1:{self.prom_port}/-/ready", 5), 60)

    def skipped_slots(self, t0, t1):
        """Slots of "poll slot skipped" warnings the bridges logged between t0 and t1 (Unix seconds)."""
        total = 0
        for i in range(len(self.bridges)):
            with open(os.path.join(self.dir, f"bridge{i}.log" if i else "bridge.log")) as f:
                for line in f:
                    if 'msg="poll slot skipped"' not in line:
                        continue
                    ts = re.match(r"ts=(\S+)Z", line)
                    n = re.search(r"slots=(\d+)", line)
                    if not ts or not n:
                        continue
                    t = time.mktime(time.strptime(ts.group(1)[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                    if t0 <= t <= t1:
                        total += int(n.group(1))
        return total

    def prom_query(self, q):
        url = f"http://127.0.0.1:{self.prom_port}/api/v1/query?query=" + urllib.parse.quote(q)
        r = json.loads(http_get(url))
        return [float(x["value"][1]) for x in r["data"]["result"]]

    def sim_requests(self):
        """Per-meter GET counts from the simulator. Serving the whole fleet's JSON occupies the
        simulator's one thread for a moment (meters answer late), so the window is measured
        between the two calls' far ends: after the first, before the last."""
        out = {}
        for i, (_, control) in enumerate(self.sims):
            sim = json.loads(http_get(f"http://127.0.0.1:{control}/api/v1/meters", timeout=120))
            for m in sim["meters"]:
                out[i * self.per_sim + m["physical_address"]] = m["stats"]["get_requests"]
        return out  # by meter number k (meter-0000k)

    def snapshot(self):
        text = "\n".join(http_get(base + "/metrics", timeout=120).decode() for base in self.bases)
        sums, meters = metric_sums(text, ["dlms_bridge_meter_polls_total", "dlms_bridge_meter_poll_failures_total",
                                          "dlms_bridge_meter_poll_slots_due_total",
                                          "dlms_bridge_meter_poll_slots_missed_total"])
        has_slots = "dlms_bridge_meter_poll_slots_due_total" in text
        return {"t": time.time(), "cpu": sum(cpu_seconds(p.pid) for p in self.bridges), "sums": sums, "meters": meters,
                "has_slots": has_slots, "lateness": lateness_buckets(text),
                "due": per_meter(text, "dlms_bridge_meter_poll_slots_due_total"),
                "missed": per_meter(text, "dlms_bridge_meter_poll_slots_missed_total")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--meters", type=int, default=1000)
    p.add_argument("--interval", default="60s")
    p.add_argument("--warmup", type=float, default=120, help="seconds before the window")
    p.add_argument("--window", type=float, default=300, help="measured seconds")
    p.add_argument("--no-mqtt", dest="mqtt", action="store_false")
    p.add_argument("--prometheus", action="store_true", help="a real Prometheus scrapes the bridge")
    p.add_argument("--scrape-interval", default="15s")
    p.add_argument("--http", dest="http_line", action="append", default=[],
                   help='extra [http] line, e.g. "per_meter_breakdown = false" (repeatable)')
    p.add_argument("--qos", dest="qos_line", action="append", default=[], help="extra [qos] line (repeatable)")
    p.add_argument("--meters-per-sim", type=int, default=SIM_MAX_METERS,
                   help="split the fleet over simulators of at most this many meters")
    p.add_argument("--shards", type=int, default=1,
                   help="run N bridge instances on this box, each polling its shard (run --shard i/N)")
    p.add_argument("--bin-dir", default="build/bin")
    p.add_argument("--keep", action="store_true", help="keep the run directory (logs, config)")
    a = p.parse_args()
    a.interval_text = a.interval
    interval = seconds(a.interval)

    # One socket per meter in the bridge and in the simulators, plus the HTTP connections: a fleet
    # over the shell's limit (often 1,024 or 20,000) would make the bridge refuse to start.
    # Root may raise the hard limit up to the kernel's nr_open.
    need = a.meters // a.shards + 1000  # a bridge: its meters, [http] max_connections (512) + 64 reserved
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(hard, need)))
        except (ValueError, OSError) as e:
            sys.exit(f"open files limit {soft}/{hard} is below the {need} this fleet needs and cannot be raised ({e}): "
                     f"at most about {hard - 1000} meters per bridge here, or raise the hard limit")
    run = Run(a)
    try:
        t_start = time.time()
        run.start()
        print(f"# started in {time.time() - t_start:.0f} s; run dir {run.dir}", file=sys.stderr)
        time.sleep(a.warmup)
        t_sim0 = time.time()
        gets_before = run.sim_requests()
        time.sleep(2 * interval)  # let the meters the simulator delayed catch up
        before = run.snapshot()
        rss = []
        prom_rss = []
        end = before["t"] + a.window
        while time.time() < end:
            rss.append(sum(rss_mb(p.pid) for p in run.bridges))
            if run.prom:
                prom_rss.append(rss_mb(run.prom.pid))
            time.sleep(min(5, max(0.1, end - time.time())))
        after = run.snapshot()
        skipped = run.skipped_slots(before["t"], after["t"])
        gets_after = run.sim_requests()
        t_sim1 = time.time()
        window = after["t"] - before["t"]
        d = {k: after["sums"][k] - before["sums"][k] for k in after["sums"]}
        expected = a.meters * window / interval
        cores = (after["cpu"] - before["cpu"]) / window
        # The estimate from outside: the slots the bridge logged as skipped in the window (late
        # wake-up or overrun; a cycle that started late but ran is not visible here) against the
        # schedule's slot count.
        estimate = (f"≈ {100 * (1 - skipped / expected):.3f} % ({skipped} slots logged as skipped of {expected:.0f} "
                    f"scheduled); polls/schedule {d['dlms_bridge_meter_polls_total'] / expected:.3f}")
        if after["has_slots"] and before["has_slots"]:
            # The bridge's own figure: 1 - missed/due over the window (schedule accounting).
            due, missed = d["dlms_bridge_meter_poll_slots_due_total"], d["dlms_bridge_meter_poll_slots_missed_total"]
            counted = (f"{100 * (1 - missed / due):.3f} % ({missed:.0f} missed of {due:.0f} due, "
                       f"{due / expected:.3f} of the schedule)" if due else "no slots due")
            window_buckets = {b: n - before["lateness"].get(b, 0) for b, n in after["lateness"].items()}
            p50, p99 = quantile(0.5, window_buckets), quantile(0.99, window_buckets)
            if p50 is not None:
                counted += f", start lateness p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            on_time = f"{counted} | estimate {estimate}"
        else:
            on_time = f"no slot metrics | estimate {estimate}"

        # The simulator's window brackets the bridge's: 2 intervals of catch-up plus the time its
        # /api/v1/meters answers take (seconds at tens of thousands of meters).
        sim_window = t_sim1 - t_sim0
        bracket_slots = max(0, math.ceil((sim_window - window) / interval))
        sim_cycles = sum(gets_after.get(m, 0) - gets_before.get(m, 0) for m in gets_after) / REGISTERS
        short = sum(1 for m in gets_after if (gets_after[m] - gets_before.get(m, 0)) / REGISTERS < window / interval - 1)
        confirmed = "no slot metrics to confirm"
        if after["has_slots"] and before["has_slots"]:
            ok, total, claimed, served, bad = sim_confirmation(before, after, gets_before, gets_after, bracket_slots)
            verdict = "CONFIRMED" if ok == total else "NOT CONFIRMED"
            confirmed = (f"{verdict}: {ok} of {total} meters consistent, bridge on-time cycles {claimed:.0f}, "
                         f"simulator served {served:.0f} in its wider window")
            for line in bad:
                print(f"# inconsistent: {line}", file=sys.stderr)
        scrape = ""
        if run.prom:
            dur = run.prom_query('scrape_duration_seconds{job="dlms-bridge"}')
            samples = run.prom_query('scrape_samples_scraped{job="dlms-bridge"}')
            dmax = run.prom_query('max_over_time(scrape_duration_seconds{job="dlms-bridge"}[5m])')
            scrape = (f"scrape {dur[0] * 1000:.0f} ms (max 5 m {dmax[0] * 1000:.0f} ms), {samples[0]:.0f} samples, "
                      f"Prometheus RSS {max(prom_rss):.0f} MB" if dur and samples and dmax else "no scrape yet")
        shards = f" ({a.shards} shards)" if a.shards > 1 else ""
        print(f"| {a.meters} × {REGISTERS} @ {a.interval}{' MQTT' if a.mqtt else ''}{shards} | window {window:.0f} s | "
              f"on time {on_time} | polls {d['dlms_bridge_meter_polls_total']:.0f} / schedule {expected:.0f}, "
              f"failures {d['dlms_bridge_meter_poll_failures_total']:.0f} | "
              f"sim: {sim_cycles:.0f} cycles served in ~{sim_window:.0f} s, {short} meters below schedule - 1; "
              f"{confirmed} | "
              f"CPU {cores:.3f} cores | RSS mean {sum(rss) / len(rss):.0f} MB, max {max(rss):.0f} MB | "
              f"{scrape} | load {load_average()} |")
    finally:
        run.stop()


if __name__ == "__main__":
    main()
