#!/usr/bin/env python3
"""Gantry benchmark: hub ingest of a catch-up through the real HTTP sync path, on SQLite and on PostgreSQL.

Ten plants come back after a week offline and send their backlog (1,000,000 events in all by default) in
large batches, ten senders at once, to a release gantry-hub. The figure is events applied per second from
the first request to the last acknowledgement. For PostgreSQL the same rows are also loaded with a raw
`COPY` into a plain table of the same shape (same columns and primary key) on the same server in the same
run, and the hub's rate is printed as a ratio of it. Targets (issue "Hub on PostgreSQL"): at least 50,000
events/s on either backend, and PostgreSQL ingest at least half the raw COPY rate.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_binary(name):
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v) if v.isdigit() else 0, reverse=True)
    return f"/usr/lib/postgresql/{versions[0]}/bin/{name}"


class Postgres:
    """A throwaway cluster with PostgreSQL's durable defaults (fsync, synchronous commit), never run as root."""

    def __init__(self, work):
        self.dir = f"{work}/pg"
        self.port = free_port()
        os.makedirs(f"{self.dir}/data")
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(work, "postgres")
            shutil.chown(self.dir, "postgres")
            shutil.chown(f"{self.dir}/data", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        subprocess.run(self.as_owner + [pg_binary("initdb"), "-D", f"{self.dir}/data", "-U", "postgres",
                                        "--auth=trust", "-E", "UTF8"], check=True, stdout=subprocess.DEVNULL)
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB "
                   f"-c max_wal_size=8GB -c checkpoint_timeout=30min")
        subprocess.run(self.as_owner + [pg_binary("pg_ctl"), "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log",
                                        "-w", "start", "-o", options], check=True, stdout=subprocess.DEVNULL)

    def psql(self, sql, database="postgres", stdin=None):
        return subprocess.run([pg_binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                              input=stdin, check=True, capture_output=True, text=True).stdout

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def stop(self):
        subprocess.run(self.as_owner + [pg_binary("pg_ctl"), "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                       check=False, stdout=subprocess.DEVNULL)


class Hub:
    def __init__(self, bin_dir, work, name, store_line):
        self.bin = f"{bin_dir}/gantry-hub"
        self.config = f"{work}/{name}.conf"
        with open(self.config, "w") as f:
            # Port 0 has no URL to print at enrolment; the bench hands agents the hub's URL itself once it listens.
            f.write(f"{store_line}\nhttp.port = 0\nhttp.public_url = http://127.0.0.1:8480\nlog.level = error\n"
                    "sync.max_batch_events = 20000\n"
                    "sync.max_batch_bytes = 64MiB\n")
        self.admin = self.cli("tokens", "add", "--name", "bench", "--companies", "*").strip()
        self.proc = None

    def cli(self, *arguments):
        return subprocess.run([self.bin, *arguments, "--config", self.config], check=True, capture_output=True, text=True).stdout

    def enrol(self, code):
        out = self.cli("plants", "add", "--company", "BENCH", "--code", code, "--time-zone", "UTC")
        return next(line.split(" = ", 1)[1] for line in out.splitlines() if line.startswith("hub.token = "))

    def start(self):
        self.proc = subprocess.Popen([self.bin, "serve", "--config", self.config], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        self.port = int(line.rsplit(":", 1)[1])

    def report(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", "/v1/reports/sync", headers={"Authorization": f"Bearer {self.admin}"})
        body = json.loads(connection.getresponse().read())
        connection.close()
        return body["plants"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def plant_backlog(plant, count, batch_size, start):
    """A plant's week offline as sync batch bodies, and the same events as COPY rows."""
    bodies, rows = [], []
    week = timedelta(days=7).total_seconds()
    for first in range(1, count + 1, batch_size):
        events = []
        last = min(first + batch_size - 1, count)
        for sequence in range(first, last + 1):
            at = (start + timedelta(seconds=week * sequence / count)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            event_id, scan_id = str(uuid.uuid4()), str(uuid.uuid4())
            payload = {"data": f"]C1010950600013435210LOT{sequence % 997}", "device": "dock-1", "scanId": scan_id}
            events.append({"sequence": sequence, "id": event_id, "type": "ScanRecorded", "schemaVersion": 1,
                           "occurredAt": at, "recordedAt": at, "payload": payload})
            rows.append("\t".join([plant, str(sequence), event_id, "ScanRecorded", "1", at, at, at,
                                   json.dumps(payload, separators=(",", ":"), sort_keys=True), "applied", "\\N"]))
        body = json.dumps({"plant": plant, "agentHead": count, "events": events}, separators=(",", ":"))
        bodies.append(body.encode())
    return bodies, rows


def send_backlog(port, token, bodies, failures):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in bodies:
        connection.request("POST", "/v1/sync/batches", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            failures.append(f"{response.status}: {answer[:300]!r}")
            return
    connection.close()


def ingest(hub, plants, backlogs):
    failures = []
    threads = [threading.Thread(target=send_backlog, args=(hub.port, plants[code], backlogs[code][0], failures))
               for code in plants]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"the hub refused a batch: {failures[0]}")
    report = hub.report()
    applied = sum(plant["eventsReceived"] for plant in report)
    return applied, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with a release gantry-hub")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in all, spread over the plants")
    parser.add_argument("--plants", type=int, default=10)
    parser.add_argument("--batch", type=int, default=5000, help="events per sync batch (the agent's sync.batch_events)")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-bench-hub-")
    os.chmod(work, 0o755)
    per_plant = args.events // args.plants
    total = per_plant * args.plants
    print(f"hub ingest: {total:,} events from {args.plants} plants, {args.batch:,} per batch, {args.plants} senders at once")
    print("  building the backlog…", flush=True)
    start = datetime.now(timezone.utc) - timedelta(days=8)
    codes = [f"P{index:02d}" for index in range(args.plants)]
    backlogs = {code: plant_backlog(f"BENCH-{code}", per_plant, args.batch, start) for code in codes}
    postgres = None
    results = {}
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                hub = Hub(args.bin, work, "sqlite", f"store.path = {work}/hub.sqlite")
            else:
                postgres = Postgres(work)
                postgres.psql("CREATE DATABASE hub")
                hub = Hub(args.bin, work, "postgres", f"store.url = {postgres.url('hub')}")
            plants = {code: hub.enrol(code) for code in codes}
            hub.start()
            applied, elapsed = ingest(hub, plants, backlogs)
            hub.stop()
            if applied != total:
                raise SystemExit(f"{backend}: the hub applied {applied} events of {total}")
            results[backend] = total / elapsed
            print(f"  {backend:8s} hub: {results[backend]:>10,.0f} events/s ({elapsed:.1f} s, every event applied once)")
            if backend == "postgres":
                postgres.psql("""
                    CREATE TABLE raw_events (plant_id text NOT NULL, seq bigint NOT NULL, event_id uuid NOT NULL,
                        type text NOT NULL, schema_version integer NOT NULL, occurred_at timestamptz NOT NULL,
                        recorded_at timestamptz NOT NULL, received_at timestamptz NOT NULL, payload jsonb NOT NULL,
                        status text NOT NULL, status_reason text, PRIMARY KEY (plant_id, seq))
                    """, database="hub")
                text = "\n".join(row for code in codes for row in backlogs[code][1]) + "\n"
                begin = time.perf_counter()
                postgres.psql("\\copy raw_events FROM STDIN", database="hub", stdin=text)
                copy_seconds = time.perf_counter() - begin
                raw = total / copy_seconds
                print(f"  postgres raw COPY: {raw:>10,.0f} rows/s ({copy_seconds:.1f} s, same rows, same server)")
                print(f"  ratio hub/raw COPY: {results['postgres'] / raw:.2f} (target ≥ 0.5)")
                postgres.stop()
                postgres = None
        for backend, rate in results.items():
            verdict = "meets" if rate >= 50_000 else "misses"
            print(f"  {backend}: {verdict} the 50,000 events/s target")
    finally:
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
