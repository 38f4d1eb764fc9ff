#!/usr/bin/env python3
"""Gantry soak: hubs that die. Three release gantry-hub processes over one PostgreSQL, behind a real HAProxy.

Ten real gantry-agent processes take scans through their local API (10 a second each, every scan with its own id)
and sync through HAProxy (provisioning/haproxy/gantry-hubs.cfg: health check on /healthz, retries and redispatch).
Every few seconds one hub is SIGKILLed while HAProxy shows it holding a request (mid-batch), and started again a
second later; PostgreSQL is restarted (`pg_ctl restart -m immediate`, a crash) at even points of the run. Then the
scans stop and every agent must drain.

Printed: kills (and how many hit a request in flight), database restarts, events, the time to recover after each
fault (until every agent's acknowledged position reaches the head it had at the fault), the longest stall of any
agent (acknowledged position not moving while it has events pending), and the checks, which must all hold:
every agent's head equals the hub's position and event count for its plant, no event id twice, each scan a
client was answered 201 for is at the hub once, PostgreSQL's amcheck finds every B-tree index and heap of the
hub's tables sound, and `gantry-hub audit verify` passes.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from bench_hub import Postgres, free_port, pg_binary  # noqa: E402

TEMPLATE = os.path.join(os.path.dirname(HERE), "haproxy", "gantry-hubs.cfg")


def request(port, method, path, body=None, token=None, timeout=30):
    """One HTTP request on loopback; (status, parsed JSON or raw bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data
    finally:
        connection.close()


class HubServer:
    """One `gantry-hub serve` on a fixed port, so that it comes back where the balancer looks for it."""

    def __init__(self, bin_dir, work, name, database_url, public_url=None, extra="", port=None):
        self.bin = f"{bin_dir}/gantry-hub"
        self.name = name
        self.port = port or free_port()
        public_url = public_url or f"http://127.0.0.1:{self.port}"
        self.config = f"{work}/{name}.conf"
        self.log = open(f"{work}/{name}.log", "a")
        with open(self.config, "w") as f:
            f.write(f"store.url = {database_url}\nstore.timeout = 5s\nhttp.port = {self.port}\n"
                    f"http.public_url = {public_url}\nlog.level = warning\nlog.access = off\n{extra}")
        self.proc = None

    def cli(self, *arguments):
        return subprocess.run([self.bin, *arguments, "--config", self.config], check=True, capture_output=True,
                              text=True).stdout

    def enrol(self, company, code):
        out = self.cli("plants", "add", "--company", company, "--code", code, "--time-zone", "UTC")
        return next(line.split(" = ", 1)[1] for line in out.splitlines() if line.startswith("hub.token = "))

    def start(self, timeout=60):
        self.proc = subprocess.Popen([self.bin, "serve", "--config", self.config], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        deadline = time.time() + timeout
        line = self.proc.stdout.readline()  # "… listening on http://…" once it serves
        if "listening on" not in line or time.time() > deadline:
            raise SystemExit(f"{self.name} did not start: {line!r}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def rusage(self):
        """(CPU seconds, RSS bytes) from /proc/PID/stat (utime + stime in clock ticks, rss in pages)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks, int(fields[21]) * os.sysconf("SC_PAGE_SIZE")


class Balancer:
    """HAProxy from Debian on a free port, its configuration from provisioning/haproxy/gantry-hubs.cfg."""

    def __init__(self, work, hubs, port):
        self.port = port
        self.socket = f"{work}/haproxy.sock"
        with open(TEMPLATE) as f:
            text = f.read()
        servers = "\n".join(f"    server {hub.name} 127.0.0.1:{hub.port} check" for hub in hubs)
        text = text.replace("@STATS_SOCKET@", self.socket).replace("@BIND@", f"127.0.0.1:{self.port}")
        text = text.replace("@STATS_BIND@", f"127.0.0.1:{free_port()}")
        self.config = f"{work}/haproxy.cfg"
        with open(self.config, "w") as f:
            f.write(text.replace("@SERVERS@", servers))
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        subprocess.run([haproxy, "-c", "-q", "-f", self.config], check=True)
        self.proc = subprocess.Popen([haproxy, "-db", "-f", self.config], stdout=subprocess.DEVNULL,
                                     stderr=open(f"{work}/haproxy.log", "w"))
        deadline = time.time() + 10
        while not os.path.exists(self.socket):
            if time.time() > deadline:
                raise SystemExit("HAProxy did not start")
            time.sleep(0.05)

    def stat(self):
        """{server name: (status, current sessions)} of the hubs' backend, from the admin socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.socket)
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        out = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(",")))
            if row.get("pxname") == "gantry_hubs" and row.get("svname") not in ("FRONTEND", "BACKEND", None):
                out[row["svname"]] = (row["status"], int(row["scur"] or 0))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class AgentProc:
    """A real gantry-agent with its own store, syncing to `hub_url`."""

    def __init__(self, bin_dir, work, plant, hub_url, token, extra=""):
        self.plant = plant
        self.dir = f"{work}/{plant}"
        os.makedirs(self.dir, exist_ok=True)
        self.config = f"{self.dir}/agent.conf"
        with open(self.config, "w") as f:
            f.write(f"plant.id = {plant}\nhub.url = {hub_url}\nhub.token = {token}\n"
                    f"store.path = {self.dir}/agent.sqlite\nhttp.port = 0\nlog.level = warning\n"
                    "sync.request_timeout = 10s\nsync.backoff_initial = 200ms\nsync.backoff_max = 2s\n"
                    f"sync.heartbeat = 2s\n{extra}")
        self.bin = f"{bin_dir}/gantry-agent"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([self.bin, "run", "--config", self.config], stdout=subprocess.PIPE,
                                     stderr=open(f"{self.dir}/agent.log", "a"), text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise SystemExit(f"agent {self.plant} did not start: {line!r}")
        self.port = int(line.strip().rsplit(":", 1)[1])

    def status(self):
        status, body = request(self.port, "GET", "/v1/status", timeout=10)
        return body

    def scan(self, data, scan_id=None, timeout=30):
        body = json.dumps({"data": data, "device": "soak-1", "id": scan_id or str(uuid.uuid4())})
        return request(self.port, "POST", "/v1/scans", body=body, timeout=timeout)[0]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Postgres15(Postgres):
    """bench_hub's cluster, crashed and restarted in place."""

    def restart_immediate(self):
        subprocess.run(self.as_owner + [pg_binary("pg_ctl"), "-D", f"{self.dir}/data", "-m", "immediate", "-w",
                                        "restart"], check=True, stdout=subprocess.DEVNULL)


def scanner(agent, rate, stop, accepted, failures):
    """Scans at `rate` a second, each with its own id, resent with the same id until answered."""
    period, next_at, index = 1.0 / rate, time.monotonic(), 0
    while not stop.is_set():
        scan_id = str(uuid.uuid4())
        while True:
            try:
                status = agent.scan(f"]C1010950600013435210LOT{index % 997}", scan_id)
            except OSError:
                status = None
            if status in (200, 201):
                accepted[agent.plant] += 1 if status == 201 else 0
                break
            failures.append(f"{agent.plant}: scan answered {status}")
            time.sleep(0.2)
        index += 1
        next_at += period
        time.sleep(max(0.0, next_at - time.monotonic()))


def monitor(agents, stop, samples, interval=0.5):
    """(time, {plant: (acknowledged, head)}) every `interval`."""
    while not stop.is_set():
        now, row = time.monotonic(), {}
        for agent in agents:
            try:
                status = agent.status()
                row[agent.plant] = (status["acknowledgedSequence"], status["lastSequence"])
            except (OSError, KeyError, TypeError):
                pass
        samples.append((now, row))
        stop.wait(interval)


def recovery_after(samples, t0):
    """Seconds from `t0` until every agent acknowledged the head it had at `t0`; None if never."""
    heads = next((row for at, row in samples if at >= t0 and row), None)
    if not heads:
        return None
    for at, row in samples:
        if at >= t0 and all(row.get(plant, (0, 0))[0] >= head for plant, (_, head) in heads.items()):
            return at - t0
    return None


def longest_stall(samples):
    """The longest time any agent's acknowledged position stood still while it had events pending."""
    worst, since, last = 0.0, {}, {}
    for at, row in samples:
        for plant, (acknowledged, head) in row.items():
            if acknowledged != last.get(plant) or acknowledged >= head:
                since[plant] = at
                last[plant] = acknowledged
            worst = max(worst, at - since.get(plant, at))
    return worst


def database_checks(postgres, database, hubs_bin, hub_config, heads, accepted):
    """Every check of the run; returns the failures (empty when all hold)."""
    problems = []
    rows = postgres.psql("""SELECT p.plant_id, p.last_sequence, p.events_received,
                                   (SELECT count(*) FROM events e WHERE e.plant_id = p.plant_id),
                                   (SELECT coalesce(max(seq), 0) FROM events e WHERE e.plant_id = p.plant_id),
                                   (SELECT count(*) FROM scans s WHERE s.plant_id = p.plant_id),
                                   (SELECT count(DISTINCT scan_id) FROM scans s WHERE s.plant_id = p.plant_id)
                            FROM plants p ORDER BY 1""", database=database)
    for line in rows.split():
        plant, last, received, count, top, scans, distinct = line.split("|")
        numbers = list(map(int, (last, received, count, top)))
        head = heads.get(plant)
        if head is None:
            continue
        if numbers != [head] * 4:
            problems.append(f"{plant}: agent head {head}, hub position/received/rows/max seq {numbers}")
        if int(scans) != accepted[plant] or int(distinct) != int(scans):
            problems.append(f"{plant}: {accepted[plant]} scans answered 201, the hub holds {scans} ({distinct} distinct)")
    duplicates = postgres.psql("SELECT count(*) - count(DISTINCT event_id) FROM events", database=database).strip()
    if duplicates != "0":
        problems.append(f"{duplicates} event ids twice")
    postgres.psql("CREATE EXTENSION IF NOT EXISTS amcheck", database=database)
    indexes = postgres.psql("""SELECT count(bt_index_check(c.oid, true)) FROM pg_index i
                               JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                               WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace""",
                            database=database).strip()
    heap = postgres.psql("""SELECT count(*) FROM pg_class c, LATERAL verify_heapam(c.oid)
                            WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace""",
                         database=database).strip()
    if heap != "0":
        problems.append(f"verify_heapam: {heap} corrupt tuples")
    audit = subprocess.run([hubs_bin, "audit", "verify", "--config", hub_config], capture_output=True, text=True)
    if audit.returncode != 0:
        problems.append(f"gantry-hub audit verify: {audit.stdout}{audit.stderr}")
    return problems, int(indexes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--minutes", type=float, default=5, help="how long the faults go on")
    parser.add_argument("--hubs", type=int, default=3)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10, help="scans a second at each agent")
    parser.add_argument("--kill-every", type=float, default=6, help="seconds between hub kills, on average")
    parser.add_argument("--pg-restarts", type=int, default=2, help="PostgreSQL crashes and restarts in the run")
    parser.add_argument("--drain", type=float, default=60, help="seconds every agent has to drain at the end")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) afterwards")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-soak-hubs-")
    os.chmod(work, 0o755)
    postgres = balancer = None
    hubs, agents, stop_load, stop_monitor = [], [], threading.Event(), threading.Event()
    threads = []
    try:
        postgres = Postgres15(work)
        postgres.psql("CREATE DATABASE hub")
        lb_port = free_port()
        lb_url = f"http://127.0.0.1:{lb_port}"
        hubs = [HubServer(args.bin, work, f"hub{i + 1}", postgres.url("hub"), lb_url) for i in range(args.hubs)]
        balancer = Balancer(work, hubs, lb_port)
        tokens = {f"SOAK-P{i:02d}": hubs[0].enrol("SOAK", f"P{i:02d}") for i in range(args.agents)}
        for hub in hubs:
            hub.start()
        deadline = time.time() + 20
        while not all(status.startswith("UP") for status, _ in balancer.stat().values()):
            if time.time() > deadline:
                raise SystemExit(f"the balancer does not see every hub up: {balancer.stat()}")
            time.sleep(0.2)
        agents = [AgentProc(args.bin, work, plant, lb_url, token) for plant, token in tokens.items()]
        for agent in agents:
            agent.start()
        print(f"hubs that die: {args.hubs} hubs over one PostgreSQL behind HAProxy, {args.agents} agents taking "
              f"{args.rate:g} scans/s each, {args.minutes:g} min of faults", flush=True)

        accepted = {agent.plant: 0 for agent in agents}
        failures, samples = [], []
        threads = [threading.Thread(target=scanner, args=(agent, args.rate, stop_load, accepted, failures))
                   for agent in agents]
        threads.append(threading.Thread(target=monitor, args=(agents, stop_monitor, samples)))
        for thread in threads:
            thread.start()

        begin = time.monotonic()
        end = begin + args.minutes * 60
        restarts_at = [begin + (end - begin) * (k + 1) / (args.pg_restarts + 1) for k in range(args.pg_restarts)]
        kills, in_flight, pg_restarts, faults = 0, 0, 0, []
        rng = random.Random(23)
        while time.monotonic() < end:
            if restarts_at and time.monotonic() >= restarts_at[0]:
                restarts_at.pop(0)
                at = time.monotonic()
                postgres.restart_immediate()
                pg_restarts += 1
                faults.append(("postgres", at))
                print(f"  {at - begin:6.1f} s  PostgreSQL restarted (immediate), back after "
                      f"{time.monotonic() - at:.1f} s", flush=True)
                continue
            time.sleep(rng.uniform(0.5, 1.5) * args.kill_every)
            hub = rng.choice(hubs)
            busy = False
            watch_until = time.monotonic() + 3
            while time.monotonic() < watch_until:  # wait for the hub to hold a request: a kill mid-batch
                if balancer.stat().get(hub.name, ("", 0))[1] > 0:
                    busy = True
                    break
                time.sleep(0.005)
            at = time.monotonic()
            hub.kill()
            kills += 1
            in_flight += busy
            faults.append(("kill", at))
            time.sleep(1)
            hub.start()
        print(f"  faults over at {time.monotonic() - begin:.0f} s; scans stop, agents drain", flush=True)
        stop_load.set()
        for thread in threads[:-1]:
            thread.join()

        drained_at = None
        drain_start = time.monotonic()
        while time.monotonic() < drain_start + args.drain:
            statuses = [agent.status() for agent in agents]
            if all(s["acknowledgedSequence"] == s["lastSequence"] for s in statuses):
                drained_at = time.monotonic() - drain_start
                break
            time.sleep(0.25)
        stop_monitor.set()
        threads[-1].join()
        heads = {agent.plant: agent.status()["lastSequence"] for agent in agents}
        events = sum(heads.values())
        problems, indexes = database_checks(postgres, "hub", hubs[0].bin, hubs[0].config, heads, accepted)
        if drained_at is None:
            problems.append(f"agents not drained within {args.drain:g} s: " + ", ".join(
                f"{a.plant} {a.status()['acknowledgedSequence']}/{a.status()['lastSequence']}" for a in agents))
        if failures:
            print(f"  scans answered otherwise and resent: {len(failures)} (first: {failures[0]})")

        recoveries = {kind: [r for k, at in faults if k == kind and (r := recovery_after(samples, at)) is not None]
                      for kind in ("kill", "postgres")}
        unrecovered = sum(1 for k, at in faults if recovery_after(samples, at) is None)
        print(f"  hub kills: {kills} ({in_flight} with a request in flight at the hub), restarted 1 s later each")
        print(f"  PostgreSQL restarts (immediate): {pg_restarts}")
        print(f"  events: {events:,} from {len(agents)} agents ({sum(accepted.values()):,} scans answered 201)")
        for kind, label in (("kill", "after a hub kill"), ("postgres", "after a PostgreSQL restart")):
            values = recoveries[kind]
            if values:
                print(f"  time to recover {label}: median {sorted(values)[len(values) // 2]:.1f} s, "
                      f"max {max(values):.1f} s (every agent's acknowledged position at its head of the fault)")
        print(f"  longest agent stall: {longest_stall(samples):.1f} s (acknowledged position still, events pending)")
        print(f"  drained after the load stopped in {drained_at:.1f} s" if drained_at is not None else "  NOT drained")
        print(f"  checks: hub position = event rows = max seq = agent head for every plant; each 201 scan once; "
              f"no event id twice; amcheck on {indexes} B-tree indexes and verify_heapam on every table; audit verify")
        if unrecovered:
            problems.append(f"{unrecovered} faults after which the agents never caught up in the run")
        if problems:
            for problem in problems:
                print(f"  FAILED: {problem}")
            return 1
        print("  verdict: every event applied once, no agent stuck, the database's checks clean")
        return 0
    finally:
        stop_load.set()
        stop_monitor.set()
        for agent in agents:
            agent.stop()
        for hub in hubs:
            hub.stop()
        if balancer:
            balancer.stop()
        if postgres:
            postgres.stop()
        if args.keep:
            print(f"  work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
