#!/usr/bin/env python3
"""Writes a copy of dlms-bridge rule files or of alerts/alertmanager.yml with every duration scaled.

The bundled files use production durations (for: 15m, rate windows of 1h, repeat_interval 4h).
Tests and the demo need the same rules on a time scale of seconds; this tool derives that copy
so that nobody edits durations by hand:

  rule files (a top-level `groups`): every `for:` and every range selector `[5m]` in `expr`
  alertmanager.yml (a top-level `route`): group_wait, group_interval, repeat_interval

  scaled-copy.py --factor 0.0167 --min-range 3s -o OUT alerts/rules/*.yml
  scaled-copy.py --factor 0.0167 --set global.smtp_smarthost=127.0.0.1:2525 -o OUT alerts/alertmanager.yml

--runbook-base replaces the repository URL of runbook links; --set PATH=VALUE overrides one key of
an Alertmanager config (PATH is dotted; a list element is chosen by its index or by its `name`,
e.g. receivers.oncall-sms.sns_configs.0.api_url). Relative template globs are made absolute, so the
copy works from any directory. Output files keep their names; comments are not kept.
"""
import argparse
import os
import re
import sys

import yaml

UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000, "y": 31_536_000_000}
DURATION = re.compile(r"^(?:\d+(?:ms|[smhdwy]))+$")
PART = re.compile(r"(\d+)(ms|[smhdwy])")
RANGE = re.compile(r"\[((?:\d+(?:ms|[smhdwy]))+)(:(?:(?:\d+(?:ms|[smhdwy]))+)?)?\]")
RUNBOOK_BASE = "https://github.com/your-org/dlms-bridge/blob/main"


def parse_ms(text):
    if not DURATION.match(text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(n) * UNITS_MS[u] for n, u in PART.findall(text))


def format_ms(ms):
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def scale(text, factor, floor_ms=0):
    ms = parse_ms(str(text))
    if ms == 0:
        return str(text)
    return format_ms(max(int(round(ms * factor)), floor_ms, 1))


def scale_rules(doc, factor, min_range_ms):
    def scale_range(match):
        return "[" + scale(match.group(1), factor, min_range_ms) + (match.group(2) or "") + "]"

    for group in doc.get("groups", []):
        if "interval" in group:
            group["interval"] = scale(group["interval"], factor)
        for rule in group.get("rules", []):
            rule["expr"] = RANGE.sub(scale_range, str(rule["expr"]))
            if "for" in rule:
                rule["for"] = scale(rule["for"], factor)


def scale_route(route, factor):
    for key in ("group_wait", "group_interval", "repeat_interval"):
        if key in route:
            route[key] = scale(route[key], factor)
    for child in route.get("routes", []):
        scale_route(child, factor)


def set_path(doc, path, value):
    node = doc
    keys = path.split(".")
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, list):
            if key.isdigit():
                index = int(key)
            else:
                names = [item.get("name") for item in node]
                if key not in names:
                    raise KeyError(f"--set {path}: no list element named {key!r}")
                index = names.index(key)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[key] = value
            else:
                node = node.setdefault(key, {})
        else:
            raise KeyError(f"--set {path}: {key!r} is inside a scalar")


def replace_strings(node, old, new):
    if isinstance(node, dict):
        return {k: replace_strings(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [replace_strings(v, old, new) for v in node]
    if isinstance(node, str):
        return node.replace(old, new)
    return node


def parse_value(text):
    if text in ("true", "false"):
        return text == "true"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("-o", "--out", required=True, help="output directory (created)")
    ap.add_argument("--factor", type=float, required=True, help="multiply every duration by this (0 < f <= 1)")
    ap.add_argument("--min-range", default="1s", help="shortest range selector after scaling (default 1s)")
    ap.add_argument("--runbook-base", help=f"replaces {RUNBOOK_BASE} in the rules")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    args = ap.parse_args()
    if not 0 < args.factor <= 1:
        ap.error("--factor must be in (0, 1]")
    os.makedirs(args.out, exist_ok=True)
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        if isinstance(doc, dict) and "groups" in doc:
            scale_rules(doc, args.factor, parse_ms(args.min_range))
            if args.runbook_base:
                doc = replace_strings(doc, RUNBOOK_BASE, args.runbook_base.rstrip("/"))
        elif isinstance(doc, dict) and "route" in doc:
            scale_route(doc["route"], args.factor)
            base = os.path.dirname(os.path.abspath(path))
            doc["templates"] = [t if os.path.isabs(t) else os.path.join(base, t) for t in doc.get("templates", [])]
            for item in args.set:
                key, sep, value = item.partition("=")
                if not sep:
                    ap.error(f"--set {item!r}: expected PATH=VALUE")
                set_path(doc, key, parse_value(value))
        else:
            sys.exit(f"{path}: neither a rule file (groups) nor an Alertmanager config (route)")
        out = os.path.join(args.out, os.path.basename(path))
        with open(out, "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, sort_keys=False, width=10_000, allow_unicode=True)


if __name__ == "__main__":
    main()
