#!/usr/bin/env python3
"""Gantry benchmark: plant inventory through the agent's real HTTP API (release build, SQLite store).

- Reservations: one request reserving 10,000 lines for a work order (10,000 items in stock), the way a release of
  work orders reserves their components. Target (issue "Barcode scanning and plant inventory"): under a second.
- Cycle count: one request counting 5,000 items of a location, half of them with a variance that is posted as an
  adjustment. Target: under a second.
- Scan to durable acknowledgement: receipts posted at a steady 200 scans/s; p50 and p99 of the time from sending
  a scan to its answer (the answer comes after the commit is durable: fsync with store.durability = power-loss).
References measured in the same run with Python's sqlite3 on the same disk: 10,000 inserted rows in one
transaction, 5,000 updated rows in one transaction, and one-row fsync'd commits at the same 200/s pace.
"""
import argparse
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid


class Process:
    """A child whose 'listening on' line gives its port."""

    def __init__(self, argv, log):
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if "listening on http://" not in line:
            raise SystemExit(f"{argv[0]} did not start; see {log}")
        self.port = int(line.strip().rsplit(":", 1)[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def request(port, method, path, body=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload or b"null")


def timed(port, method, path, body):
    start = time.perf_counter()
    status, answer = request(port, method, path, body)
    elapsed = time.perf_counter() - start
    if status >= 300:
        raise SystemExit(f"{path} answered {status}: {answer}")
    return elapsed, answer


def reference_inserts(work, rows):
    db = sqlite3.connect(f"{work}/reference.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE r (id TEXT PRIMARY KEY, item TEXT, location TEXT, lot TEXT, quantity INTEGER)")
    db.execute("CREATE INDEX r_item ON r (item)")
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO r VALUES (?, ?, ?, '', ?)", ((str(uuid.uuid4()), f"I{i}", "A1", 1) for i in range(rows)))
    db.execute("COMMIT")
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("UPDATE r SET quantity = quantity + 1 WHERE item = ?", ((f"I{i}",) for i in range(0, rows, 2)))
    db.execute("COMMIT")
    updated = time.perf_counter() - start
    db.close()
    return inserted, updated


def reference_commit_latency(work, rate, seconds):
    db = sqlite3.connect(f"{work}/latency.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE s (id TEXT PRIMARY KEY, data TEXT)")
    latencies = []
    start = time.perf_counter()
    for index in range(rate * seconds):
        due = start + index / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        began = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO s VALUES (?, ?)", (str(uuid.uuid4()), "x" * 60))
        db.execute("COMMIT")
        latencies.append(time.perf_counter() - began)
    db.close()
    return latencies


def paced_scans(port, rate, seconds, senders=8):
    """Sends rate × seconds receipts on a fixed schedule from `senders` threads; returns each latency."""
    total = rate * seconds
    latencies, lock, errors = [], threading.Lock(), []
    start = time.perf_counter() + 0.2

    def sender(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in range(offset, total, senders):
            due = start + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            body = json.dumps({"id": str(uuid.uuid4()), "order": "PO-BENCH", "line": 1, "location": "A1",
                               "scan": "]C10109506000134352", "quantity": "1"}).encode()
            began = time.perf_counter()
            connection.request("POST", "/v1/receipts", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            with lock:
                if response.status != 201:
                    errors.append(response.status)
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=sender, args=(offset,)) for offset in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} scans were refused: {errors[:5]}")
    return latencies


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--items", type=int, default=10_000, help="items in stock and lines reserved")
    parser.add_argument("--count-lines", type=int, default=5_000, help="items in the timed cycle count")
    parser.add_argument("--scan-rate", type=int, default=200)
    parser.add_argument("--scan-seconds", type=int, default=15)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="gantry-bench-inventory-")
    processes = []
    try:
        hub_conf = f"{work}/hub.conf"
        with open(hub_conf, "w") as f:
            f.write(f"store.path = {work}/hub.sqlite\nhttp.port = 0\nlog.level = error\n")
        with open(f"{work}/company.json", "w") as f:
            json.dump({"records": [
                {"kind": "company", "key": "ACME", "data": {"legalName": "Acme", "currency": "EUR"}},
                {"kind": "supplier", "company": "ACME", "key": "S1", "data": {"name": "Supplier", "status": "approved"}},
                {"kind": "item", "company": "ACME", "key": "SCANNED", "data": {
                    "description": "Scanned item", "uom": "EA", "tracking": "none", "gtins": ["09506000134352"]}},
            ]}, f)
        with open(f"{work}/items.csv", "w") as f:
            f.write("key,company,description,uom,tracking\n")
            for index in range(args.items):
                f.write(f"I{index},ACME,Item {index},EA,none\n")
        cli = [f"{args.bin}/gantry-hub"]
        subprocess.run(cli + ["masters", "apply", "--config", hub_conf, f"{work}/company.json"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["masters", "import", "--config", hub_conf, "--kind", "items", f"{work}/items.csv"], check=True,
                       stdout=subprocess.DEVNULL)
        hub = Process(cli + ["serve", "--config", hub_conf], f"{work}/hub.log")
        processes.append(hub)
        enrolment = subprocess.run(cli + ["plants", "add", "--config", hub_conf, "--company", "ACME", "--code", "BER",
                                          "--time-zone", "Europe/Berlin", "--store-dir", work], check=True, capture_output=True, text=True,
                                   env={**os.environ, "GANTRY_HUB_HTTP_PUBLIC_URL": f"http://127.0.0.1:{hub.port}"}).stdout
        agent_conf = f"{work}/agent.conf"
        with open(agent_conf, "w") as f:
            f.write(enrolment + "\nhttp.port = 0\nlog.level = error\n"
                    "masters.poll_interval = 500ms\n")
        agent = Process([f"{args.bin}/gantry-agent", "run", "--config", agent_conf], f"{work}/agent.log")
        processes.append(agent)
        deadline = time.time() + 120
        while request(agent.port, "GET", "/v1/status")[1].get("masters", {}).get("version", 0) < 2:
            if time.time() > deadline:
                raise SystemExit("the agent did not receive the item master")
            time.sleep(0.2)
        request(agent.port, "POST", "/v1/locations", {"code": "A1", "type": "storage", "warehouse": "W1"})
        request(agent.port, "POST", "/v1/purchase-orders", {"order": "PO-BENCH", "supplier": "S1", "lines": [
            {"line": 1, "item": "SCANNED", "quantity": "10000000"}]})

        print(f"Plant inventory, {args.items} items (release build, SQLite store with fsync on commit)")
        stocked, _ = timed(agent.port, "POST", "/v1/counts", {"location": "A1", "lines": [
            {"item": f"I{index}", "quantity": "100"} for index in range(args.items)]})
        print(f"  stocking count of {args.items} lines (every line a variance): {stocked:.3f} s")

        lines = [{"item": f"I{index}", "quantity": "1"} for index in range(args.items)]
        reserve, answer = timed(agent.port, "POST", "/v1/reservations", {"workOrder": "WO-BENCH", "lines": lines})
        assert len(answer["reservations"]) == args.items
        counted = [{"item": f"I{index}", "quantity": "100" if index % 2 else "99"} for index in range(args.count_lines)]
        count, answer = timed(agent.port, "POST", "/v1/counts", {"location": "A1", "lines": counted})
        assert answer["exactLines"] == args.count_lines // 2
        inserted, updated = reference_inserts(work, args.items)
        print(f"  {args.items:,} reservations in one request: {reserve:.3f} s "
              f"(target < 1 s: {'met' if reserve < 1 else 'NOT met'}); "
              f"reference: raw SQLite insert of {args.items:,} rows in one transaction {inserted:.3f} s")
        print(f"  cycle count of {args.count_lines:,} items ({args.count_lines // 2:,} adjusted): {count:.3f} s "
              f"(target < 1 s: {'met' if count < 1 else 'NOT met'}); "
              f"reference: raw SQLite update of {args.count_lines // 2:,} rows in one transaction {updated:.3f} s")

        latencies = paced_scans(agent.port, args.scan_rate, args.scan_seconds)
        reference = reference_commit_latency(work, args.scan_rate, args.scan_seconds)
        print(f"  scan to durable acknowledgement at {args.scan_rate}/s for {args.scan_seconds} s "
              f"({len(latencies):,} receipts): p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
        print(f"  reference: raw SQLite one-row fsync'd commits at {args.scan_rate}/s: "
              f"p50 {percentile(reference, 0.5) * 1000:.1f} ms, p99 {percentile(reference, 0.99) * 1000:.1f} ms")
        return 0
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
