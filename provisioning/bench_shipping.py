#!/usr/bin/env python3
"""Gantry benchmark: shipping by scan through the agent's real HTTP API (release build, SQLite store, fsync on commit).

A customer order for 40,000 serialised cases goes from the hub to the plant; the plant reserves them (pick list),
then packs 1,000 pallets of 40 cases each by scanning every case (GS1: GTIN + serial) into a logistic unit under
its own SSCC, and ships each pallet by scanning its SSCC at the dock: 41,000 scans posted on a fixed schedule of
50 scans/s, the agent syncing to the hub at the same time. Printed: p50/p99 of scan to durable answer, for the
pack scans and the ship scans, next to raw SQLite one-row fsync'd commits at the same pace on the same disk.
Target (issue "shipments, SSCC pallets, transfers"): p99 < 20 ms.
"""
import argparse
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_inventory import Process, percentile, reference_commit_latency, request, timed  # noqa: E402

GTIN = "04012345000016"


def hub_request(port, token, method, path, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(method, path, body=json.dumps(body).encode(),
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    if response.status >= 300:
        raise SystemExit(f"hub {path} answered {response.status}: {payload[:300]!r}")
    return json.loads(payload or b"null")


class Pacer:
    """Sends requests on a fixed schedule of `rate` per second, one at a time (one scanner), and keeps latencies."""

    def __init__(self, port, rate):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.rate = rate
        self.start = time.perf_counter() + 0.2
        self.sent = 0

    def post(self, path, body, timed_kind, latencies):
        due = self.start + self.sent / self.rate
        self.sent += 1
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        data = json.dumps(body).encode()
        began = time.perf_counter()
        self.connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - began
        if response.status != 201:
            raise SystemExit(f"{path} answered {response.status}: {payload[:300]!r}")
        if timed_kind is not None:
            latencies.setdefault(timed_kind, []).append(elapsed)
        return json.loads(payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--pallets", type=int, default=1_000)
    parser.add_argument("--cases", type=int, default=40, help="serialised cases per pallet")
    parser.add_argument("--scan-rate", type=int, default=50)
    parser.add_argument("--reference-seconds", type=int, default=30)
    args = parser.parse_args()
    total = args.pallets * args.cases
    work = tempfile.mkdtemp(prefix="gantry-bench-shipping-")
    processes = []
    try:
        hub_conf = f"{work}/hub.conf"
        with open(hub_conf, "w") as f:
            f.write(f"store.path = {work}/hub.sqlite\nhttp.port = 0\nlog.level = error\n")
        cli = [f"{args.bin}/gantry-hub"]
        with open(f"{work}/company.json", "w") as f:
            json.dump({"records": [
                {"kind": "company", "key": "ACME", "data": {"legalName": "Acme", "currency": "EUR"}},
                {"kind": "supplier", "company": "ACME", "key": "S1", "data": {"name": "Supplier", "status": "approved"}},
                {"kind": "customer", "company": "ACME", "key": "C1", "data": {"name": "Customer", "currency": "EUR", "paymentTermsDays": 30}},
                {"kind": "item", "company": "ACME", "key": "CASE", "data": {
                    "description": "Serialised case", "uom": "EA", "tracking": "serial", "gtins": [GTIN]}},
            ]}, f)
        subprocess.run(cli + ["masters", "apply", "--config", hub_conf, f"{work}/company.json"], check=True, stdout=subprocess.DEVNULL)
        hub = Process(cli + ["serve", "--config", hub_conf], f"{work}/hub.log")
        processes.append(hub)
        env = {**os.environ, "GANTRY_HUB_HTTP_PUBLIC_URL": f"http://127.0.0.1:{hub.port}"}
        enrolment = subprocess.run(cli + ["plants", "add", "--config", hub_conf, "--company", "ACME", "--code", "BER",
                                          "--time-zone", "Europe/Berlin", "--store-dir", work], check=True, capture_output=True, text=True,
                                   env=env).stdout
        with open(f"{work}/plant.json", "w") as f:
            json.dump({"records": [{"kind": "plant", "company": "ACME", "key": "ACME-BER", "data": {
                "name": "Berlin", "timeZone": "Europe/Berlin", "gs1CompanyPrefix": "4012345"}}]}, f)
        subprocess.run(cli + ["masters", "apply", "--config", hub_conf, f"{work}/plant.json"], check=True, stdout=subprocess.DEVNULL)
        token = subprocess.run(cli + ["tokens", "add", "--config", hub_conf, "--name", "bench", "--companies", "*"], check=True,
                               capture_output=True, text=True).stdout.strip()
        agent_conf = f"{work}/agent.conf"
        with open(agent_conf, "w") as f:
            f.write(enrolment + "\nhttp.port = 0\nlog.level = error\nmasters.poll_interval = 500ms\n")
        agent = Process([f"{args.bin}/gantry-agent", "run", "--config", agent_conf], f"{work}/agent.log")
        processes.append(agent)

        request(agent.port, "POST", "/v1/locations", {"code": "A1", "type": "storage", "warehouse": "W1"})
        request(agent.port, "POST", "/v1/locations", {"code": "DOCK", "type": "storage", "warehouse": "W1"})
        deadline = time.time() + 120
        while True:
            masters = request(agent.port, "GET", "/v1/masters?kind=plant")[1]
            records = masters.get("records", masters) if isinstance(masters, dict) else masters
            if "4012345" in json.dumps(records) and request(agent.port, "GET", "/v1/masters?kind=item")[1]:
                break
            if time.time() > deadline:
                raise SystemExit("the agent did not receive its plant master")
            time.sleep(0.2)
        serials = [f"S{index:07d}" for index in range(total)]
        stocked, _ = timed(agent.port, "POST", "/v1/counts", {"location": "A1", "lines": [
            {"item": "CASE", "serial": serial, "quantity": "1"} for serial in serials]})
        hub_request(hub.port, token, "POST", "/v1/customer-orders", {
            "order": "SO-BENCH", "plant": "ACME-BER", "customer": "C1", "requested": "2027-01-15",
            "lines": [{"line": 1, "item": "CASE", "quantity": str(total), "price": "12.50"}]})
        deadline = time.time() + 120
        while not request(agent.port, "GET", "/v1/outbound-orders?order=SO-BENCH")[1]["orders"]:
            if time.time() > deadline:
                raise SystemExit("the agent did not receive the customer order")
            time.sleep(0.2)
        picked, answer = timed(agent.port, "POST", "/v1/outbound-orders/SO-BENCH/pick-list", None)
        assert sum(float(p["quantity"]) for p in answer["picks"]) == total, answer["message"]
        print(f"Shipping by scan: {args.pallets:,} pallets of {args.cases} serialised cases (release build, SQLite store, fsync on commit)")
        print(f"  stocking count of {total:,} serials: {stocked:.2f} s; pick list reserving {total:,} cases: {picked:.2f} s")

        latencies, pacer, began = {}, Pacer(agent.port, args.scan_rate), time.perf_counter()
        for pallet in range(args.pallets):
            unit = pacer.post("/v1/logistic-units", {"id": str(uuid.uuid4()), "order": "SO-BENCH", "location": "DOCK"}, None, latencies)
            sscc = unit["sscc"]
            for case in range(args.cases):
                serial = serials[pallet * args.cases + case]
                pacer.post(f"/v1/logistic-units/{sscc}/contents",
                           {"id": str(uuid.uuid4()), "from": "A1", "scan": f"]C101{GTIN}21{serial}"}, "pack", latencies)
            pacer.post("/v1/shipments", {"id": str(uuid.uuid4()), "order": "SO-BENCH", "units": [f"]C100{sscc}"],
                                         "carrier": "DHL", "trackingReference": f"T{pallet}"}, "ship", latencies)
        elapsed = time.perf_counter() - began
        order = request(agent.port, "GET", "/v1/outbound-orders?order=SO-BENCH")[1]["orders"][0]
        assert order["lines"][0]["shipped"] == str(total), order
        reference = reference_commit_latency(work, args.scan_rate, args.reference_seconds)
        scans = latencies["pack"] + latencies["ship"]
        print(f"  {len(scans):,} scans at {args.scan_rate}/s in {elapsed:.0f} s, scan to durable answer: "
              f"p50 {percentile(scans, 0.5) * 1000:.1f} ms, p99 {percentile(scans, 0.99) * 1000:.1f} ms, "
              f"max {max(scans) * 1000:.1f} ms (target p99 < 20 ms: {'met' if percentile(scans, 0.99) < 0.020 else 'NOT met'})")
        for kind in ("pack", "ship"):
            values = latencies[kind]
            print(f"    {kind} scans ({len(values):,}): p50 {percentile(values, 0.5) * 1000:.1f} ms, p99 {percentile(values, 0.99) * 1000:.1f} ms")
        print(f"  reference: raw SQLite one-row fsync'd commits at {args.scan_rate}/s for {args.reference_seconds} s: "
              f"p50 {percentile(reference, 0.5) * 1000:.1f} ms, p99 {percentile(reference, 0.99) * 1000:.1f} ms")
        return 0
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
