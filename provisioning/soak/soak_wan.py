#!/usr/bin/env python3
"""Gantry soak: a plant syncing over a bad WAN for minutes (docs/reliability.md, "A bad WAN").

The hub runs in its own network namespace, joined to the agent's (the root namespace) by a veth pair whose two
ends are shaped to 1 Mbit/s with `tc tbf`. `tc netem` is missing on these kernels, so latency, loss, stalls and
cuts come from the test's own proxy (wan_proxy.py, beside this script) between the agent and the veth: 300 ms
each way, 5 % of segments held back by a retransmission timeout (loss as TCP shows it to the application), a
rare connection reset, a stall every so often (connections open, nothing forwarded) and the link cut (every
connection reset, new ones refused) and restored over and over. Scans are posted to the agent all along.

It prints, every 15 s and at the end: scans taken, events acknowledged by the hub, the backlog, the agent's current
batch size and its failed requests; at the end the rate, bytes per event as JSON and as sent (gzip), the proxy's
counts, and the check that the hub holds exactly the agent's log: every sequence once, every acknowledged scan
there, no scan twice. Exit status 1 when the check fails.

Needs root for the namespace (as in CI and on the build machines); without it (or with --no-netns) the hub stays
on loopback and the proxy limits the bandwidth itself, and the figures say so.

Usage: soak_wan.py --bin DIR [--minutes 5] [--scans-per-second 20] [--no-netns]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(*command, check=True):
    return subprocess.run(command, check=check, capture_output=True, text=True)


class Link:
    """A namespace for the hub and a veth pair to it, both ends shaped with tbf; removed by `close`, whatever happened."""

    def __init__(self, kbit):
        suffix = os.getpid() % 100000
        self.namespace = f"gantry-wan-{suffix}"
        self.outer, self.inner = f"gwa{suffix}", f"gwb{suffix}"
        subnet = 16 + suffix % 200
        self.outer_ip, self.hub_ip = f"10.231.{subnet}.1", f"10.231.{subnet}.2"
        self.kbit = kbit
        sh("ip", "netns", "add", self.namespace)
        try:
            sh("ip", "link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
            sh("ip", "link", "set", self.inner, "netns", self.namespace)
            sh("ip", "addr", "add", f"{self.outer_ip}/30", "dev", self.outer)
            sh("ip", "link", "set", self.outer, "up")
            self.inside("ip", "addr", "add", f"{self.hub_ip}/30", "dev", self.inner)
            self.inside("ip", "link", "set", self.inner, "up")
            self.inside("ip", "link", "set", "lo", "up")
            # Each end shapes what it sends: both directions are a 1 Mbit/s link. The bucket holds 32 kbit (4 KB).
            shape = ["root", "tbf", "rate", f"{kbit}kbit", "burst", "32kbit", "latency", "400ms"]
            sh("tc", "qdisc", "add", "dev", self.outer, *shape)
            self.inside("tc", "qdisc", "add", "dev", self.inner, *shape)
        except BaseException:
            self.close()
            raise

    def inside(self, *command):
        return sh("ip", "netns", "exec", self.namespace, *command)

    def prefix(self):
        return ["ip", "netns", "exec", self.namespace]

    def close(self):
        # Deleting the namespace deletes the veth end in it, and with it the pair.
        sh("ip", "netns", "del", self.namespace, check=False)
        sh("ip", "link", "del", self.outer, check=False)


class Hub:
    def __init__(self, bin_dir, work, host, prefix):
        self.bin = f"{bin_dir}/gantry-hub"
        self.config = f"{work}/hub.conf"
        self.host = host
        self.prefix = prefix
        with open(self.config, "w") as f:
            f.write(f"store.path = {work}/hub.sqlite\nhttp.host = {host}\nhttp.port = 0\n"
                    "http.public_url = http://127.0.0.1:8480\nlog.level = warning\n")
        self.admin = self.cli("tokens", "add", "--name", "soak", "--companies", "*").strip()
        self.proc = None

    def cli(self, *arguments):
        return sh(self.bin, *arguments, "--config", self.config).stdout

    def enrol(self, code):
        out = self.cli("plants", "add", "--company", "SOAK", "--code", code, "--time-zone", "UTC")
        return next(line.split(" = ", 1)[1] for line in out.splitlines() if line.startswith("hub.token = "))

    def start(self, log):
        self.proc = subprocess.Popen(self.prefix + [self.bin, "serve", "--config", self.config],
                                     stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.proc.stdout.readline()
        self.port = int(line.rsplit(":", 1)[1])

    def get(self, path):
        # Read straight from the hub (over the veth, not through the proxy): the check must not depend on the faults.
        connection = http.client.HTTPConnection(self.host if self.host != "0.0.0.0" else "127.0.0.1", self.port, timeout=120)
        connection.request("GET", path, headers={"Authorization": f"Bearer {self.admin}"})
        body = json.loads(connection.getresponse().read())
        connection.close()
        return body

    def events(self, plant):
        events, after = [], 0
        while True:
            page = self.get(f"/v1/events?plant={plant}&after={after}&limit=10000")["events"]
            if not page:
                return events
            events += page
            after = page[-1]["sequence"]


class Agent:
    def __init__(self, bin_dir, work, hub_url, token, log):
        self.config = f"{work}/agent.conf"
        with open(self.config, "w") as f:
            # The sync settings are the defaults (docs/operations.md) but for the log level: the soak tests them.
            f.write(f"plant.id = SOAK-WAN\nhub.url = {hub_url}\nhub.token = {token}\nstore.path = {work}/agent.sqlite\n"
                    "http.port = 0\nlog.level = notice\n")
        self.proc = subprocess.Popen([f"{bin_dir}/gantry-agent", "run", "--config", self.config],
                                     stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.proc.stdout.readline()
        self.url = line.split("listening on ")[1].strip()

    def status(self):
        with urllib.request.urlopen(f"{self.url}/v1/status", timeout=30) as r:
            return json.loads(r.read())

    def metrics(self):
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=30) as r:
            text = r.read().decode()
        values = {}
        for line in text.splitlines():
            match = re.match(r'^(gantry_agent_sync_[a-z_]+)(\{[^}]*\})? (\S+)$', line)
            if match:
                form = re.search(r'form="(\w+)"', match.group(2) or "")
                values[match.group(1) + (f":{form.group(1)}" if form else "")] = float(match.group(3))
        return values

    def scan(self, data):
        scan_id = str(uuid.uuid4())
        body = json.dumps({"data": data, "device": "line-1", "id": scan_id}).encode()
        request = urllib.request.Request(f"{self.url}/v1/scans", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            if r.status not in (200, 201):
                raise RuntimeError(f"scan refused: {r.status}")
        return scan_id


def scanner(agent, rate, stop, confirmed, errors):
    """Posts `rate` scans per second with serials that look like a plant's (GS1 element strings)."""
    count, start = 0, time.monotonic()
    while not stop.is_set():
        data = f"(01)09506000134352(10)LOT{count // 500:05d}(21)SN{count:09d}"
        try:
            confirmed[agent.scan(data)] = data
        except Exception as error:  # noqa: BLE001 — counted and reported, the soak goes on
            errors.append(str(error))
        count += 1
        delay = start + count / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def main():
    parser = argparse.ArgumentParser(description="bad-WAN soak")
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--scans-per-second", type=float, default=20)
    parser.add_argument("--latency-ms", type=float, default=300, help="one way")
    parser.add_argument("--loss", type=float, default=0.05)
    parser.add_argument("--kbit", type=int, default=1000)
    parser.add_argument("--stall-every", type=float, default=40)
    parser.add_argument("--stall-for", type=float, default=20)
    parser.add_argument("--cut-every", type=float, default=55)
    parser.add_argument("--cut-for", type=float, default=10)
    parser.add_argument("--no-netns", action="store_true")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-soak-wan-")
    netns = not args.no_netns and os.geteuid() == 0 and shutil.which("ip") and shutil.which("tc")
    link, processes, logs = None, [], []
    try:
        if netns:
            link = Link(args.kbit)
            hub = Hub(args.bin, work, link.hub_ip, link.prefix())
            print(f"link: hub in namespace {link.namespace} at {link.hub_ip}, veth shaped to {args.kbit} kbit/s each way (tc tbf)")
        else:
            hub = Hub(args.bin, work, "127.0.0.1", [])
            print(f"link: loopback (no namespace: {'--no-netns' if args.no_netns else 'not root or no iproute2'}); "
                  f"the proxy limits the bandwidth to {args.kbit} kbit/s")
        token = hub.enrol("WAN")
        logs.append(open(f"{work}/hub.log", "w"))
        hub.start(logs[-1])
        processes.append(hub.proc)
        stats_path = f"{work}/proxy.json"
        proxy_args = [sys.executable, f"{HERE}/wan_proxy.py", "--target", f"{hub.host}:{hub.port}",
                      "--latency-ms", str(args.latency_ms), "--loss", str(args.loss), "--reset", "0.0005",
                      "--stall-every", str(args.stall_every), "--stall-for", str(args.stall_for),
                      "--cut-every", str(args.cut_every), "--cut-for", str(args.cut_for), "--stats", stats_path]
        if not netns:
            proxy_args += ["--rate", str(args.kbit * 1000 / 8)]
        proxy = subprocess.Popen(proxy_args, stdout=subprocess.PIPE, text=True)
        processes.append(proxy)
        proxy_port = int(proxy.stdout.readline().rsplit(":", 1)[1])
        print(f"faults: {args.latency_ms:.0f} ms each way, {args.loss:.0%} of segments lost (held back by an RTO), "
              f"0.05 % of segments reset the connection, a {args.stall_for:.0f} s stall every {args.stall_every:.0f} s, "
              f"a {args.cut_for:.0f} s cut every {args.cut_every:.0f} s (wan_proxy.py)")
        logs.append(open(f"{work}/agent.log", "w"))
        agent = Agent(args.bin, work, f"http://127.0.0.1:{proxy_port}", token, logs[-1])
        processes.append(agent.proc)

        stop, confirmed, errors = threading.Event(), {}, []
        load = threading.Thread(target=scanner, args=(agent, args.scans_per_second, stop, confirmed, errors), daemon=True)
        start = time.monotonic()
        load.start()
        end = start + args.minutes * 60
        print(f"{'t_s':>6} {'scans':>7} {'acked':>7} {'backlog':>7} {'batch':>5} {'failures':>8}")

        def line():
            status, figures = agent.status(), agent.metrics()
            print(f"{time.monotonic() - start:6.0f} {status['lastSequence']:7d} {status['acknowledgedSequence']:7d} "
                  f"{status['backlog']['events']:7d} {figures.get('gantry_agent_sync_batch_limit', 0):5.0f} "
                  f"{figures.get('gantry_agent_sync_transport_failures_total', 0):8.0f}", flush=True)
            return status

        while time.monotonic() < end:
            time.sleep(min(15, max(end - time.monotonic(), 0)))
            line()
        stop.set()
        load.join()
        load_seconds = time.monotonic() - start
        # Drain: the faults go on; the backlog must still reach the hub.
        drain_start = time.monotonic()
        while True:
            status = agent.status()
            if status["acknowledgedSequence"] == status["lastSequence"]:
                break
            if time.monotonic() - drain_start > 600:
                print("FAIL: the backlog did not drain within 10 minutes")
                return 1
            time.sleep(2)
        drained = time.monotonic() - drain_start
        status = line()
        head = status["lastSequence"]
        figures = agent.metrics()
        proxy.terminate()
        proxy.wait(timeout=30)
        with open(stats_path) as f:
            faults = json.load(f)

        events = hub.events("SOAK-WAN")
        sequences = [event["sequence"] for event in events]
        scan_ids = [event["payload"]["scanId"] for event in events]
        at_hub = {event["payload"]["scanId"].lower(): event["payload"]["data"] for event in events}
        missing = [scan for scan, data in confirmed.items() if at_hub.get(scan.lower()) != data]
        sent = figures.get("gantry_agent_sync_events_sent_total", 0)
        json_bytes = figures.get("gantry_agent_sync_body_bytes_total:json", 0)
        wire_bytes = figures.get("gantry_agent_sync_body_bytes_total:wire", 0)
        total = time.monotonic() - start
        print()
        print(f"scans taken: {len(confirmed)} in {load_seconds:.0f} s ({len(confirmed) / load_seconds:.1f}/s), "
              f"refused: {len(errors)}; drained {drained:.1f} s after the load stopped")
        print(f"events acknowledged: {head} in {total:.0f} s: {head / total:.1f} events/s through the bad link")
        if sent:
            print(f"bytes per event: {json_bytes / sent:.0f} as JSON, {wire_bytes / sent:.0f} on the wire (gzip), "
                  f"ratio {json_bytes / max(wire_bytes, 1):.1f}; {sent:.0f} events sent for {head} acknowledged (resends)")
        print(f"failed requests (retried): {figures.get('gantry_agent_sync_transport_failures_total', 0):.0f}; "
              f"batch size at the end: {figures.get('gantry_agent_sync_batch_limit', 0):.0f}")
        print(f"proxy: {faults['connections']} connections, {faults['cuts']} cuts ({faults['connections_cut']} connections reset), "
              f"{faults['stalls']} stalls, {faults['segments_lost']} of {faults['segments']} segments lost, "
              f"{faults['resets']} resets in all; sync requests {faults['requests_by_path'].get('/v1/sync/batches', 0)}, "
              f"gzip {faults['gzip_by_path'].get('/v1/sync/batches', 0)}; {faults['bytes_up']} bytes up, {faults['bytes_down']} down")
        ok = True
        checks = [
            (len(events) == head, f"hub count {len(events)} == agent count {head}"),
            (sequences == list(range(1, head + 1)), "every sequence once, in order"),
            (len(set(scan_ids)) == len(scan_ids), "no scan twice at the hub"),
            (not missing, f"every acknowledged scan at the hub ({len(missing)} missing)"),
            (len(confirmed) == head, f"agent log {head} == scans acknowledged to the scanner {len(confirmed)}"),
        ]
        if missing:
            scan = missing[0]
            print(f"     e.g. scan {scan}: sent {confirmed[scan]!r}, at the hub {at_hub.get(scan.lower())!r}")
        for passed, what in checks:
            print(f"{'ok  ' if passed else 'FAIL'} {what}")
            ok = ok and passed
        return 0 if ok else 1
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        for log in logs:
            log.close()
        if link:
            link.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
