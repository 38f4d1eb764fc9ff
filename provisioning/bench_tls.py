#!/usr/bin/env python3
"""Gantry benchmark: the hub's sync ingest over HTTPS next to plain HTTP, in the same run.

The same plants send the same batches (bench_hub.py's catch-up, on SQLite) to a release gantry-hub serving plain
HTTP and to one serving HTTPS (a certificate from a CA made here with openssl, TLS 1.3, one keep-alive connection
per sender as the agent keeps one), alternating over several rounds, each on a fresh database. It prints every
round, the median rate of each and the overhead of TLS against the target (issue 22: TLS costs less than 15 %).
"""
import argparse
import http.client
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_hub import Hub, plant_backlog  # noqa: E402


def make_certificate(work):
    """A throwaway CA and a hub certificate for 127.0.0.1, as docs/operations.md (TLS) makes them."""
    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], check=True, capture_output=True)
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-days", "2", "-keyout", f"{work}/ca.key", "-out", f"{work}/ca.pem", "-subj", "/CN=bench CA")
    openssl("req", *curve, "-keyout", f"{work}/hub.key", "-out", f"{work}/hub.csr", "-subj", "/CN=127.0.0.1")
    with open(f"{work}/hub.ext", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", f"{work}/hub.csr", "-CA", f"{work}/ca.pem", "-CAkey", f"{work}/ca.key",
            "-set_serial", "1", "-days", "2", "-extfile", f"{work}/hub.ext", "-out", f"{work}/hub.pem")
    return f"{work}/ca.pem", f"{work}/hub.pem", f"{work}/hub.key"


def connect(port, context):
    if context is None:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=300, context=context)


def send_backlog(port, context, token, bodies, failures):
    connection = connect(port, context)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in bodies:
        connection.request("POST", "/v1/sync/batches", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            failures.append(f"{response.status}: {answer[:300]!r}")
            return
    connection.close()


def run_once(args, work, name, codes, backlogs, tls):
    store = f"store.path = {work}/{name}.sqlite"
    hub = Hub(args.bin, work, name, store)
    if tls:
        with open(hub.config, "a") as f:
            f.write(f"tls.certificate = {tls[1]}\ntls.key = {tls[2]}\n")
    plants = {code: hub.enrol(code) for code in codes}
    hub.start()
    context = ssl.create_default_context(cafile=tls[0]) if tls else None
    failures = []
    threads = [threading.Thread(target=send_backlog, args=(hub.port, context, plants[code], backlogs[code][0], failures))
               for code in codes]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    hub.stop()
    if failures:
        raise SystemExit(f"{name}: the hub refused a batch: {failures[0]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with a release gantry-hub")
    parser.add_argument("--events", type=int, default=200_000, help="events per run, spread over the plants")
    parser.add_argument("--plants", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500, help="events per sync batch (the agent's default sync.batch_events)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-bench-tls-")
    os.chmod(work, 0o755)
    per_plant = args.events // args.plants
    total = per_plant * args.plants
    print(f"hub ingest over HTTPS vs plain HTTP: {total:,} events from {args.plants} plants, {args.batch:,} per batch, "
          f"{args.rounds} rounds each, SQLite")
    try:
        tls = make_certificate(work)
        start = datetime.now(timezone.utc) - timedelta(days=8)
        codes = [f"P{index:02d}" for index in range(args.plants)]
        backlogs = {code: plant_backlog(f"BENCH-{code}", per_plant, args.batch, start) for code in codes}
        rates = {"http": [], "https": []}
        for round_ in range(args.rounds):
            for scheme in ("http", "https"):
                elapsed = run_once(args, work, f"{scheme}-{round_}", codes, backlogs, tls if scheme == "https" else None)
                rates[scheme].append(total / elapsed)
                print(f"  round {round_ + 1} {scheme:5s}: {total / elapsed:>10,.0f} events/s ({elapsed:.2f} s)", flush=True)
        plain, secure = statistics.median(rates["http"]), statistics.median(rates["https"])
        overhead = (plain - secure) / plain * 100
        print(f"  median plain HTTP: {plain:>10,.0f} events/s")
        print(f"  median HTTPS:      {secure:>10,.0f} events/s")
        verdict = "meets" if overhead < 15 else "misses"
        print(f"  TLS overhead: {overhead:.1f} % ({verdict} the target of less than 15 %)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
