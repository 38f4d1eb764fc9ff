#!/usr/bin/env python3
"""Gantry benchmark: the hub's ledger on PostgreSQL (issue "Consolidated accounting at the hub").

1. Catch-up ingest with postings on. Plants of one company with books (company, accounts, the mapping of every
   posting kind the backlog needs, twelve monthly fiscal periods, item costs, all sent through the hub's masters API)
   come back after a week offline and send their backlog through the real sync path, in large batches, one sender per
   plant at once. The backlog posts: purchase orders placed, receipts against their lines (a price off the standard
   now and then, so a purchase price variance), issues to work orders, outputs, moves into and out of quarantine and
   work orders completed. Printed: events/s with postings; the same backlog into a company without books (its company,
   accounts, mappings and item costs, but no fiscal period: the hub applies the events and holds each posting event
   `no-open-period`); and a raw `COPY` of the same event rows into a plain table of the events' shape on the same
   server in the same run. Target: with postings at least 0.5 x raw COPY. Two bounds are printed beside it: a COPY of
   the event, entry and line rows the hub wrote into empty copies of its own tables, and of the events and entries
   alone (no ingest that writes those rows can be faster than COPY writing them).
2. Trial balance and group consolidation over one year of 20 plants in 4 companies (two EUR, one PLN, one USD, one
   group in EUR) with 10 million journal lines by default. The lines are bulk-loaded with COPY into the hub's own
   journal_entries and journal_lines (balanced entries of the posting kinds, one a day and plant after another), and
   ledger_balances is then built from them with the same sums the hub keeps on apply (per company, period, account and
   transaction currency: functional debits and credits split by sign, and the transaction currency's), and so are the
   sums the consolidation reads (CONSOLIDATION_FROM_LINES, the SQL of the hub's migration 12); part 1 checks that this
   SQL gives exactly the balances and sums the hub kept itself. Then `GET /v1/ledger/trial-balance` (each company)
   and `GET /v1/groups/{group}/consolidation` over the whole year are timed, a few runs each, median, target < 100 ms,
   next to a plain `SELECT account, sum(functional_amount) FROM journal_lines ... GROUP BY account` over the same
   lines, timed in the same run.

Smaller sizes: `--events`, `--plants`, `--lines`, `--runs`; `--parts ingest` or `--parts reports` runs one part.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone

BOOKS, PLAIN = "BOOKS", "PLAIN"
RAW_ITEMS = [f"RAW{index:02d}" for index in range(1, 21)]
FINISHED = [f"FG{index:02d}" for index in range(1, 6)]
RAW_COST, FINISHED_COST = "1.25", "60.00"
# Accounts and the posting kinds they take (debit, credit) for every company the bench books.
ACCOUNTS = {
    "1400": ("Inventory", "asset"), "1410": ("Quarantined stock", "asset"), "1450": ("Finished goods", "asset"),
    "1500": ("Work in progress", "asset"), "2100": ("Goods received not invoiced", "liability"),
    "5100": ("Purchase price variance", "expense"), "5200": ("Inventory adjustment", "expense"),
    "5300": ("Scrap", "expense"), "5400": ("Production variance", "expense"),
}
MAPPINGS = {
    "receipt": ("1400", "2100"), "purchase-price-variance": ("5100", "2100"), "issue-to-production": ("1500", "1400"),
    "production-output": ("1450", "1500"), "quarantine": ("1410", "1400"), "inventory-adjustment": ("1400", "5200"),
    "scrap": ("5300", "1400"), "production-variance": ("5400", "1500"),
}
CYCLE_EVENTS = 15  # one purchase order, 5 receipts, 5 issues, 1 output, 2 quarantine moves, 1 completion
CYCLE_ENTRIES = 14
RUNNING = []  # hubs started, stopped on the way out whatever happens  # every event of a cycle but the order posts one entry


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


class Cluster:
    """A throwaway PostgreSQL cluster with its durable defaults (fsync, synchronous commit), never run as root."""

    def __init__(self, work):
        self.dir = f"{work}/pg"
        self.port = free_port()
        self.running = False
        os.makedirs(f"{self.dir}/data")
        self.owner = []
        if os.geteuid() == 0:
            for path in (work, self.dir, f"{self.dir}/data"):
                shutil.chown(path, "postgres")
            self.owner = ["runuser", "-u", "postgres", "--"]
        subprocess.run(self.owner + [pg_binary("initdb"), "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                       check=True, stdout=subprocess.DEVNULL)
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB "
                   f"-c max_wal_size=8GB -c checkpoint_timeout=30min")
        subprocess.run(self.owner + [pg_binary("pg_ctl"), "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w", "start",
                                     "-o", options], check=True, stdout=subprocess.DEVNULL)
        self.running = True

    def command(self, database):
        return [pg_binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                "-v", "ON_ERROR_STOP=1", "-qAt"]

    def sql(self, text, database, stdin=None):
        return subprocess.run(self.command(database) + ["-c", text], input=stdin, check=True, capture_output=True, text=True).stdout

    def timed(self, text, database):
        """The server's time for `text` in milliseconds, as psql's \\timing reports it (no process start counted)."""
        out = subprocess.run(self.command(database), input=f"\\timing on\n{text};\n", check=True, capture_output=True, text=True).stdout
        return float(re.findall(r"Time: ([0-9.]+) ms", out)[-1])

    def copy(self, table, database, rows):
        """Streams `rows` (an iterable of text lines) into `table` with COPY; returns the seconds it took."""
        begin = time.perf_counter()
        process = subprocess.Popen(self.command(database) + ["-c", f"\\copy {table} FROM STDIN"], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 20_000:
                process.stdin.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            process.stdin.write("\n".join(chunk) + "\n")
        process.stdin.close()
        error = process.stderr.read()
        if process.wait() != 0:
            raise SystemExit(f"COPY into {table} failed: {error}")
        return time.perf_counter() - begin

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def stop(self):
        if self.running:
            subprocess.run(self.owner + [pg_binary("pg_ctl"), "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                           check=False, stdout=subprocess.DEVNULL)
            self.running = False


class HubProcess:
    """A gantry-hub on one database of the cluster, with an administrator's token of every company."""

    def __init__(self, bin_dir, work, cluster, database):
        cluster.sql(f"CREATE DATABASE {database}", "postgres")
        self.bin = f"{bin_dir}/gantry-hub"
        self.config = f"{work}/{database}.conf"
        with open(self.config, "w") as f:
            f.write(f"store.url = {cluster.url(database)}\nhttp.port = 0\nhttp.public_url = http://127.0.0.1:8480\n"
                    "log.level = error\nsync.max_batch_events = 20000\nsync.max_batch_bytes = 64MiB\n")
        self.admin = self.cli("tokens", "add", "--name", "bench", "--companies", "*").strip()
        self.proc = None
        self.port = None

    def cli(self, *arguments):
        return subprocess.run([self.bin, *arguments, "--config", self.config], check=True, capture_output=True, text=True).stdout

    def enrol(self, company, code):
        out = self.cli("plants", "add", "--company", company, "--code", code, "--time-zone", "UTC")
        return next(line.split(" = ", 1)[1] for line in out.splitlines() if line.startswith("hub.token = "))

    def start(self):
        self.proc = subprocess.Popen([self.bin, "serve", "--config", self.config], stdout=subprocess.PIPE, text=True)
        RUNNING.append(self)
        self.port = int(self.proc.stdout.readline().rsplit(":", 1)[1])

    def request(self, method, path, body=None, token=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Authorization": f"Bearer {token or self.admin}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body, separators=(",", ":"))
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.status, response.read()
        connection.close()
        return answer

    def masters(self, records, summary, required=True):
        """Writes `records` as one change; a refusal ends the run, or when not `required` is returned as text."""
        status, answer = self.request("POST", "/v1/masters", {"summary": summary, "records": records})
        if status == 200:
            return None
        if required:
            raise SystemExit(f"the hub refused the masters ({summary}): {status} {answer[:2000]!r}")
        return f"{status} {answer[:400].decode(errors='replace')}"

    def applied(self):
        status, answer = self.request("GET", "/v1/reports/sync")
        return sum(plant["eventsReceived"] for plant in json.loads(answer)["plants"])

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=60)
            self.proc = None


def record(kind, key, data, company=None):
    return {"kind": kind, "company": company, "key": key, "active": True, "plants": [], "data": data}


def months(year):
    for month in range(1, 13):
        first = date(year, month, 1)
        last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
        yield f"{year}-{month:02d}", first, last


def book_records(company, currency, years):
    """A company's books: its record, chart, mappings, item costs and (unless `years` is empty) monthly periods."""
    records = [record("company", company, {"legalName": f"{company} bench", "currency": currency}, company)]
    records += [record("account", code, {"name": name, "type": kind}, company) for code, (name, kind) in ACCOUNTS.items()]
    records += [record("account-mapping", kind, {"debit": debit, "credit": credit}, company)
                for kind, (debit, credit) in MAPPINGS.items()]
    for items, cost in ((RAW_ITEMS, RAW_COST), (FINISHED, FINISHED_COST)):
        records += [record("item-cost", item, {"standardCost": {"amount": cost, "currency": currency}}, company) for item in items]
    for year in years:
        records += [record("fiscal-period", code, {"start": first.isoformat(), "end": last.isoformat(), "fiscalYear": f"FY{year}"}, company)
                    for code, first, last in months(year)]
    return records


def item_records():
    return [record("item", item, {"description": item, "uom": "EA", "tracking": "none"}) for item in RAW_ITEMS + FINISHED]


# Part 1: catch-up ingest

def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def move(number, kind, item, quantity, source=None, target=None, reference=None):
    payload = {"moveId": f"00000000-0000-4000-8000-{number:012x}", "kind": kind, "item": item, "quantity": str(quantity), "uom": "EA"}
    if source:
        payload["from"] = source
    if target:
        payload["to"] = target
    if reference:
        payload["reference"] = {"kind": reference[0], "id": reference[1]}
    return "StockMoved", payload


def cycle(plant_number, number, at):
    """One purchase-to-production cycle of a plant: 15 events, 14 of which post one entry each."""
    order, work_order = f"PO-{number}", f"WO-{number}"
    raws = [RAW_ITEMS[(number * 5 + index) % len(RAW_ITEMS)] for index in range(5)]
    finished = FINISHED[number % len(FINISHED)]
    # Prices 1.23 to 1.27 against a standard of 1.25: four receipts in five carry a price variance line.
    lines = [{"line": index + 1, "item": item, "quantity": "100", "tolerancePercent": "0", "due": at.date().isoformat(),
              "price": f"{1.25 + ((number + index) % 5 - 2) / 100:.2f}", "currency": "EUR"} for index, item in enumerate(raws)]
    events = [("PurchaseOrderPlaced", {"order": order, "supplier": "S1", "lines": lines})]
    base = plant_number * 1_000_000_000 + number * 100
    events += [move(base + index, "receipt", item, 100, target="RECV", reference=("purchase-order-line", f"{order}/{index + 1}"))
               for index, item in enumerate(raws)]
    events += [move(base + 10 + index, "issue", item, 100, source="STOCK", reference=("work-order", work_order))
               for index, item in enumerate(raws)]
    events.append(move(base + 20, "output", finished, 10, target="STOCK", reference=("work-order", work_order)))
    events.append(move(base + 21, "move", finished, 10, source="STOCK", target="QA"))
    events.append(move(base + 22, "move", finished, 10, source="QA", target="STOCK"))
    stamp_at = stamp(at)
    events.append(("WorkOrderCompleted", {
        "workOrder": work_order, "item": finished, "plannedQuantity": "10", "good": "10", "scrap": "0", "rework": "0",
        "plannedStart": stamp_at, "plannedFinish": stamp_at, "actualStart": stamp_at, "actualFinish": stamp_at}))
    return events


def plant_backlog(plant, plant_number, cycles, batch_size, start, span):
    """A plant's week offline: its locations, then `cycles` cycles, as sync batch bodies and as COPY rows."""
    events = [("LocationDefined", {"code": code, "type": kind, "warehouse": "W1", "active": True})
              for code, kind in (("RECV", "receiving"), ("STOCK", "storage"), ("QA", "quarantine"))]
    for number in range(1, cycles + 1):
        events += cycle(plant_number, number, start + timedelta(seconds=span * number / (cycles + 1)))
    count = len(events)
    bodies, rows = [], []
    for first in range(0, count, batch_size):
        envelopes = []
        for offset, (kind, payload) in enumerate(events[first:first + batch_size]):
            sequence = first + offset + 1
            at = stamp(start + timedelta(seconds=span * sequence / (count + 1)))
            event_id = f"{plant_number:08x}-0000-4000-8000-{sequence:012x}"
            envelopes.append({"sequence": sequence, "id": event_id, "type": kind, "schemaVersion": 1, "occurredAt": at,
                              "recordedAt": at, "payload": payload})
            rows.append("\t".join([plant, str(sequence), event_id, kind, "1", at, at, at,
                                   json.dumps(payload, separators=(",", ":"), sort_keys=True), "applied", "\\N"]))
        bodies.append(json.dumps({"plant": plant, "agentHead": count, "events": envelopes}, separators=(",", ":")).encode())
    return bodies, rows, count


def send(port, token, bodies, failures, retries):
    """Sends a plant's batches in order; a 503 (nothing acknowledged, retry later) is sent again after a pause, as the
    agent does, and counted."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in bodies:
        for attempt in range(100):
            connection.request("POST", "/v1/sync/batches", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 503:
                break
            retries.append(1)
            time.sleep(0.2)
        if response.status != 200:
            failures.append(f"{response.status}: {answer[:300]!r}")
            return
    connection.close()


# The balances as the hub keeps them on apply (LedgerWrite): per company, period, account and transaction currency,
# functional amounts >= 0 to debit and < 0 to credit, and likewise the transaction currency's amounts.
BALANCES_FROM_LINES = """
    SELECT l.company, e.period, l.account, e.transaction_currency AS currency,
           sum(CASE WHEN l.functional_amount >= 0 THEN l.functional_amount ELSE 0 END)::bigint AS debit,
           sum(CASE WHEN l.functional_amount < 0 THEN -l.functional_amount ELSE 0 END)::bigint AS credit,
           sum(CASE WHEN l.amount >= 0 THEN l.amount ELSE 0 END)::bigint AS transaction_debit,
           sum(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END)::bigint AS transaction_credit
    FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
    GROUP BY l.company, e.period, l.account, e.transaction_currency
"""


# The sums the group consolidation reads, as the hub keeps them on apply (LedgerConsolidationSums) and as its migration 12
# builds them from journal lines with this same SQL (ConsolidationBackfill): per table, its columns and its rows from the
# lines. Intercompany lines summed per company, period, trading partner, entry kind, account and item ('' for none), a
# sale's revenue lines taking the quantities of the cost-of-sales entry of the same event; the entries behind each sum;
# the first posting day per company and account; the net quantity per company, account, item and posting day.
CONSOLIDATION_FROM_LINES = [
    ("ledger_intercompany", "company, period, partner, kind, account, item, amount, quantity, quantity_lines, entries", """
        WITH ic AS (
            SELECT l.company, l.source_key, l.line_no, l.account, l.item, l.quantity, l.functional_amount, l.trading_partner,
                   e.period, e.kind, e.reference
            FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
            WHERE l.trading_partner IS NOT NULL),
        shipped AS (
            SELECT company, reference, item, -quantity AS quantity,
                   row_number() OVER (PARTITION BY company, reference, item ORDER BY source_key COLLATE "C", line_no) AS n
            FROM ic WHERE kind = 'intercompany-cost-of-sales' AND item IS NOT NULL AND quantity IS NOT NULL),
        sold AS (
            SELECT company, source_key, line_no, reference, item,
                   row_number() OVER (PARTITION BY company, reference, item ORDER BY source_key COLLATE "C", line_no) AS n
            FROM ic WHERE kind = 'intercompany-sale' AND item IS NOT NULL AND quantity IS NULL),
        counted AS (
            SELECT ic.company, ic.period, ic.trading_partner, ic.kind, ic.account, coalesce(ic.item, '') AS item, ic.source_key,
                   ic.functional_amount, coalesce(ic.quantity, s.quantity) AS quantity
            FROM ic LEFT JOIN sold ON sold.company = ic.company AND sold.source_key = ic.source_key AND sold.line_no = ic.line_no
                    LEFT JOIN shipped s ON s.company = sold.company AND s.reference = sold.reference AND s.item = sold.item AND s.n = sold.n)
        SELECT company, period, trading_partner, kind, account, item, sum(functional_amount)::bigint, coalesce(sum(quantity), 0)::bigint,
               count(quantity), count(DISTINCT source_key)
        FROM counted GROUP BY company, period, trading_partner, kind, account, item
    """),
    ("ledger_intercompany_entries", "company, partner, kind, account, item, period, source_key, posting_date", """
        SELECT DISTINCT l.company, l.trading_partner, e.kind, l.account, coalesce(l.item, ''), e.period, l.source_key, e.posting_date
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        WHERE l.trading_partner IS NOT NULL
    """),
    ("ledger_first_postings", "company, account, posting_date", """
        SELECT l.company, l.account, min(e.posting_date)
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        GROUP BY l.company, l.account
    """),
    ("ledger_stock", "company, account, item, posting_date, quantity", """
        SELECT l.company, l.account, l.item, e.posting_date, sum(l.quantity)::bigint
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        WHERE l.item IS NOT NULL AND l.quantity IS NOT NULL
        GROUP BY l.company, l.account, l.item, e.posting_date
    """),
]


def ingest(args, work, cluster, company, years, backlog_of, codes):
    """A fresh hub with `company`'s books (periods of `years`), its plants' backlogs sent at once: (events/s, hub)."""
    database = company.lower()
    hub = HubProcess(args.bin, work, cluster, database)
    tokens = {code: hub.enrol(company, code) for code in codes}
    hub.start()
    hub.masters(item_records() + book_records(company, "EUR", years), f"books of {company}")
    backlogs = {code: backlog_of(f"{company}-{code}", number) for number, code in enumerate(codes)}
    total = sum(backlog[2] for backlog in backlogs.values())
    failures, retries = [], []
    threads = [threading.Thread(target=send, args=(hub.port, tokens[code], backlogs[code][0], failures, retries)) for code in codes]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    if failures:
        raise SystemExit(f"the hub refused a batch: {failures[0]}")
    applied = hub.applied()
    hub.stop()
    if applied != total:
        raise SystemExit(f"{company}: the hub applied {applied} events of {total}")
    if retries:
        print(f"   ({company}: {len(retries)} batches answered 503 store-unavailable and were sent again, as an agent does)")
    return total, elapsed, backlogs


def copy_written_rows(cluster, database):
    """Bounds on ingest with postings: the rows the hub wrote one or more per event (the events, the journal entries
    and their lines) copied out, then timed as a COPY into empty copies of the same tables, with the same keys and
    indexes, one table after another as the hub writes them. Returns {table: (seconds, rows)}."""
    timed = {}
    for table in ("events", "journal_entries", "journal_lines"):
        dump = subprocess.run(cluster.command(database) + ["-c", f"\\copy (SELECT * FROM {table}) TO STDOUT"],
                              check=True, capture_output=True, text=True).stdout
        cluster.sql(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)", database)
        lines = dump.splitlines()
        timed[table] = (cluster.copy(f"floor_{table}", database, iter(lines)), len(lines))
    return timed


def part_ingest(args, work, cluster):
    per_plant_cycles = max(1, (args.events // args.plants - 3) // CYCLE_EVENTS)
    codes = [f"P{index:02d}" for index in range(args.plants)]
    start = datetime.now(timezone.utc) - timedelta(days=8)
    span = timedelta(days=7).total_seconds()
    years = sorted({start.year, (start + timedelta(days=8)).year})

    def backlog_of(plant, plant_number):
        return plant_backlog(plant, plant_number, per_plant_cycles, args.batch, start, span)

    events = args.plants * (3 + per_plant_cycles * CYCLE_EVENTS)
    print(f"1. catch-up ingest with postings: {events:,} events from {args.plants} plants, {args.batch:,} per batch, "
          f"{args.plants} senders at once, PostgreSQL")
    total, elapsed, backlogs = ingest(args, work, cluster, BOOKS, years, backlog_of, codes)
    with_books = total / elapsed
    entries = int(cluster.sql(f"SELECT count(*) FROM journal_entries WHERE company = '{BOOKS}'", "books"))
    lines = int(cluster.sql(f"SELECT count(*) FROM journal_lines WHERE company = '{BOOKS}'", "books"))
    held = cluster.sql("SELECT count(*) || coalesce(' (first: ' || min(code || ': ' || detail) || ')', '') FROM ledger_held", "books").strip()
    expected = args.plants * per_plant_cycles * CYCLE_ENTRIES
    print(f"   with books:    {with_books:>10,.0f} events/s ({elapsed:.1f} s; {entries:,} entries of {lines:,} lines posted, "
          f"{held} held)")
    if entries != expected or not held.startswith("0"):
        raise SystemExit(f"   expected {expected:,} entries (14 a cycle of 15 events) and none held")
    # The bulk load of part 2 builds ledger_balances with BALANCES_FROM_LINES: here it must give what the hub kept.
    differences = cluster.sql(f"""
        SELECT count(*) FROM ((SELECT * FROM ({BALANCES_FROM_LINES}) b EXCEPT
                               SELECT company, period, account, currency, debit, credit, transaction_debit, transaction_credit
                               FROM ledger_balances)
                              UNION ALL
                              (SELECT company, period, account, currency, debit, credit, transaction_debit, transaction_credit
                               FROM ledger_balances EXCEPT SELECT * FROM ({BALANCES_FROM_LINES}) b)) d
        """, "books").strip()
    if differences != "0":
        raise SystemExit(f"   the balances rebuilt from the lines differ from those the hub kept in {differences} rows")
    print("   the balances the hub kept equal those rebuilt from its journal lines (the bulk load of part 2 builds them so)")
    for table, columns, from_lines in CONSOLIDATION_FROM_LINES:
        differences = cluster.sql(f"""
            SELECT count(*) FROM ((SELECT * FROM ({from_lines}) b EXCEPT SELECT {columns} FROM {table})
                                  UNION ALL
                                  (SELECT {columns} FROM {table} EXCEPT SELECT * FROM ({from_lines}) b)) d
            """, "books").strip()
        kept = cluster.sql(f"SELECT count(*) FROM {table}", "books").strip()
        if differences != "0":
            raise SystemExit(f"   {table} rebuilt from the lines differs from what the hub kept in {differences} rows")
        print(f"   {table} ({kept} rows) the hub kept equals what its journal lines give (part 2 builds it so)")

    total, elapsed, _ = ingest(args, work, cluster, PLAIN, [], backlog_of, codes)
    without_books = total / elapsed
    held = int(cluster.sql("SELECT count(*) FROM ledger_held", "plain"))
    posted = int(cluster.sql("SELECT count(*) FROM journal_entries", "plain"))
    # A company without a fiscal calendar keeps no books at the hub: its events post nothing and hold nothing.
    if held != 0 or posted != 0:
        raise SystemExit(f"   without books: expected no entry and nothing held, got {posted:,} and {held:,}")
    print(f"   without books: {without_books:>10,.0f} events/s ({elapsed:.1f} s; nothing posted, nothing held)")

    cluster.sql("""
        CREATE TABLE raw_events (plant_id text NOT NULL, seq bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL,
            schema_version integer NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL, payload jsonb NOT NULL, status text NOT NULL, status_reason text,
            PRIMARY KEY (plant_id, seq))
        """, "books")
    rows = (row for code in codes for row in backlogs[code][1])
    seconds = cluster.copy("raw_events", "books", rows)
    raw = total / seconds
    print(f"   raw COPY:      {raw:>10,.0f} rows/s ({seconds:.1f} s, the same event rows into a plain table, same server)")
    timed = copy_written_rows(cluster, "books")
    written = total / sum(seconds for seconds, _ in timed.values())
    least = total / (timed["events"][0] + timed["journal_entries"][0])
    print(f"   COPY of what posting writes: {written:>7,.0f} events/s (the {sum(rows for _, rows in timed.values()):,} event, entry "
          f"and line rows the hub wrote, into empty copies of its tables with their keys and indexes)")
    print(f"   COPY of events and entries:  {least:>7,.0f} events/s (without the lines: the least a ledger of one entry per "
          f"posting event writes)")
    ratio = with_books / raw
    print(f"   ratio with postings / raw COPY: {ratio:.2f} (target >= 0.5: {'met' if ratio >= 0.5 else 'missed'}); "
          f"without books / raw COPY: {without_books / raw:.2f}")
    print(f"   bounds / raw COPY: what posting writes {written / raw:.2f}, events and entries alone {least / raw:.2f} "
          f"(no ingest writing those rows goes faster than COPY writes them)")
    for database in ("books", "plain"):
        cluster.sql(f"DROP DATABASE {database}", "postgres")


# Part 2: trial balance and consolidation over a year

COMPANIES = [("BDE", "EUR"), ("BFR", "EUR"), ("BPL", "PLN"), ("BUS", "USD")]
GROUP = "BGRP"
# Rates into EUR, moving a little from day to day.
BASE_RATES = {"PLN": 0.2300, "USD": 0.9200}


def daily_rate(currency, day_number):
    return BASE_RATES[currency] * (1 + ((day_number * 7) % 41 - 20) / 2000)


def rate_records(year):
    """Daily rates of every day into EUR, the closing rate of every month end, and average rates over each month and
    over the year. A rate's key is FROM.TO.KIND.ON, so January's average (on the year's first day too) is given the
    other way round, EUR into the currency: the inverse pair serves as well."""
    records = []
    first_day = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first_day).days
    for currency in BASE_RATES:
        for number in range(days):
            day = (first_day + timedelta(days=number)).isoformat()
            records.append(record("exchange-rate", f"{currency}.EUR.daily.{day}", {
                "from": currency, "to": "EUR", "kind": "daily", "on": day, "rate": f"{daily_rate(currency, number):.6f}", "source": "BENCH"}))
        spans = [(first, last) for _, first, last in months(year)] + [(first_day, date(year, 12, 31))]
        for first, last in spans:
            numbers = range((first - first_day).days, (last - first_day).days + 1)
            average = sum(daily_rate(currency, n) for n in numbers) / len(numbers)
            pair, rate = (("EUR", currency), 1 / average) if first == first_day and last.month == 1 else ((currency, "EUR"), average)
            records.append(record("exchange-rate", f"{pair[0]}.{pair[1]}.average.{first.isoformat()}", {
                "from": pair[0], "to": pair[1], "kind": "average", "on": first.isoformat(), "through": last.isoformat(),
                "rate": f"{rate:.6f}", "source": "BENCH"}))
        for _, _, last in months(year):
            records.append(record("exchange-rate", f"{currency}.EUR.closing.{last.isoformat()}", {
                "from": currency, "to": "EUR", "kind": "closing", "on": last.isoformat(),
                "rate": f"{daily_rate(currency, (last - first_day).days):.6f}", "source": "BENCH"}))
    return records


def ledger_rows(plants, lines_wanted, year):
    """Balanced entries of a year, plant after plant and day after day: (entry rows, line rows) generators over the
    same sequence. Three entries in four have two lines, the fourth (a receipt off standard) three: 2.25 a line."""
    per_plant = -(-lines_wanted * 4 // 9 // len(plants))  # entries per plant, rounded up: 9 lines every 4 entries
    per_plant = -(-per_plant // 4) * 4
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    kinds = [("receipt", "1400", "2100"), ("issue-to-production", "1500", "1400"), ("production-output", "1450", "1500"),
             ("receipt", "1400", "2100")]
    posted_at = f"{year + 1}-01-02 00:00:00+00"

    def entry(plant_index, number):
        plant, company, currency = plants[plant_index]
        day = date(year, 1, 1) + timedelta(days=number * days // per_plant)
        key = f"event:{plant_index:08x}-0000-4000-8000-{number:012x}:0"
        kind, debit, credit = kinds[number % 4]
        amount = 100 + (number * 37) % 9_900
        return plant, company, currency, day, key, kind, debit, credit, amount

    def entries():
        for plant_index in range(len(plants)):
            for number in range(per_plant):
                plant, company, currency, day, key, kind, _, _, _ = entry(plant_index, number)
                yield "\t".join([company, key, "event", key[6:-2], plant, str(number + 1), kind, day.isoformat(), f"{day:%Y-%m}",
                                 "\\N", "\\N", currency, currency, posted_at])

    def lines():
        for plant_index in range(len(plants)):
            for number in range(per_plant):
                plant, company, currency, day, key, kind, debit, credit, amount = entry(plant_index, number)
                item = RAW_ITEMS[number % len(RAW_ITEMS)]
                if number % 4 == 3:
                    variance = 1 + number % 7
                    rows = [(debit, amount, item, "100000000"), (credit, -amount - variance, "\\N", "\\N"), ("5100", variance, "\\N", "\\N")]
                else:
                    rows = [(debit, amount, item, "100000000"), (credit, -amount, item if kind != "receipt" else "\\N",
                                                                  "-100000000" if kind != "receipt" else "\\N")]
                for line_no, (account, value, line_item, quantity) in enumerate(rows, start=1):
                    yield "\t".join([company, key, str(line_no), account, str(value), str(value), line_item, quantity, "\\N", "\\N"])

    return per_plant * len(plants), per_plant * len(plants) * 9 // 4, entries, lines


# Intercompany transfers of the year (part 2): each day each EUR company ships finished goods to a subsidiary in another
# currency at a markup, as the hub posts them (the seller's intercompany cost of sales and sale, the buyer's purchase
# into transit, every line naming the other company), so the consolidation has receivables, payables, sales and
# unrealised profit in stock still in transit to eliminate. Few lines against the year's millions, as in a real group.
IC_PAIRS = [("BDE", "BPL", "PLN"), ("BFR", "BUS", "USD")]
IC_ACCOUNTS = {
    "1200": ("Intercompany receivables", "asset"), "1430": ("Inventory in transit", "asset"),
    "2200": ("Intercompany payables", "liability"), "4100": ("Intercompany revenue", "revenue"),
    "5000": ("Cost of sales", "expense"), "5500": ("Intercompany cost of sales", "expense"),
}
IC_MAPPINGS = {
    "intercompany-cost-of-sales": ("5500", "1450"), "intercompany-sale": ("1200", "4100"), "intercompany-purchase": ("1430", "2200"),
    "transit-receipt": ("1450", "1430"), "cost-of-sales": ("5000", "1450"),
}
IC_COST, IC_PRICE = 6000, 7500  # EUR cents a unit: standard cost and transfer price


def intercompany_records(company):
    return ([record("account", code, {"name": name, "type": kind}, company) for code, (name, kind) in IC_ACCOUNTS.items()]
            + [record("account-mapping", kind, {"debit": debit, "credit": credit}, company)
               for kind, (debit, credit) in IC_MAPPINGS.items()])


def intercompany_rows(year):
    """(entries, lines, entry rows, line rows) of the year's transfers: three entries of two lines each per transfer."""
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    posted_at = f"{year + 1}-01-02 00:00:00+00"

    def transfers():
        for number in range(days):
            day = date(year, 1, 1) + timedelta(days=number)
            for pair, (seller, buyer, currency) in enumerate(IC_PAIRS):
                reference = f"{0xFF:08x}-0000-4000-8000-{number * len(IC_PAIRS) + pair:012x}"
                units = 1 + number % 5
                item = FINISHED[number % len(FINISHED)]
                cost, sale = units * IC_COST, units * IC_PRICE
                bought = round(sale / daily_rate(currency, number))  # EUR into the buyer's currency at the day's rate
                yield day, reference, seller, buyer, currency, item, units * 1_000_000, cost, sale, bought

    def entries():
        for day, reference, seller, buyer, currency, _, _, _, _, _ in transfers():
            for part, (company, kind, functional) in enumerate([(seller, "intercompany-cost-of-sales", "EUR"),
                                                                (seller, "intercompany-sale", "EUR"),
                                                                (buyer, "intercompany-purchase", currency)]):
                key = f"event:{reference}:{part}"
                yield "\t".join([company, key, "event", reference, "\\N", "\\N", kind, day.isoformat(), f"{day:%Y-%m}",
                                 "\\N", "\\N", "EUR", functional, posted_at])

    def lines():
        for _, reference, seller, buyer, _, item, quantity, cost, sale, bought in transfers():
            rows = [(seller, 0, [("5500", cost, cost, item, "\\N"), ("1450", -cost, -cost, item, str(-quantity))], buyer),
                    (seller, 1, [("1200", sale, sale, "\\N", "\\N"), ("4100", -sale, -sale, item, "\\N")], buyer),
                    (buyer, 2, [("1430", sale, bought, item, str(quantity)), ("2200", -sale, -bought, "\\N", "\\N")], seller)]
            for company, part, entry_lines, partner in rows:
                for line_no, (account, amount, functional, line_item, line_quantity) in enumerate(entry_lines, start=1):
                    yield "\t".join([company, f"event:{reference}:{part}", str(line_no), account, str(amount), str(functional),
                                     line_item, line_quantity, partner, "\\N"])

    count = days * len(IC_PAIRS) * 3
    return count, count * 2, entries, lines


def median_ms(measure, runs):
    return statistics.median(measure() for _ in range(runs))


def timed_get(hub, path):
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=600)
    headers = {"Authorization": f"Bearer {hub.admin}"}
    connection.request("GET", path, headers=headers)  # a warm connection, as a client polling a report keeps one
    first = connection.getresponse()
    body = first.read()
    if first.status != 200:
        connection.close()
        return first.status, body, None

    def once():
        begin = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status} on a later run")
        return (time.perf_counter() - begin) * 1000
    return 200, body, once


def part_reports(args, work, cluster):
    year = datetime.now(timezone.utc).year - 1
    plants = [(f"{company}-P{index:02d}", company, currency)
              for index in range(args.ledger_plants) for company, currency in [COMPANIES[index % len(COMPANIES)]]]
    entries_count, lines_count, entries, lines = ledger_rows(plants, args.lines, year)
    ic_entries_count, ic_lines_count, ic_entries, ic_lines = intercompany_rows(year)
    entries_count, lines_count = entries_count + ic_entries_count, lines_count + ic_lines_count
    print(f"2. reports over one year ({year}) of {len(plants)} plants in {len(COMPANIES)} companies "
          f"({', '.join(f'{c} {k}' for c, k in COMPANIES)}), group {GROUP} in EUR: {lines_count:,} journal lines in "
          f"{entries_count:,} entries, PostgreSQL")
    hub = HubProcess(args.bin, work, cluster, "ledger")
    for plant, company, _ in plants:
        hub.enrol(company, plant.split("-", 1)[1])
    hub.start()
    records = item_records()
    for company, currency in COMPANIES:
        records += book_records(company, currency, [year]) + intercompany_records(company)
    records += rate_records(year)
    hub.masters(records, "books of the companies")
    group = record("group", GROUP, {"name": "Bench group", "presentationCurrency": "EUR", "parent": COMPANIES[0][0],
                                    "members": [{"company": c, "ownershipPercent": "100"} for c, _ in COMPANIES]})
    group_refused = hub.masters([group], "the group", required=False)
    print("   generated: bulk-loaded with COPY into the hub's journal_entries and journal_lines (its own tables and indexes),")
    print("   ledger_balances and the consolidation's sums built from them as the hub keeps them on apply (checked against the hub")
    print("   in part 1)")
    seconds = cluster.copy("journal_entries", "ledger", entries())
    seconds += cluster.copy("journal_lines", "ledger", lines())
    seconds += cluster.copy("journal_entries", "ledger", ic_entries())
    seconds += cluster.copy("journal_lines", "ledger", ic_lines())
    begin = time.perf_counter()
    cluster.sql(f"""
        INSERT INTO ledger_balances (company, period, account, currency, debit, credit, transaction_debit, transaction_credit)
        {BALANCES_FROM_LINES}
        ON CONFLICT (company, period, account, currency) DO UPDATE SET
            debit = ledger_balances.debit + excluded.debit, credit = ledger_balances.credit + excluded.credit,
            transaction_debit = ledger_balances.transaction_debit + excluded.transaction_debit,
            transaction_credit = ledger_balances.transaction_credit + excluded.transaction_credit
        """, "ledger")
    for table, columns, from_lines in CONSOLIDATION_FROM_LINES:
        cluster.sql(f"INSERT INTO {table} ({columns}) {from_lines}", "ledger")
    for table in ["journal_entries", "journal_lines", "ledger_balances"] + [table for table, _, _ in CONSOLIDATION_FROM_LINES]:
        cluster.sql(f"VACUUM ANALYZE {table}", "ledger")
    loaded = int(cluster.sql("SELECT count(*) FROM journal_lines", "ledger"))
    print(f"   loaded {loaded:,} lines in {seconds:.0f} s, balances and sums built and analysed in {time.perf_counter() - begin:.0f} s")

    print(f"   median of {args.runs} runs each (HTTP over a kept connection; SQL as psql's \\timing reports it):")
    for company, _ in COMPANIES:
        path = f"/v1/ledger/trial-balance?company={company}&from={year}-01&to={year}-12"
        status, body, once = timed_get(hub, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
        answer = json.loads(body)
        served = median_ms(once, args.runs)
        plain = f"SELECT account, sum(functional_amount) FROM journal_lines WHERE company = '{company}' GROUP BY account"
        scanned = median_ms(lambda: cluster.timed(plain, "ledger"), args.runs)
        sums = {account: int(total) for account, total in (row.split("|") for row in cluster.sql(plain, "ledger").split())}
        balances = {line["account"]: line["balance"] for line in answer["lines"]}
        count = int(cluster.sql(f"SELECT count(*) FROM journal_lines WHERE company = '{company}'", "ledger"))
        verdict = "met" if served < 100 else "missed"
        print(f"   trial balance {company} {year}-01..{year}-12: {served:7.1f} ms (target < 100: {verdict}); "
              f"plain SELECT … GROUP BY account over its {count:,} lines: {scanned:8.1f} ms")
        if {a: v for a, v in balances.items() if v} != {a: v for a, v in sums.items() if v}:
            raise SystemExit(f"   the trial balance of {company} is not the sum of its lines: {balances} against {sums}")

    path = f"/v1/groups/{GROUP}/consolidation?from={year}-01&to={year}-12"
    status, body, once = (0, f"the group master was refused: {group_refused}".encode(), None) if group_refused else timed_get(hub, path)
    everything = "SELECT account, sum(functional_amount) FROM journal_lines GROUP BY account"
    scanned = median_ms(lambda: cluster.timed(everything, "ledger"), args.runs)
    if status == 200:
        served = median_ms(once, args.runs)
        verdict = "met" if served < 100 else "missed"
        print(f"   consolidation {GROUP} {year}-01..{year}-12: {served:7.1f} ms (target < 100: {verdict}); "
              f"plain SELECT … GROUP BY account over all {loaded:,} lines: {scanned:8.1f} ms")
        answer = json.loads(body)
        kinds = {}
        for elimination in answer["eliminations"]:
            kinds[elimination["kind"]] = kinds.get(elimination["kind"], 0) + 1
        sheet = answer["balanceSheet"]
        totals = [sum(line["total"] for line in sheet[part]) for part in ("assets", "liabilities", "equity")]
        balanced = totals[0] == totals[1] + totals[2] + sheet["currentYearEarnings"]
        print(f"   (its answer: {len(answer['members'])} members, {len(answer['intercompanyLines'])} intercompany lines, eliminations "
              f"{', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}; balance sheet balanced: {balanced})")
    else:
        # LEAD: not measured on this build (no consolidation route, or the group master refused): run it again on
        # a build that has both; the line below says which.
        why = body[:600].decode(errors="replace")
        print(f"   consolidation {GROUP}: NOT MEASURED on this build ({why if not status else f'GET {path} answered {status}: {why}'})")
        print(f"   plain SELECT … GROUP BY account over all {loaded:,} lines: {scanned:8.1f} ms")
    hub.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with a gantry-hub (release for the figures)")
    parser.add_argument("--events", type=int, default=1_000_000, help="part 1: events in all, spread over the plants")
    parser.add_argument("--plants", type=int, default=10, help="part 1: plants sending at once")
    parser.add_argument("--batch", type=int, default=5000, help="part 1: events per sync batch")
    parser.add_argument("--lines", type=int, default=10_000_000, help="part 2: journal lines of the year, at least")
    parser.add_argument("--ledger-plants", type=int, default=20, help="part 2: plants, spread over the 4 companies")
    parser.add_argument("--runs", type=int, default=5, help="part 2: runs of each timing, the median printed")
    parser.add_argument("--parts", default="ingest,reports")
    args = parser.parse_args()

    # A stop by signal (SIGTERM from a CI runner, a closed terminal) still stops the hubs and the cluster below.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, _frame: sys.exit(128 + number))
    work = tempfile.mkdtemp(prefix="gantry-bench-ledger-")
    os.chmod(work, 0o755)
    cluster = None
    try:
        cluster = Cluster(work)
        parts = args.parts.split(",")
        if "ingest" in parts:
            part_ingest(args, work, cluster)
        if "reports" in parts:
            part_reports(args, work, cluster)
    finally:
        for hub in RUNNING:
            hub.stop()
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
