#!/usr/bin/python3
"""Reliability soak, long case (on demand, never in ctest): a fleet of simulated meters polled at
a short interval for an hour with random faults, a broker outage, kill -9 of the bridge and a
restart, and a config reload. Prints a Markdown report (bench/RESULTS.md, "Soak"):

- the bridge's RSS and open fds sampled every --sample seconds; after --warmup both must stay
  flat (RSS growth <= --rss-growth, fds <= the warm-up value + --fd-slack);
- accounting: every reading the store ever took in (the outbox's AUTOINCREMENT sequence) reached
  a persistent MQTT subscriber at least once; duplicates are counted and reported;
- the random faults, by kind, as the simulator counted them, and the bridge's failures by reason.

    bench/soak/soak.py --meters 1000 --interval 1s --duration 3600 --outage 300

The binaries come from --bin-dir (default build/bin); everything listens on 127.0.0.1 ephemeral
ports. Exit status 0 when the accounting balances and RSS/fds stay flat, 1 otherwise.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

FAULTS = [  # (control JSON, kind in the simulator's counts), one drawn per random fault
    ({"silent": True}, "silent"),
    ({"delay_ms": 3000}, "slow"),
    ({"corrupt_fcs": 0.3}, "corrupt_fcs"),
    ({"garbage": 0.3}, "garbage"),
    ({"drop_mid_frame": 0.2}, "drop_mid_frame"),
    ({"disconnect": 0.05}, "disconnect"),
    ({"reject_association": "auth"}, "reject_auth"),
    ({"close_on_accept": True}, "close_on_accept"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, port, path, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def scrape(port):
    series = {}
    for line in http("GET", port, "/metrics").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                series[name] = float(value)
            except ValueError:
                pass
    return series


def total(series, family, label=""):
    return sum(v for k, v in series.items()
               if (k == family or k.startswith(family + "{")) and label in k)


def proc_sample(pid):
    rss_kb = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    return rss_kb / 1024.0, len(os.listdir(f"/proc/{pid}/fd"))


class Soak:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="dlms-soak-")
        self.procs = []
        self.rng = random.Random(args.seed)
        self.http_port = free_port()
        self.mqtt_port = free_port()
        self.db = os.path.join(self.dir, "bridge.db")

    def spawn(self, argv, log):
        p = subprocess.Popen(argv, stdout=open(os.path.join(self.dir, log), "ab"), stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def wait_for(self, condition, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return
            except SystemExit:
                raise
            except Exception:
                pass
            time.sleep(0.2)
        raise SystemExit(f"soak: {what} within {timeout} s (logs in {self.dir})")

    def start_broker(self):
        self.broker = self.spawn(["mosquitto", "-c", os.path.join(self.dir, "mosquitto.conf")], "mosquitto.log")
        self.wait_for(lambda: socket.create_connection(("127.0.0.1", self.mqtt_port), 1).close() is None, 10,
                      "mosquitto up")

    def start_bridge(self):
        self.bridge = self.spawn([os.path.join(self.args.bin_dir, "dlms-bridge"), "run", "--config",
                                  os.path.join(self.dir, "bridge.toml")], "bridge.log")
        def ready():
            if self.bridge.poll() is not None:
                raise SystemExit(f"soak: dlms-bridge exited {self.bridge.returncode} (log: {self.dir}/bridge.log)")
            return http("GET", self.http_port, "/-/ready", timeout=2) is not None
        self.wait_for(ready, 120, "bridge ready")

    def config(self, interval):
        a = self.args
        text = (f'[bridge]\ninstance = "soak"\nstate_dir = "{self.dir}"\n'
                f'[http]\nlisten = "127.0.0.1:{self.http_port}"\n'
                f'[mqtt]\nhost = "127.0.0.1"\nport = {self.mqtt_port}\nmode = "gateway"\n'
                f'[store]\npath = "{self.db}"\n'
                f'[qos]\npoll_interval = "{interval}"\nrequest_timeout = "2s"\nconnect_timeout = "2s"\n'
                f'backoff_initial = "1s"\nbackoff_max = "30s"\nbreaker_open = "1m"\n')
        for k in range(1, a.meters + 1):
            text += (f'[[meter]]\nid = "m{k}"\nhost = "127.0.0.1"\nport = {self.sim_port}\nserver_logical = 1\n'
                     f'server_physical = {k}\naddress_size = 4\nauth = "low"\npassword = "22222222"\n')
        with open(os.path.join(self.dir, "bridge.toml"), "w") as f:
            f.write(text)

    def run(self):
        a = self.args
        with open(os.path.join(self.dir, "mosquitto.conf"), "w") as f:
            f.write(f"listener {self.mqtt_port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {self.dir}/\nmax_queued_messages 0\n")
        self.start_broker()
        sim = self.spawn([os.path.join(a.bin_dir, "dlms-meter-sim"), "--listen", "127.0.0.1:0", "--meters",
                          str(a.meters), "--profile", "microstar", "--control", "127.0.0.1:0", "--seed",
                          str(a.seed)], "sim.log")
        self.wait_for(lambda: "control=" in open(os.path.join(self.dir, "sim.log")).read(), 30, "simulator up")
        line = open(os.path.join(self.dir, "sim.log")).read()
        self.sim_port = int(re.search(r" port=(\d+)", line).group(1))
        self.sim_control = int(re.search(r"control=(\d+)", line).group(1))
        subscriber_out = open(os.path.join(self.dir, "subscriber.jsonl"), "ab")
        self.procs.append(subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.mqtt_port), "-t", "v1/gateway/telemetry", "-q",
             "1", "-c", "-i", "soak-subscriber"], stdout=subscriber_out, stderr=subprocess.DEVNULL))
        self.config(a.interval)
        self.start_bridge()

        t0 = time.time()
        events = sorted([(a.duration * 0.30, "outage"), (a.duration * 0.30 + a.outage, "broker back"),
                         (a.duration * 0.55, "kill -9"), (a.duration * 0.70, "reload")])
        faulty = {}  # meter -> time its fault ends
        samples, log = [], []
        next_sample, next_fault = t0, t0 + 30
        made_before_kill = None
        sequence_at_kill = 0
        while time.time() - t0 < a.duration:
            now = time.time()
            while events and now - t0 >= events[0][0]:
                _, what = events.pop(0)
                log.append(f"{now - t0:7.0f} s  {what}")
                if what == "outage":
                    self.broker.send_signal(signal.SIGTERM)
                    self.broker.wait(30)
                elif what == "broker back":
                    self.start_broker()
                elif what == "kill -9":
                    made_before_kill = total(scrape(self.http_port), "dlms_bridge_meter_readings_total")
                    self.bridge.kill()
                    self.bridge.wait(30)
                    sequence_at_kill = self.outbox_sequence()
                    self.start_bridge()
                elif what == "reload":
                    self.bridge.send_signal(signal.SIGHUP)
            if now >= next_fault:  # a random fault on a random healthy meter, healed a while later
                next_fault = now + a.fault_every
                for meter, until in list(faulty.items()):
                    if now >= until:
                        http("POST", self.sim_control, f"/api/v1/meters/{meter}/reset")
                        del faulty[meter]
                meter = self.rng.randint(1, a.meters)
                if meter not in faulty:
                    fault, kind = self.rng.choice(FAULTS)
                    http("POST", self.sim_control, f"/api/v1/meters/{meter}/faults", fault)
                    faulty[meter] = now + self.rng.uniform(30, 180)
            if now >= next_sample:
                next_sample = now + a.sample
                rss, fds = proc_sample(self.bridge.pid)
                s = scrape(self.http_port)
                samples.append((now - t0, self.bridge.pid, rss, fds, total(s, "dlms_bridge_meter_polls_total"),
                                total(s, "dlms_bridge_meter_poll_failures_total"),
                                s.get("dlms_bridge_outbox_messages", 0)))
                print(f"soak: {now - t0:6.0f} s rss {rss:7.1f} MB fds {fds:5d} polls {samples[-1][4]:.0f} "
                      f"outbox {samples[-1][6]:.0f}", file=sys.stderr, flush=True)
            time.sleep(0.5)

        # Quiesce: the simulator stops, the outbox drains, the counters settle.
        injected = json.loads(http("GET", self.sim_control, "/api/v1/counts"))["total"]
        sim.send_signal(signal.SIGTERM)
        sim_exit = sim.wait(30)
        self.wait_for(lambda: scrape(self.http_port).get("dlms_bridge_outbox_messages", 1) == 0, 600, "outbox drained")
        final = scrape(self.http_port)
        self.bridge.send_signal(signal.SIGTERM)
        bridge_exit = self.bridge.wait(60)
        sequence = self.outbox_sequence()
        received, distinct = self.received(sequence)
        return self.report(samples, log, final, injected, sequence, sequence_at_kill, made_before_kill, received,
                           distinct, bridge_exit, sim_exit)

    def outbox_sequence(self):
        with sqlite3.connect(self.db, timeout=10) as c:
            row = c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
            return row[0] if row else 0

    def received(self, sequence):
        path = os.path.join(self.dir, "subscriber.jsonl")
        deadline = time.time() + 120
        while True:
            distinct, count = set(), 0
            with open(path) as f:
                for line in f:
                    try:
                        message = json.loads(line)
                    except ValueError:
                        continue
                    for meter, entries in message.items():
                        for e in entries:
                            distinct.add((meter, e["ts"]))
                            count += 1
            if len(distinct) >= sequence or time.time() > deadline:
                return count, len(distinct)
            time.sleep(1)

    def report(self, samples, log, final, injected, sequence, sequence_at_kill, made_before_kill, received, distinct,
               bridge_exit, sim_exit):
        a = self.args
        ok = True
        print(f"## Soak: {a.meters} meters at {a.interval}, {a.duration} s, broker outage {a.outage} s\n")
        print(f"    bench/soak/soak.py --meters {a.meters} --interval {a.interval} --duration {a.duration} "
              f"--outage {a.outage} --seed {a.seed}\n")
        print("Schedule:\n\n" + "\n".join("    " + line for line in log) + "\n")
        print("| t (s) | RSS (MB) | open fds | polls | failed polls | outbox |\n|---|---|---|---|---|---|")
        for t, pid, rss, fds, polls, failed, outbox in samples[:: max(1, len(samples) // 30)]:
            print(f"| {t:.0f} | {rss:.1f} | {fds} | {polls:.0f} | {failed:.0f} | {outbox:.0f} |")
        # Flat after warm-up, per bridge process (the kill -9 starts a new one with its own warm-up).
        for pid in dict.fromkeys(x[1] for x in samples):
            mine = [x for x in samples if x[1] == pid]
            warm = [x for x in mine if x[0] >= mine[0][0] + a.warmup]
            if len(warm) < 2:
                print(f"\nbridge pid {pid}: ran {mine[-1][0] - mine[0][0]:.0f} s, too short for a warm-up of {a.warmup} s")
                continue
            rss0, rss_max = warm[0][2], max(x[2] for x in warm)
            fd0, fd_max = warm[0][3], max(x[3] for x in warm)
            growth = (rss_max - rss0) / rss0
            print(f"\nbridge pid {pid}, {warm[0][0]:.0f}..{warm[-1][0]:.0f} s (after its {a.warmup} s warm-up): "
                  f"RSS {rss0:.1f} -> max {rss_max:.1f} MB ({growth * 100:+.1f} %, limit {a.rss_growth * 100:.0f} %), "
                  f"fds {fd0} -> max {fd_max} (limit +{a.fd_slack})")
            ok &= growth <= a.rss_growth and fd_max <= fd0 + a.fd_slack
        print("\nFaults injected (simulator counts): " +
              ", ".join(f"{kind} {n}" for kind, n in sorted(injected.items()) if n))
        reasons = {}
        for k, v in final.items():
            m = re.match(r'dlms_bridge_meter_poll_failures_total\{.*reason="([a-z_]+)"', k)
            if m:
                reasons[m.group(1)] = reasons.get(m.group(1), 0) + v
        print("\nFailures of the restarted bridge by reason: " +
              ", ".join(f"{r} {v:.0f}" for r, v in sorted(reasons.items()) if v))
        print(f"\nAccounting: {sequence} readings made ({sequence_at_kill} before kill -9; the killed process "
              f"had counted {made_before_kill:.0f} at its last scrape), {distinct} distinct received, "
              f"{received - distinct} duplicates; dropped "
              f"{total(final, 'dlms_bridge_outbox_dropped_total'):.0f}; bridge exit {bridge_exit}, simulator exit {sim_exit}")
        ok &= distinct == sequence and bridge_exit == 0 and sim_exit == 0
        print(f"\nResult: {'PASS' if ok else 'FAIL'}" + ("" if ok else f" (logs in {self.dir})"))
        return ok

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--interval", default="1s", help="poll interval (bridge syntax)")
    ap.add_argument("--duration", type=float, default=3600, help="seconds")
    ap.add_argument("--outage", type=float, default=300, help="broker outage, seconds")
    ap.add_argument("--warmup", type=float, default=600, help="seconds before RSS/fds must stay flat")
    ap.add_argument("--sample", type=float, default=30, help="seconds between samples")
    ap.add_argument("--fault-every", type=float, default=10, help="seconds between random faults")
    ap.add_argument("--rss-growth", type=float, default=0.10, help="allowed RSS growth after warm-up")
    ap.add_argument("--fd-slack", type=int, default=20, help="allowed open-fd growth after warm-up")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin-dir", default="build/bin")
    args = ap.parse_args()
    soak = Soak(args)
    ok = False
    try:
        ok = soak.run()
    finally:
        soak.stop()
        if ok:
            shutil.rmtree(soak.dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
