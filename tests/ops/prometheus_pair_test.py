#!/usr/bin/env python3
"""A real Prometheus (Debian's /usr/bin/prometheus) scraping a real pair.

prometheus_pair_test.py SOURCE_DIR BUILD_DIR PROMETHEUS

Starts the carrier simulator and the two nodes of profiles/pair (site1,
site2) on free loopback ports, sends a few messages with receipts and an MO
through each site, and a Prometheus with its own temporary storage on a free
port, scraping both nodes every second with the shipped scrape configuration
(tools/ops/prometheus/make-config) and rules. Then:
  - every panel target of tools/ops/grafana/twinsms.json (template variables
    substituted) parses in Prometheus (/api/v1/query) and returns data from
    the running pair, for both nodes where it is per node;
  - site1 (the primary) is killed with SIGKILL and TwinsmsTakeover fires for
    site2 in Prometheus' own /api/v1/alerts; the dashboard's alerts panel
    then shows it too.
Every wait is a bounded poll on a condition. Everything started is stopped,
also on failure; the folder is kept (and its logs printed) only on failure.
"""
import fcntl
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SRC, BUILD, PROMETHEUS = sys.argv[1], sys.argv[2], sys.argv[3]
TOKEN = "demo-admin-token-0123456789"  # both pair profiles' admin.token
procs = []


_port_locks = []  # held until exit: our reservations (see tests/interop/free_port.hpp)


def free_port(host="127.0.0.1"):
    """A port below the ephemeral range (connect() never takes it) that no other
    test process holds and that binds now; the same scheme as free_port.hpp."""
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    os.makedirs("/tmp/twinsms-test-ports", mode=0o1777, exist_ok=True)
    start = random.randrange(12000, low)
    for i in range(low - 12000):
        port = 12000 + (start - 12000 + i) % (low - 12000)
        f = open(f"/tmp/twinsms-test-ports/{port}", "a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with socket.socket() as s:
                s.bind((host, port))
        except OSError:
            f.close()
            continue
        _port_locks.append(f)
        return port
    raise RuntimeError(f"no free port on {host}")


def wait_for(what, cond, timeout):
    """Polls cond() until it returns a true value (returned) or timeout s pass."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond()
            if last:
                return last
        except (OSError, ValueError) as e:  # not listening yet, bad answer
            last = e
        for name, p in procs:
            if p.poll() is not None and name not in dead_ok:
                raise SystemExit(f"FAIL: {name} exited ({p.returncode}) while waiting for {what}")
        time.sleep(0.2)
    raise SystemExit(f"FAIL: no {what} after {timeout} s (last: {last!r})")


dead_ok = set()


def start(name, argv, folder, stdin=subprocess.DEVNULL):
    log = open(os.path.join(folder, name + ".log"), "ab")
    p = subprocess.Popen(argv, stdin=stdin, stdout=log, stderr=subprocess.STDOUT)
    procs.append((name, p))
    return p


def http_json(url, token=None, timeout=3):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    # No proxy: loopback only, whatever the environment says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=timeout) as r:
        return json.loads(r.read())


def listening(port):
    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True


def main(folder):
    p = {k: free_port() for k in ("sim", "smpp1", "smpp2", "admin1", "admin2", "prom")}
    hb = free_port("127.0.0.2")
    sim = os.path.join(BUILD, "tools/sim/twinsms-smsc-sim")
    daemon = os.path.join(BUILD, "src/app/twinsmsd")
    esme = os.path.join(BUILD, "tools/esme/twinsms-esme")

    # The pair's profiles with this run's ports (as tools/demo does).
    for s in ("site1", "site2"):
        shutil.copytree(os.path.join(SRC, "profiles/pair", s), os.path.join(folder, s))
    subs = {
        "site1/node.yaml": [("127.0.0.1:2775", f"127.0.0.1:{p['smpp1']}"), ("127.0.0.1:8081", f"127.0.0.1:{p['admin1']}"),
                            ("127.0.0.2:2785", f"127.0.0.2:{hb}")],
        "site2/node.yaml": [("127.0.0.1:2875", f"127.0.0.1:{p['smpp2']}"), ("127.0.0.1:8082", f"127.0.0.1:{p['admin2']}"),
                            ("127.0.0.2:2785", f"127.0.0.2:{hb}")],
        "site1/carriers/sim.yaml": [("port: 2776", f"port: {p['sim']}")],
        "site2/carriers/sim.yaml": [("port: 2776", f"port: {p['sim']}")],
        "site2/carriers/site1.yaml": [("port: 2775", f"port: {p['smpp1']}")],
    }
    for f, pairs in subs.items():
        path = os.path.join(folder, f)
        text = open(path).read()
        for a, b in pairs:
            if a not in text:
                raise SystemExit(f"FAIL: profiles/pair/{f} has no {a} any more (update this test)")
            text = text.replace(a, b)
        open(path, "w").write(text)

    simp = start("carrier-sim", [sim, "--listen", f"127.0.0.1:{p['sim']}", "--account", "carrier:carrier1",
                                 "--receipt-delay-ms", "100", "--log-level", "warn"], folder, stdin=subprocess.PIPE)
    wait_for("carrier simulator listening", lambda: listening(p["sim"]), 10)
    # site1 first (site2 binds to it over the peer link), then site2 at once.
    site1 = start("site1", [daemon, "--config", os.path.join(folder, "site1")], folder)
    wait_for("site1 listening", lambda: listening(p["smpp1"]), 15)
    start("site2", [daemon, "--config", os.path.join(folder, "site2")], folder)
    for s, port in (("site1", p["admin1"]), ("site2", p["admin2"])):
        wait_for(f"{s} in mode normal",
                 lambda: http_json(f"http://127.0.0.1:{port}/api/v1/status", TOKEN)["node"]["mode"] == "normal", 20)

    # Traffic through both sites: 3 messages with receipts, and an MO each.
    for line in ("mo carrier 447700900111 1111000001 Hello alpha", "mo carrier 447700900222 2222000002 Hello bravo"):
        simp.stdin.write((line + "\n").encode())
    simp.stdin.flush()
    clients = [subprocess.Popen([esme, "--port", str(port), "--system-id", sid, "--password", pw, "--from", sid,
                                 "--to", "447700900001", "--text", "ops test", "--count", "3", "--mo", "1", "--wait", "20"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for sid, pw, port in (("alpha", "alpha1", p["smpp1"]), ("bravo", "bravo1", p["smpp2"]))]
    for c in clients:
        out, _ = c.communicate(timeout=40)
        if not re.search(r"accepted=3 rejected=0 receipts=3 mo=[1-9]", out):
            raise SystemExit(f"FAIL: client traffic: {out}")

    # Prometheus on the shipped configuration and rules, every second.
    token_file = os.path.join(folder, "token")
    open(token_file, "w").write(TOKEN + "\n")
    ops = os.path.join(SRC, "tools/ops/prometheus")
    config = subprocess.run([os.path.join(ops, "make-config"), f"127.0.0.1:{p['admin1']}", f"127.0.0.1:{p['admin2']}",
                             token_file, os.path.join(ops, "twinsms-rules.yml"), "1s"],
                            check=True, capture_output=True, text=True).stdout
    open(os.path.join(folder, "prometheus.yml"), "w").write(config)
    start("prometheus", [PROMETHEUS, "--config.file", os.path.join(folder, "prometheus.yml"),
                         "--storage.tsdb.path", os.path.join(folder, "tsdb"),
                         "--web.listen-address", f"127.0.0.1:{p['prom']}", "--log.level", "warn"], folder)
    api = f"http://127.0.0.1:{p['prom']}/api/v1/"

    def query(expr):
        r = http_json(api + "query?" + urllib.parse.urlencode({"query": expr}))
        if r.get("status") != "success":
            raise SystemExit(f"FAIL: {expr}: {r}")
        return r["data"]["result"]

    nodes = {f"127.0.0.1:{p['admin1']}", f"127.0.0.1:{p['admin2']}"}
    wait_for("both targets up", lambda: {t["labels"]["instance"] for t in http_json(api + "targets")["data"]["activeTargets"]
                                         if t["health"] == "up"} == nodes, 20)
    # Rates need two scrapes after the traffic: wait until a rate has them.
    wait_for("rate() over two scrapes of both nodes",
             lambda: len(query('rate(twinsms_store_commits_total{job="twinsms"}[30s])')) == 2, 20)

    # The dashboard: every target's expression, variables substituted.
    dash = json.load(open(os.path.join(SRC, "tools/ops/grafana/twinsms.json")))
    variables = {"$__rate_interval": "30s", "${job}": "twinsms", "$job": "twinsms", "${instance}": ".+", "$instance": ".+"}
    later, checked = [], 0
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            expr = t["expr"]
            for k, v in variables.items():
                expr = expr.replace(k, v)
            if "$" in expr:
                raise SystemExit(f"FAIL: panel {panel['title']!r}: a variable this test does not know: {expr}")
            if "ALERTS" in expr:
                later.append((panel["title"], expr))  # data once an alert fires
                query(expr)  # parses now
                continue
            result = query(expr)
            if not result:
                raise SystemExit(f"FAIL: panel {panel['title']!r}: no data for {expr}")
            # Per-node panels show both nodes (those by carrier: where it is served).
            seen = {r["metric"].get("instance") for r in result}
            if "instance" in expr and "carrier" not in expr and seen != nodes:
                raise SystemExit(f"FAIL: panel {panel['title']!r}: nodes {seen}, not both, for {expr}")
            checked += 1
    print(f"ok: {checked} panel expressions return data from both nodes")

    # Kill the primary; site2 takes over and the alert fires in Prometheus.
    dead_ok.add("site1")
    site1.send_signal(signal.SIGKILL)
    site1.wait()
    site2 = f"127.0.0.1:{p['admin2']}"
    t0 = time.monotonic()
    alert = wait_for("TwinsmsTakeover firing for site2 in /api/v1/alerts", lambda: next(
        (a for a in http_json(api + "alerts")["data"]["alerts"]
         if a["labels"].get("alertname") == "TwinsmsTakeover" and a["labels"].get("instance") == site2
         and a["state"] == "firing"), None), 40)
    print(f"ok: TwinsmsTakeover firing {time.monotonic() - t0:.1f} s after SIGKILL: {alert['annotations']['summary']}")
    if "twinsmsctl" not in alert["annotations"].get("runbook", ""):
        raise SystemExit(f"FAIL: the alert's runbook names no twinsmsctl command: {alert}")
    for title, expr in later:
        wait_for(f"panel {title!r} showing TwinsmsTakeover",
                 lambda: any(r["metric"].get("alertname") == "TwinsmsTakeover" for r in query(expr)), 10)
    print("ok: the dashboard's alerts panel shows it")


def stop_all():
    for _, p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 10
    for _, p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


if __name__ == "__main__":
    folder = tempfile.mkdtemp(prefix="twinsms-ops.")
    ok = False
    try:
        main(folder)
        ok = True
    finally:
        stop_all()
        if ok:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for f in sorted(os.listdir(folder)):
                if f.endswith(".log"):
                    print(f"--- tail of {f}")
                    print("".join(open(os.path.join(folder, f), errors="replace").readlines()[-30:]))
            print(f"kept {folder}")
