#!/usr/bin/env python3
"""Gantry benchmark: a year of KPI rollups for 20 plants x 30 machines, queried at the hub on SQLite and PostgreSQL.

The hub's rollup tables are filled straight from SQL in each database (hour rows, their day and month rows and the line day rows as the
writers keep them, downtime rows and heads: each machine runs 50 minutes of every hour, 870 good and 30 scrap against
a planned run time of 2,700 s, and jams for 10 minutes), next to the raw state changes they summarise (two per machine
and hour, 10.5 million for a year). Then, through the real HTTP API of a release gantry-hub, the median of several
runs of: the group's OEE for the year (`GET /v1/kpis?level=company`), and the drill-down to one plant's machines
(`level=machine&plant=…`). The reference in the same run is a plain SQL aggregate over the raw intervals (each
state's duration to the next change, summed per company). Target (issue 20): each query under 100 ms on both backends.

Then the dashboard pages under load: `wrk` (Debian's) with 20 concurrent viewers, signed in with one session cookie,
on the group overview and one plant's page for a month of the same data (`window=month`, a trend of 30 days), p50
and p99 from wrk's own latency record (a Lua `done` hook), against the 200 ms target; the reference in the same run
is the sign-in form, a page the hub renders from its template without reading the database. A hub without month
rows (an older build) is measured the same way: the month rows are loaded only where their table exists.
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
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_hub import Hub, Postgres  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The raw reference: every state's duration to the machine's next change, running time summed per company.
RAW_SQLITE = """
SELECT sum(CASE WHEN state = 'running' THEN seconds ELSE 0 END) FROM (
  SELECT state, unixepoch(lead(at) OVER (PARTITION BY plant_id, line, machine ORDER BY at)) - unixepoch(at) AS seconds
  FROM machine_states)
"""
RAW_POSTGRES = """
SELECT sum(CASE WHEN state = 'running' THEN seconds ELSE 0 END)::bigint FROM (
  SELECT state, extract(epoch FROM lead(at) OVER (PARTITION BY plant_id, line, machine ORDER BY at) - at) AS seconds
  FROM machine_states) AS intervals
"""

# The line day rows as the writers keep them (a line's machine days summed per day), the same on both databases;
# loaded only where their table exists.
LINE_DAYS = """INSERT INTO kpi_line_days SELECT company, plant_id, line, day, sum(running_us), sum(setup_us), sum(idle_us),
    sum(down_us), sum(planned_stop_us), sum(unknown_us), sum(planned_run_time), sum(good), sum(scrap), sum(rework), sum(unrated)
    FROM kpi_machine_days GROUP BY company, plant_id, line, day"""
LINE_DOWNTIME_DAYS = """INSERT INTO kpi_line_downtime_days SELECT company, plant_id, line, day, reason, sum(down_us), sum(stops)
    FROM kpi_downtime_days GROUP BY company, plant_id, line, day, reason"""


def machines(plants):
    for p in range(1, plants + 1):
        for m in range(30):
            yield (f"BENCH-P{p:02d}", f"L{m // 10 + 1}", f"M{m % 10 + 1:02d}")


def load_sqlite(path, plants, hours):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TEMP TABLE bench_machines (plant_id TEXT, line TEXT, machine TEXT)")
    db.executemany("INSERT INTO bench_machines VALUES (?, ?, ?)", list(machines(plants)))
    db.execute(f"CREATE TEMP TABLE bench_hours AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {hours - 1}) "
               "SELECT i FROM n")
    hour = "strftime('%Y-%m-%dT%H:00:00.000000Z', '2026-01-01T00:00:00', '+' || i || ' hours')"
    at = "strftime('%Y-%m-%dT%H:%M:00.000000Z', '2026-01-01T00:00:00', '+' || (i * 60 + {minute}) || ' minutes')"
    db.execute(f"""INSERT INTO kpi_machine_hours SELECT 'BENCH', plant_id, line, machine, {hour}, 3000000000, 0, 0, 600000000, 0, 0,
                   '2700', 870000000, 30000000, 0, 0 FROM bench_machines, bench_hours""")
    db.execute(f"""INSERT INTO kpi_downtime_hours SELECT 'BENCH', plant_id, line, machine, {hour}, 'JAM', 600000000, 1
                   FROM bench_machines, bench_hours""")
    db.execute("""INSERT INTO kpi_machine_days SELECT company, plant_id, line, machine, substr(hour, 1, 10) || 'T00:00:00.000000Z',
                  sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us),
                  sum(CAST(planned_run_time AS REAL)), sum(good), sum(scrap), sum(rework), sum(unrated)
                  FROM kpi_machine_hours GROUP BY company, plant_id, line, machine, substr(hour, 1, 10)""")
    db.execute("""INSERT INTO kpi_downtime_days SELECT company, plant_id, line, machine, substr(hour, 1, 10) || 'T00:00:00.000000Z',
                  reason, sum(down_us), sum(stops) FROM kpi_downtime_hours
                  GROUP BY company, plant_id, line, machine, substr(hour, 1, 10), reason""")
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'kpi_machine_months'").fetchone()[0]:
        month = "substr(day, 1, 7) || '-01T00:00:00.000000Z'"
        db.execute(f"""INSERT INTO kpi_machine_months SELECT company, plant_id, line, machine, {month}, sum(running_us),
                      sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us), sum(planned_run_time),
                      sum(good), sum(scrap), sum(rework), sum(unrated) FROM kpi_machine_days
                      GROUP BY company, plant_id, line, machine, {month}""")
        db.execute(f"""INSERT INTO kpi_downtime_months SELECT company, plant_id, line, machine, {month}, reason, sum(down_us),
                      sum(stops) FROM kpi_downtime_days GROUP BY company, plant_id, line, machine, {month}, reason""")
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'kpi_line_days'").fetchone()[0]:
        db.execute(LINE_DAYS)
        db.execute(LINE_DOWNTIME_DAYS)
    end = (START + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    db.execute("INSERT INTO kpi_machine_heads SELECT 'BENCH', plant_id, line, machine, ?, 'running', NULL FROM bench_machines", (end,))
    for minute, state in ((0, "running"), (50, "down")):
        db.execute(f"""INSERT INTO machine_states (plant_id, line, machine, at, state, reason)
                       SELECT plant_id, line, machine, {at.format(minute=minute)}, '{state}', {"'JAM'" if state == "down" else "NULL"}
                       FROM bench_machines, bench_hours""")
    db.execute("INSERT INTO machine_states (plant_id, line, machine, at, state, reason) SELECT plant_id, line, machine, ?, 'unknown', NULL FROM bench_machines", (end,))
    db.commit()
    db.execute("ANALYZE")
    db.close()


def load_postgres(postgres, plants, hours):
    values = ",".join(f"('{p}','{l}','{m}')" for p, l, m in machines(plants))
    end = (START + timedelta(hours=hours)).isoformat()
    postgres.psql(f"""
        CREATE TEMP TABLE bench_machines (plant_id text, line text, machine text);
        INSERT INTO bench_machines VALUES {values};
        CREATE TEMP TABLE bench_hours AS SELECT timestamptz '2026-01-01T00:00:00Z' + make_interval(hours => i) AS hour
            FROM generate_series(0, {hours - 1}) AS i;
        INSERT INTO kpi_machine_hours SELECT 'BENCH', plant_id, line, machine, hour, 3000000000, 0, 0, 600000000, 0, 0,
            '2700', 870000000, 30000000, 0, 0 FROM bench_machines, bench_hours;
        INSERT INTO kpi_downtime_hours SELECT 'BENCH', plant_id, line, machine, hour, 'JAM', 600000000, 1 FROM bench_machines, bench_hours;
        INSERT INTO kpi_machine_days SELECT company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), sum(running_us),
            sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us), sum(planned_run_time::numeric),
            sum(good), sum(scrap), sum(rework), sum(unrated) FROM kpi_machine_hours
            GROUP BY company, plant_id, line, machine, date_trunc('day', hour, 'UTC');
        INSERT INTO kpi_downtime_days SELECT company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), reason, sum(down_us),
            sum(stops) FROM kpi_downtime_hours GROUP BY company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), reason;
        DO $$ BEGIN
            IF to_regclass('kpi_machine_months') IS NOT NULL THEN
                INSERT INTO kpi_machine_months SELECT company, plant_id, line, machine, date_trunc('month', day, 'UTC'),
                    sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us),
                    sum(planned_run_time), sum(good), sum(scrap), sum(rework), sum(unrated) FROM kpi_machine_days
                    GROUP BY company, plant_id, line, machine, date_trunc('month', day, 'UTC');
                INSERT INTO kpi_downtime_months SELECT company, plant_id, line, machine, date_trunc('month', day, 'UTC'), reason,
                    sum(down_us), sum(stops) FROM kpi_downtime_days
                    GROUP BY company, plant_id, line, machine, date_trunc('month', day, 'UTC'), reason;
            END IF;
            IF to_regclass('kpi_line_days') IS NOT NULL THEN
                {LINE_DAYS};
                {LINE_DOWNTIME_DAYS};
            END IF;
        END $$;
        INSERT INTO kpi_machine_heads SELECT 'BENCH', plant_id, line, machine, '{end}', 'running', NULL FROM bench_machines;
        INSERT INTO machine_states (plant_id, line, machine, at, state, reason)
            SELECT plant_id, line, machine, hour, 'running', NULL FROM bench_machines, bench_hours
            UNION ALL SELECT plant_id, line, machine, hour + interval '50 minutes', 'down', 'JAM' FROM bench_machines, bench_hours
            UNION ALL SELECT plant_id, line, machine, '{end}', 'unknown', NULL FROM bench_machines;
        """, database="hub")
    # What autovacuum does to rows loaded long ago: statistics, and the visibility map that lets a read be answered
    # from an index alone (VACUUM runs outside a transaction, so on its own).
    postgres.psql("VACUUM ANALYZE", database="hub")


def timed_get(hub, path, runs):
    times, body = [], None
    for _ in range(runs):
        connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=120)
        begin = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Bearer {hub.admin}"})
        response = connection.getresponse()
        answer = response.read()
        times.append(time.perf_counter() - begin)
        connection.close()
        if response.status != 200:
            raise SystemExit(f"the hub answered {response.status} to {path}: {answer[:300]!r}")
        body = json.loads(answer)
    return statistics.median(times), body


def reference(backend, work, postgres, runs):
    times, running = [], 0
    for _ in range(runs):
        if backend == "sqlite":
            db = sqlite3.connect(f"{work}/hub.sqlite")
            begin = time.perf_counter()
            running = db.execute(RAW_SQLITE).fetchone()[0]
            times.append(time.perf_counter() - begin)
            db.close()
        else:
            begin = time.perf_counter()
            running = float(postgres.psql(RAW_POSTGRES, database="hub").strip())
            times.append(time.perf_counter() - begin)
    return statistics.median(times), running


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRK %d %d %.3f %.3f\\n", summary.requests, failed, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def sign_in(hub):
    """A dashboard session for the bench's principal: the cookie the sign-in form sets."""
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
    connection.request("POST", "/dashboards/sign-in", body=f"token={hub.admin}",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie", "")
    connection.close()
    if response.status != 303 or "gantry_session=" not in cookie:
        raise SystemExit(f"dashboard sign-in answered {response.status}, cookie {cookie!r}")
    return cookie.split(";", 1)[0]


def page_alone(hub, path, cookie):
    """One viewer alone: the page's time in ms (it must answer 200 and name the bench's company)."""
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=600)
    begin = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - begin
    connection.close()
    if response.status != 200 or b"BENCH" not in body and "sign-in" not in path:
        raise SystemExit(f"the hub answered {response.status} to {path}: {body[:300]!r}")
    return seconds * 1000


def wrk(hub, path, cookie, work, seconds, viewers):
    """`wrk` with `viewers` connections for `seconds` on `path`: requests, failures, p50 and p99 in ms."""
    script = f"{work}/latency.lua"
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(viewers), "-d", f"{seconds}s", "--latency", "--timeout", "10s", "-s", script,
                          "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{hub.port}{path}"],
                         check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    requests, failed, p50, p99 = line.split()[1:]
    return int(requests), int(failed), float(p50), float(p99)


def pages_under_load(hub, work, args, plant):
    """The group overview and one plant's page for the month in the middle of the data, alone and with 20 viewers
    each, next to the sign-in form. A page none of whose requests answers within wrk's 10 s timeout has no p50 or
    p99 (None)."""
    cookie = sign_in(hub)
    month = f"window=month&at={(START + timedelta(days=args.days // 2)).strftime('%Y-%m-%d')}"
    pages = [("group overview, a month", f"/dashboards?{month}"), ("plant page, a month", f"/dashboards/plants/{plant}?{month}"),
             ("sign-in form (reference)", "/dashboards/sign-in")]
    results = []
    for name, path in pages:
        alone = page_alone(hub, path, cookie)
        requests, failed, p50, p99 = wrk(hub, path, cookie, work, args.wrk_seconds, args.viewers)
        answered = requests - failed
        results.append((name, alone, answered / args.wrk_seconds, failed, p50 if answered else None, p99 if answered else None,
                        "sign-in" not in path))
        # Requests wrk gave up on may still hold the database: let them finish before the next page.
        page_alone(hub, "/dashboards/sign-in", cookie)
        page_alone(hub, path, cookie)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with a release gantry-hub")
    parser.add_argument("--plants", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference-runs", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--viewers", type=int, default=20, help="concurrent dashboard viewers (wrk connections)")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    args = parser.parse_args()
    hours = args.days * 24
    window = f"from={START.strftime('%Y-%m-%dT%H:%M:%SZ')}&to={(START + timedelta(hours=hours)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    plant = f"BENCH-P{min(5, args.plants):02d}"
    work = tempfile.mkdtemp(prefix="gantry-bench-kpi-")
    os.chmod(work, 0o755)
    print(f"kpis: {args.plants} plants x 30 machines, {args.days} days of hour rollups "
          f"({args.plants * 30 * hours:,} hour rows, {args.plants * 30 * hours * 2:,} raw state changes); median of {args.runs}")
    postgres = None
    results = {}
    page_results = {}
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                hub = Hub(args.bin, work, "sqlite", f"store.path = {work}/hub.sqlite")
            else:
                postgres = Postgres(work)
                postgres.psql("CREATE DATABASE hub")
                hub = Hub(args.bin, work, "postgres", f"store.url = {postgres.url('hub')}")
            for p in range(1, args.plants + 1):
                hub.enrol(f"P{p:02d}")
            begin = time.perf_counter()
            if backend == "sqlite":
                load_sqlite(f"{work}/hub.sqlite", args.plants, hours)
            else:
                load_postgres(postgres, args.plants, hours)
            print(f"  {backend:8s} loaded in {time.perf_counter() - begin:.1f} s")
            hub.start()
            try:
                group_s, group = timed_get(hub, f"/v1/kpis?{window}&level=company", args.runs)
                drill_s, drill = timed_get(hub, f"/v1/kpis?{window}&level=machine&plant={plant}", args.runs)
                pages = pages_under_load(hub, work, args, plant)
            finally:
                hub.stop()
            raw_s, raw_running = reference(backend, work, postgres, args.reference_runs)
            if postgres:
                postgres.stop()
                postgres = None
            running = group["nodes"][0]["elements"]["actualProductionTime"]
            if abs(running - raw_running) > 1:
                raise SystemExit(f"{backend}: the hub's running time {running} s differs from the raw intervals' {raw_running} s")
            availability = group["nodes"][0]["elements"]["actualProductionTime"] / (
                group["nodes"][0]["elements"]["actualProductionTime"] + group["nodes"][0]["elements"]["downTime"])
            results[backend] = max(group_s, drill_s)
            print(f"  {backend:8s} group OEE for the year:      {group_s * 1000:7.1f} ms  (availability {availability:.3f}, "
                  f"{running / 3600:,.0f} running hours)")
            print(f"  {backend:8s} drill-down to 30 machines:   {drill_s * 1000:7.1f} ms  ({len(drill['nodes'])} machines)")
            print(f"  {backend:8s} raw SQL over the intervals: {raw_s * 1000:7.1f} ms  (same running hours, same run)")
            for name, alone, rate, failed, p50, p99, counted in pages:
                under = (f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms" if p99 is not None
                         else f"none answered within {args.wrk_seconds} s")
                print(f"  {backend:8s} {name:26s} alone {alone:7.1f} ms; {args.viewers} viewers: {under}  "
                      f"({rate:,.1f} pages/s{f', {failed} failed or timed out' if failed else ''})")
                if counted:
                    page_results[f"{backend} {name}"] = p99
        for backend, seconds in results.items():
            print(f"  {backend}: {'meets' if seconds < 0.1 else 'misses'} the < 100 ms target")
        for name, p99 in page_results.items():
            print(f"  {name}: {'meets' if p99 is not None and p99 < 200 else 'misses'} the < 200 ms p99 target")
    finally:
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
