#!/usr/bin/env python3
"""Gantry soak: fifty plants against one release gantry-hub on PostgreSQL, for --minutes (10 by default).

Five plants are real gantry-agent processes, each with its machines on a mosquitto broker and its scanners on the
agent's HTTP API; the other 45 are a generator in this script that speaks the same sync protocol
(docs/sync-protocol.md: `POST /v1/sync/batches` with the plant's token, consecutive sequences, the agent's event
types and payloads as soak_offline.py writes them), each sending what its plant recorded since its last batch every
5 seconds, as an agent on a steady link does in a few batches. Every plant has the same traffic: 40 machines on 4
lines, each publishing a count every minute and changing state four times an hour, and 300 scans an hour (2,860
events an hour per plant, 50 plants: about 40 events a second at the hub, 10 batches a second).

Printed: sync latency (the round trip of each generated batch, p50 and p99, and per third of the run), the real
agents' scan-to-hub latency (from the scan's answer until the agent's acknowledged position covers it), the hub's
CPU (from /proc/PID/stat) and RSS sampled every 10 s, and a verdict that neither grows after warm-up: the mean of
the first third of the samples (after the first minute) against the last third.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from bench import mqtt_publish, wait_port  # noqa: E402
from bench_hub import Postgres, free_port  # noqa: E402
from soak_hubs import AgentProc, HubServer, request  # noqa: E402
from soak_offline import percentile, plant_traffic, stamp, uuid7  # noqa: E402

INTERVAL = 5.0  # seconds between a generated plant's batches


def schedule(start, seconds, seed):
    """A plant's traffic for the run, in time order, from `start`."""
    return list(plant_traffic(start, start + timedelta(seconds=seconds), random.Random(seed)))


def generated_plant(port, plant, token, traffic, stop, latencies, failures, offset):
    """One generated plant: every INTERVAL seconds, a batch of the events whose time has come."""
    rng = random.Random(plant)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pending, sequence, position = [], 0, 0
    next_at = time.monotonic() + offset
    while not stop.is_set():
        stop.wait(max(0.0, next_at - time.monotonic()))
        next_at += INTERVAL
        now = datetime.now(timezone.utc)
        while position < len(traffic) and traffic[position][1] <= now:
            _, at, event_type, payload = traffic[position]
            position += 1
            sequence += 1
            recorded = at + timedelta(microseconds=300 + rng.randrange(5000))
            pending.append({"sequence": sequence, "id": uuid7(recorded, rng), "type": event_type, "schemaVersion": 1,
                            "occurredAt": stamp(at), "recordedAt": stamp(recorded), "payload": payload})
        body = json.dumps({"plant": plant, "agentHead": sequence, "events": pending}, separators=(",", ":"))
        begin = time.perf_counter()
        try:
            connection.request("POST", "/v1/sync/batches", body=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
        except OSError as error:
            failures.append(f"{plant}: {error}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        latencies.append((time.monotonic(), time.perf_counter() - begin, len(pending)))
        if response.status == 200 and json.loads(answer)["acknowledgedThrough"] == sequence:
            pending = []
        else:
            failures.append(f"{plant}: {response.status} {answer[:200]!r}")
    connection.close()
    return sequence


def real_plant(agent, broker_port, traffic, stop, scan_latencies, failures):
    """A real agent's plant: machine messages to the broker every INTERVAL seconds, scans to its API when due,
    and each scan's time until the hub acknowledged it."""
    position, waiting = 0, []
    next_at = time.monotonic()
    while not stop.is_set():
        stop.wait(max(0.0, next_at - time.monotonic()))
        next_at += INTERVAL
        now = datetime.now(timezone.utc)
        messages = []
        while position < len(traffic) and traffic[position][1] <= now:
            kind, at, _, payload = traffic[position]
            position += 1
            if kind == "scan":
                body = json.dumps({"data": payload["data"], "device": payload["device"], "id": payload["scanId"],
                                   "occurredAt": stamp(at)})
                status, answer = request(agent.port, "POST", "/v1/scans", body=body)
                if status != 201:
                    failures.append(f"{agent.plant}: scan {status} {answer}")
                else:
                    waiting.append((answer["sequence"], time.perf_counter()))
            elif kind == "count":
                entry = payload["counts"][0]
                messages.append((f"gantry/{agent.plant}/{entry['line']}/{entry['machine']}/count",
                                 json.dumps({"good": entry["good"], "scrap": entry["scrap"], "ts": entry["at"]}).encode()))
            else:
                entry = payload["states"][0]
                message = {"state": entry["state"], "ts": entry["at"]}
                if "reason" in entry:
                    message["reason"] = entry["reason"]
                messages.append((f"gantry/{agent.plant}/{entry['line']}/{entry['machine']}/state",
                                 json.dumps(message).encode()))
        if messages:
            mqtt_publish(broker_port, 1, messages)
        deadline = time.monotonic() + INTERVAL * 0.8
        while waiting and time.monotonic() < deadline and not stop.is_set():
            acknowledged = agent.status()["acknowledgedSequence"]
            while waiting and waiting[0][0] <= acknowledged:
                scan_latencies.append(time.perf_counter() - waiting.pop(0)[1])
            time.sleep(0.05)


def third_means(samples):
    """Means of the first and last third of `samples`."""
    third = max(1, len(samples) // 3)
    first, last = samples[:third], samples[-third:]
    return sum(first) / len(first), sum(last) / len(last)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--real", type=int, default=5, help="plants that are real agents")
    parser.add_argument("--plants", type=int, default=50, help="plants in all")
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="gantry-soak-fifty-")
    os.chmod(work, 0o755)
    postgres = hub = broker = None
    agents, threads, stop = [], [], threading.Event()
    try:
        postgres = Postgres(work)
        postgres.psql("CREATE DATABASE hub")
        hub = HubServer(args.bin, work, "hub", postgres.url("hub"))
        codes = [f"P{index:02d}" for index in range(1, args.plants + 1)]
        tokens = {f"SOAK-{code}": hub.enrol("SOAK", code) for code in codes}
        admin = hub.cli("tokens", "add", "--name", "soak", "--companies", "*").strip()
        broker_port = free_port()
        with open(f"{work}/mosquitto.conf", "w") as f:
            f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 100000\n")
        broker = subprocess.Popen(["mosquitto", "-c", f"{work}/mosquitto.conf"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        wait_port(broker_port)
        hub.start()
        plants = list(tokens)
        for plant in plants[:args.real]:
            agent = AgentProc(args.bin, work, plant, f"http://127.0.0.1:{hub.port}", tokens[plant],
                              extra=f"mqtt.host = 127.0.0.1\nmqtt.port = {broker_port}\nmqtt.qos = 1\n")
            agent.start()
            agents.append(agent)
        seconds = args.minutes * 60
        start = datetime.now(timezone.utc)
        print(f"fifty plants: {args.real} real agents and {args.plants - args.real} generated plants (same sync "
              f"protocol, a batch every {INTERVAL:g} s) against one hub on PostgreSQL for {args.minutes:g} min; "
              "each plant 40 machines (a count a minute, 4 states an hour each) and 300 scans an hour", flush=True)
        print("  building the plants' traffic…", flush=True)
        traffic = {plant: schedule(start, seconds + 60, index) for index, plant in enumerate(plants)}
        latencies, scan_latencies, failures, sequences = [], [], [], {}
        for index, plant in enumerate(plants[args.real:]):
            def run(plant=plant, index=index):
                sequences[plant] = generated_plant(hub.port, plant, tokens[plant], traffic[plant], stop, latencies,
                                                   failures, offset=INTERVAL * index / (args.plants - args.real))
            threads.append(threading.Thread(target=run))
        for agent in agents:
            threads.append(threading.Thread(target=real_plant, args=(agent, broker_port, traffic[agent.plant], stop,
                                                                     scan_latencies, failures)))
        for thread in threads:
            thread.start()

        cpu, rss = [], []
        begin = time.monotonic()
        last_cpu, last_at = hub.rusage()[0], begin
        while time.monotonic() - begin < seconds:
            time.sleep(10)
            used, resident = hub.rusage()
            now = time.monotonic()
            cpu.append(100 * (used - last_cpu) / (now - last_at))
            rss.append(resident / 2**20)
            last_cpu, last_at = used, now
            if len(cpu) % 6 == 0:
                recent = [l for at, l, _ in latencies if at > now - 60]
                print(f"  {now - begin:5.0f} s: hub CPU {cpu[-1]:5.1f} %, RSS {rss[-1]:6.1f} MiB, sync p50 "
                      f"{percentile(recent, 0.5) * 1000:.0f} ms p99 {percentile(recent, 0.99) * 1000:.0f} ms "
                      f"(last minute)", flush=True)
        stop.set()
        for thread in threads:
            thread.join()

        # Every generated plant's events and every real agent's head at the hub, once.
        for agent in agents:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = agent.status()
                if status["acknowledgedSequence"] == status["lastSequence"]:
                    break
                time.sleep(0.2)
            sequences[agent.plant] = agent.status()["lastSequence"]
        report = {row["plant"]: row for row in request(hub.port, "GET", "/v1/reports/sync", token=admin)[1]["plants"]}
        mismatched = [plant for plant in plants if report[plant]["eventsReceived"] != sequences.get(plant)]
        events = sum(sequences.values())

        warm = [c for c in cpu[6:]] or cpu
        warm_rss = rss[6:] or rss
        cpu_first, cpu_last = third_means(warm)
        rss_first, rss_last = third_means(warm_rss)
        round_trips = [l for _, l, _ in latencies]
        thirds = [[l for at, l, _ in latencies if begin + k * seconds / 3 <= at < begin + (k + 1) * seconds / 3]
                  for k in range(3)]
        sizes = [n for _, _, n in latencies]
        print(f"  events at the hub: {events:,} from {args.plants} plants ({events / seconds:,.1f}/s), "
              f"{len(latencies):,} generated batches of {sum(sizes) / max(1, len(sizes)):.1f} events on average")
        print(f"  sync latency (batch round trip): p50 {percentile(round_trips, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(round_trips, 0.99) * 1000:.1f} ms; per third p50/p99 "
              + ", ".join(f"{percentile(t, 0.5) * 1000:.0f}/{percentile(t, 0.99) * 1000:.0f} ms" for t in thirds))
        if scan_latencies:
            print(f"  real agents, scan answered to acknowledged by the hub: p50 "
                  f"{percentile(scan_latencies, 0.5) * 1000:.0f} ms, p99 {percentile(scan_latencies, 0.99) * 1000:.0f} ms "
                  f"({len(scan_latencies)} scans, polled every 50 ms)")
        print(f"  hub CPU (% of one core, 10 s samples after the first minute): first third {cpu_first:.1f} %, "
              f"last third {cpu_last:.1f} %, max {max(cpu):.1f} %")
        print(f"  hub RSS: first third {rss_first:.1f} MiB, last third {rss_last:.1f} MiB, max {max(rss):.1f} MiB")
        cpu_grows = cpu_last > cpu_first * 1.25 + 2
        rss_grows = rss_last > rss_first * 1.10 + 8
        problems = [f"{len(failures)} failures (first: {failures[0]})"] if failures else []
        if mismatched:
            problems.append("the hub's count differs from the plant's head at " + ", ".join(
                f"{p} ({report[p]['eventsReceived']} vs {sequences.get(p)})" for p in mismatched[:5]))
        print(f"  verdict: CPU {'GROWS' if cpu_grows else 'flat'} (growth means the last third above 1.25 x the "
              f"first + 2 points), memory {'GROWS' if rss_grows else 'flat'} (above 1.10 x + 8 MiB); "
              f"every plant's events at the hub: {'no' if mismatched else 'yes'}")
        for problem in problems:
            print(f"  FAILED: {problem}")
        return 1 if problems or cpu_grows or rss_grows else 0
    finally:
        stop.set()
        for agent in agents:
            agent.stop()
        if hub:
            hub.stop()
        if broker:
            broker.terminate()
            broker.wait()
        if postgres:
            postgres.stop()
        if args.keep:
            print(f"  work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
