#!/usr/bin/env python3
"""Checks grafana/provisioning against what Grafana 10/11 reads (Grafana itself is not packaged
in Debian): one Prometheus data source whose scrape interval matches deploy/prometheus.yml, and a
file provider whose path is the one grafana/README.md tells the user to copy the dashboards to.
Usage: provisioning_check.py SOURCE_DIR. Exit 0 when every check passes, 1 with the reasons."""
import pathlib
import sys

import yaml

root = pathlib.Path(sys.argv[1])
errors = []


def check(condition, message):
    if not condition:
        errors.append(message)


def load(relative):
    with open(root / relative, encoding="utf-8") as f:
        return yaml.safe_load(f)


datasources = load("grafana/provisioning/datasources/dlms-bridge-prometheus.yml")
check(datasources.get("apiVersion") == 1, "datasources: apiVersion must be 1")
sources = datasources.get("datasources") or []
check(len(sources) == 1, "datasources: exactly one data source expected")
for ds in sources:
    check(ds.get("type") == "prometheus", "datasource type must be prometheus")
    check(ds.get("access") == "proxy", "datasource access must be proxy (the browser never talks to Prometheus)")
    check(str(ds.get("url", "")).startswith(("http://", "https://")), "datasource url must be an http(s) URL")
    check(bool(ds.get("uid")) and bool(ds.get("name")), "datasource needs a name and a uid")
    scrape = load("deploy/prometheus.yml")["global"]["scrape_interval"]
    check(ds.get("jsonData", {}).get("timeInterval") == scrape,
          f"datasource jsonData.timeInterval must be the scrape interval of deploy/prometheus.yml ({scrape}): "
          "Grafana derives $__rate_interval from it")

dashboards = load("grafana/provisioning/dashboards/dlms-bridge.yml")
check(dashboards.get("apiVersion") == 1, "dashboard providers: apiVersion must be 1")
providers = dashboards.get("providers") or []
check(len(providers) == 1, "exactly one dashboard provider expected")
readme = (root / "grafana/README.md").read_text(encoding="utf-8")
for p in providers:
    check(p.get("type") == "file", "the dashboard provider must be of type file")
    path = (p.get("options") or {}).get("path", "")
    check(path.startswith("/"), "the provider path must be absolute")
    check(path in readme, f"grafana/README.md must tell where to copy the dashboards ({path})")

for e in errors:
    print("grafana/provisioning:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
