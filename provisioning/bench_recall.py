#!/usr/bin/env python3
"""Gantry benchmark: a recall list over 1,000,000 genealogy links at the hub, on SQLite and on PostgreSQL.

A group's genealogy is loaded straight into the hub's tables (SQLite: executemany in one transaction; PostgreSQL:
COPY): 1,000 supplier lots of steel received at plant P00 against purchase orders, 10,000 frames made from them at
P00 (each from one lot and a second one at random), 100,000 assemblies made from two frames each at P01 (the frames
came by transfer: a lot keeps its code), and products made from two assemblies each at P02 until the links number
1,000,000; every tenth product shipped to one of 500 customers on its own pallet. Then `GET /v1/recalls` of one
supplier lot is timed through the real HTTP API (median of several runs), next to the raw recursive SQL query over
the same links in the same run (the reference: the walk and the links it reaches, no HTTP, no JSON). Target (issue
18): the recall in under 1 s on both backends.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_hub import Hub, Postgres  # noqa: E402

# The walk the hub runs (Hub/GantryHub/Shipping/*Trace.swift), for the reference.
WALK = """
WITH RECURSIVE lots(item, lot) AS (
    SELECT 'STEEL', '{lot}'
    UNION
    SELECT l.output_item, l.output_lot FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot
)
SELECT count(*) FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot
"""


def genealogy(links_wanted, seed=18):
    """Rows of lot_links, received_lots, shipments, shipment_units and shipment_contents, as tuples."""
    rng = random.Random(seed)
    at = (datetime.now(timezone.utc) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    links, received, shipments, units, contents = [], [], [], [], []
    sequence = {"BENCH-P00": 0, "BENCH-P01": 0, "BENCH-P02": 0}

    def link(plant, order, output, inputs):
        for item, lot in inputs:
            sequence[plant] += 1
            links.append((plant, sequence[plant], order, output[0], output[1], "", item, lot, "", 1_000_000))

    steel = [f"S{index:04d}" for index in range(1000)]
    for index, lot in enumerate(steel):
        sequence["BENCH-P00"] += 1
        received.append(("BENCH-P00", sequence["BENCH-P00"], "STEEL", lot, f"PO-{index // 10}", index % 10 + 1, 500_000_000, at))
    frames = [f"A{index:05d}" for index in range(10_000)]
    for index, lot in enumerate(frames):
        link("BENCH-P00", f"WO-A{index}", ("FRAME", lot), [("STEEL", steel[index // 10]), ("STEEL", rng.choice(steel))])
    assemblies = [f"B{index:06d}" for index in range(100_000)]
    for index, lot in enumerate(assemblies):
        link("BENCH-P01", f"WO-B{index}", ("ASSY", lot), [("FRAME", frames[index // 10]), ("FRAME", rng.choice(frames))])
    index = 0
    while len(links) < links_wanted:
        lot = f"C{index:07d}"
        link("BENCH-P02", f"WO-C{index}", ("PUMP", lot), [("ASSY", assemblies[index % len(assemblies)]), ("ASSY", rng.choice(assemblies))])
        if index % 10 == 0:
            shipment, sscc = f"SHP-{index}", f"{index:018d}"
            shipments.append(("BENCH-P02", shipment, index + 1, "customer-order", f"SO-{index}", f"C{index % 500:03d}", None, "BENCH",
                              None, "UPS", f"1Z{index}", at))
            units.append(("BENCH-P02", shipment, sscc, "customer-order", f"SO-{index}", "BENCH", None))
            contents.append(("BENCH-P02", shipment, sscc, 1, 1, "PUMP", lot, "", None, 1_000_000))
        index += 1
    del links[links_wanted:]
    return {"lot_links": links, "received_lots": received, "shipments": shipments, "shipment_units": units,
            "shipment_contents": contents}


COLUMNS = {
    "lot_links": "plant_id, seq, work_order, output_item, output_lot, output_serial, input_item, input_lot, input_serial, quantity",
    "received_lots": "plant_id, seq, item, lot, purchase_order, line, quantity, received_at",
    "shipments": "plant_id, shipment, seq, kind, order_ref, customer, to_plant, company, trading_partner, carrier, tracking, dispatched_at",
    "shipment_units": "plant_id, shipment, sscc, kind, order_ref, company, trading_partner",
    "shipment_contents": "plant_id, shipment, sscc, content_no, line, item, lot, serial, expiry, quantity",
}


def load_sqlite(path, rows):
    db = sqlite3.connect(path)
    with db:
        for table, values in rows.items():
            if not values:
                continue
            marks = ", ".join("?" * len(values[0]))
            db.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", values)
    db.execute("ANALYZE")
    db.close()


def load_postgres(postgres, rows):
    for table, values in rows.items():
        if not values:
            continue
        text = "\n".join("\t".join("\\N" if value is None else str(value) for value in row) for row in values) + "\n"
        postgres.psql(f"\\copy {table} ({COLUMNS[table]}) FROM STDIN", database="hub", stdin=text)
    postgres.psql("ANALYZE", database="hub")


def recall_seconds(hub, lot, runs):
    times, body = [], None
    for _ in range(runs):
        connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=120)
        begin = time.perf_counter()
        connection.request("GET", f"/v1/recalls?item=STEEL&lot={lot}", headers={"Authorization": f"Bearer {hub.admin}"})
        response = connection.getresponse()
        answer = response.read()
        times.append(time.perf_counter() - begin)
        connection.close()
        if response.status != 200:
            raise SystemExit(f"the hub answered {response.status}: {answer[:300]!r}")
        body = json.loads(answer)
    return statistics.median(times), body


def reference_sqlite(path, lot, runs):
    db = sqlite3.connect(path)
    times, count = [], 0
    for _ in range(runs):
        begin = time.perf_counter()
        count = db.execute(WALK.format(lot=lot)).fetchone()[0]
        times.append(time.perf_counter() - begin)
    db.close()
    return statistics.median(times), count


def reference_postgres(postgres, lot, runs):
    times, count = [], 0
    for _ in range(runs):
        count = int(postgres.psql(WALK.format(lot=lot), database="hub").strip())
        analysed = postgres.psql("EXPLAIN (ANALYZE, FORMAT JSON) " + WALK.format(lot=lot), database="hub")
        times.append(json.loads(analysed)[0]["Execution Time"] / 1000)
    return statistics.median(times), count


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with a release gantry-hub")
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lot", default="S0500", help="the supplier lot recalled")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-bench-recall-")
    os.chmod(work, 0o755)
    print(f"recall: {args.links:,} genealogy links over three plants, recall of STEEL/{args.lot}, median of {args.runs}")
    rows = genealogy(args.links)
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
            for code in ("P00", "P01", "P02"):
                hub.enrol(code)
            begin = time.perf_counter()
            if backend == "sqlite":
                load_sqlite(f"{work}/hub.sqlite", rows)
            else:
                load_postgres(postgres, rows)
            print(f"  {backend:8s} loaded in {time.perf_counter() - begin:.1f} s")
            hub.start()
            hub_seconds, body = recall_seconds(hub, args.lot, args.runs)
            hub.stop()
            if backend == "sqlite":
                raw_seconds, count = reference_sqlite(f"{work}/hub.sqlite", args.lot, args.runs)
            else:
                raw_seconds, count = reference_postgres(postgres, args.lot, args.runs)
                postgres.stop()
                postgres = None
            if len(body["links"]) != count:
                raise SystemExit(f"{backend}: the hub's recall holds {len(body['links'])} links, the raw query {count}")
            results[backend] = hub_seconds
            print(f"  {backend:8s} GET /v1/recalls: {hub_seconds * 1000:8.1f} ms  ({count:,} links reached, "
                  f"{len(body['shipped']):,} pallets, {len(body['customers'])} customers)")
            print(f"  {backend:8s} raw recursive SQL: {raw_seconds * 1000:6.1f} ms  (same links, same run)")
        for backend, seconds in results.items():
            print(f"  {backend}: {'meets' if seconds < 1 else 'misses'} the < 1 s target")
    finally:
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
