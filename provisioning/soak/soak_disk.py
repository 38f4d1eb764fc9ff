#!/usr/bin/env python3
"""A full disk during a hub outage (docs/reliability.md, "A full disk").

The agent's store lives on a tmpfs of --disk-mib MiB mounted by this script (root only; unmounted in every case).
The hub is stopped, and the agent takes scans (--rate per second, ~200-byte bodies) and QoS 1 machine messages
(--mqtt-rate per second, from mosquitto_pub) until its disk falls below store.alarm_free (alarm) and then below
store.reserve (scans answered 507, the MQTT inbox paused). It stays full for --full-seconds; then the tmpfs is
grown (space returns) and the hub started again. The script prints how many scans fitted, the disk bytes per
event, when the alarm and the refusals began, the scan latency before and near the full disk, whether any answer
was other than 201/507, the store's `PRAGMA integrity_check`, every accepted scan in the store and at the hub, the
machine messages published while full that arrived after, and the catch-up time.
"""
import argparse
import json
import http.client
import os
import socket
import sqlite3
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


class Child:
    """A child process with nothing to wait for at start (the broker)."""

    def __init__(self, proc):
        self.proc = proc

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def request(port, method, path, body=None, token=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload or b"null")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with release gantry-hub and gantry-agent")
    parser.add_argument("--disk-mib", type=int, default=64)
    parser.add_argument("--reserve-mib", type=int, default=8)
    parser.add_argument("--alarm-mib", type=int, default=16)
    parser.add_argument("--rate", type=int, default=400, help="scans per second offered")
    parser.add_argument("--mqtt-rate", type=int, default=100, help="QoS 1 machine messages per second")
    parser.add_argument("--full-seconds", type=int, default=30, help="how long the disk stays full")
    parser.add_argument("--minutes", type=float, default=10, help="give up filling after this long")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("soak_disk.py mounts a tmpfs: run it as root")

    work = tempfile.mkdtemp(prefix="gantry-soak-disk-")
    disk = f"{work}/disk"
    os.makedirs(disk)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.disk_mib}m", "tmpfs", disk], check=True)
    processes = []
    try:
        run(args, work, disk, processes)
    finally:
        for process in processes:
            try:
                process.stop()
            except Exception:
                process.proc.kill()
        subprocess.run(["umount", "-l", disk])


def run(args, work, disk, processes):
    hub_conf = f"{work}/hub.conf"
    hub_port = free_port()  # fixed, so that the hub comes back where the agent looks for it
    with open(hub_conf, "w") as f:
        f.write(f"store.path = {work}/hub.sqlite\nhttp.port = {hub_port}\nlog.level = error\n")
    hub_cli = [f"{args.bin}/gantry-hub"]
    admin = subprocess.run(hub_cli + ["tokens", "add", "--config", hub_conf, "--name", "soak", "--companies", "*"], check=True,
                           capture_output=True, text=True).stdout.strip()
    hub = Process(hub_cli + ["serve", "--config", hub_conf], f"{work}/hub.log")
    processes.append(hub)
    enrolment = subprocess.run(hub_cli + ["plants", "add", "--config", hub_conf, "--company", "ACME", "--code", "BER",
                                          "--time-zone", "UTC", "--store-dir", disk], check=True, capture_output=True, text=True,
                               env={**os.environ, "GANTRY_HUB_HTTP_PUBLIC_URL": f"http://127.0.0.1:{hub_port}"}).stdout
    broker_port = free_port()
    with open(f"{work}/mosquitto.conf", "w") as f:
        f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                "max_queued_messages 10000000\nmax_inflight_messages 100\n")
    processes.append(Child(subprocess.Popen(["/usr/sbin/mosquitto", "-c", f"{work}/mosquitto.conf"], stderr=subprocess.DEVNULL)))
    time.sleep(0.5)
    agent_conf = f"{work}/agent.conf"
    with open(agent_conf, "w") as f:
        f.write(enrolment + f"\nhttp.port = 0\nlog.level = notice\nstore.durability = process-crash\n"
                f"store.reserve = {args.reserve_mib}MiB\nstore.alarm_free = {args.alarm_mib}MiB\n"
                f"sync.backoff_max = 2s\nmqtt.host = 127.0.0.1\nmqtt.port = {broker_port}\n")
    agent = Process([f"{args.bin}/gantry-agent", "run", "--config", agent_conf], f"{work}/agent.log")
    processes.append(agent)
    status = lambda: request(agent.port, "GET", "/v1/status")[1]
    wait(lambda: status().get("mqtt", {}).get("connected"), 30, "the agent connects to the broker")

    print(f"A full disk: the store on a {args.disk_mib} MiB tmpfs, reserve {args.reserve_mib} MiB, alarm at {args.alarm_mib} MiB free")
    hub.stop()  # the outage: nothing leaves the plant
    accepted, answers, latencies = [], {}, []
    lock = threading.Lock()
    phase = {"alarm_at": None, "full_at": None, "stop": False, "mqtt_during_full": 0}
    started = time.time()

    def scans(offset):
        index = offset
        interval = 8 / args.rate
        while not phase["stop"]:
            data = f"SOAK-{index:09d}-" + "x" * 180
            t = time.perf_counter()
            code, _ = request(agent.port, "POST", "/v1/scans", {"data": data, "device": "soak", "id": str(uuid.uuid4())})
            elapsed = time.perf_counter() - t
            with lock:
                answers[code] = answers.get(code, 0) + 1
                if code == 201:
                    accepted.append(data)
                    latencies.append((time.time(), elapsed))
                elif code == 507 and phase["full_at"] is None:
                    phase["full_at"] = time.time()
            index += 8
            time.sleep(max(0, interval - elapsed))

    def machines():
        publisher = subprocess.Popen(["mosquitto_pub", "-p", str(broker_port), "-q", "1", "-t", "gantry/ACME-BER/L1/M1/count", "-l"],
                                     stdin=subprocess.PIPE, text=True)
        base, sent = datetime.now(timezone.utc) - timedelta(hours=2), 0
        while not phase["stop"]:
            for _ in range(max(1, args.mqtt_rate // 10)):
                ts = (base + timedelta(milliseconds=sent)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                publisher.stdin.write('{"good":1,"ts":"%s"}\n' % ts)
                sent += 1
                if phase["full_at"] is not None:
                    phase["mqtt_during_full"] += 1
            publisher.stdin.flush()
            time.sleep(0.1)
        publisher.stdin.close()
        publisher.wait(timeout=60)
        phase["mqtt_sent"] = sent

    threads = [threading.Thread(target=scans, args=(offset,)) for offset in range(8)] + [threading.Thread(target=machines)]
    for thread in threads:
        thread.start()
    try:
        while time.time() - started < args.minutes * 60:
            alarms = status().get("alarms", [])
            if phase["alarm_at"] is None and ("store-space-low" in alarms or "store-space-full" in alarms):
                phase["alarm_at"] = time.time()
            if phase["full_at"] is not None and time.time() - phase["full_at"] >= args.full_seconds:
                break
            time.sleep(0.5)
    finally:
        phase["stop"] = True
        for thread in threads:
            thread.join()
    if phase["full_at"] is None:
        raise SystemExit(f"the disk did not fill within {args.minutes} minutes; answers {answers}")
    full_status = status()
    paused = full_status.get("mqtt", {}).get("pausedForDisk")
    recorded_when_full = full_status.get("mqtt", {}).get("recorded", 0)
    store = f"{disk}/ACME-BER.sqlite"
    check = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
    kept = {row[0] for row in check.execute("SELECT data FROM scans")}
    events = check.execute("SELECT max(seq) FROM events").fetchone()[0]
    check.close()
    store_bytes = sum(os.path.getsize(f"{store}{suffix}") for suffix in ("", "-wal") if os.path.exists(f"{store}{suffix}"))
    before = [l for t, l in latencies if phase["alarm_at"] is None or t < phase["alarm_at"]]
    near = [l for t, l in latencies if phase["alarm_at"] is not None and t >= phase["alarm_at"]]
    print(f"  scans accepted before the refusals: {len(accepted)} in {phase['full_at'] - started:.1f} s; answers {answers}")
    print(f"  alarm raised after {(phase['alarm_at'] or float('nan')) - started:.1f} s; 507 from {phase['full_at'] - started:.1f} s")
    print(f"  store {store_bytes} bytes for {events} events: {store_bytes / max(events, 1):.0f} bytes per event (file and WAL)")
    print(f"  scan latency before the alarm p50 {percentile(before, .5) * 1000:.1f} ms p99 {percentile(before, .99) * 1000:.1f} ms; "
          f"between alarm and reserve p99 {percentile(near, .99) * 1000:.1f} ms ({len(near)} scans)")
    print(f"  while full: MQTT inbox paused {paused}; PRAGMA integrity_check {integrity}; "
          f"every accepted scan in the store: {kept == set(accepted)} ({len(kept)} kept, {len(accepted)} accepted)")
    ok = integrity == "ok" and kept == set(accepted) and set(answers) <= {201, 507} and paused is True

    # Space returns: the tmpfs grows; the agent resumes by itself; then the hub comes back.
    subprocess.run(["mount", "-o", f"remount,size={args.disk_mib * 2}m", disk], check=True)
    grown = time.time()
    wait(lambda: request(agent.port, "POST", "/v1/scans", {"data": "AFTER", "device": "soak", "id": str(uuid.uuid4())})[0] == 201,
         30, "scans are taken again")
    print(f"  space returned: scans taken again after {time.time() - grown:.1f} s")
    mqtt_total = phase.get("mqtt_sent", 0)
    wait(lambda: status().get("mqtt", {}).get("recorded", 0) + status().get("mqtt", {}).get("duplicates", 0) >= mqtt_total,
         120, "the machine messages kept by the broker arrive")
    mqtt = status().get("mqtt", {})
    print(f"  MQTT: {mqtt_total} published ({phase['mqtt_during_full']} while full), {recorded_when_full} recorded when full, "
          f"{mqtt.get('recorded')} recorded after, {mqtt.get('lost')} lost")
    ok = ok and mqtt.get("lost") == 0 and mqtt.get("recorded", 0) >= mqtt_total - mqtt.get("duplicates", 0)
    hub = Process(hub_cli + ["serve", "--config", hub_conf], f"{work}/hub.log")
    processes.append(hub)
    back = time.time()
    wait(lambda: (lambda s: s["acknowledgedSequence"] == s["lastSequence"])(status()), 600, "the backlog reaches the hub")
    _, report = request(hub.port, "GET", "/v1/reports/sync", token=admin)
    scans_at_hub = next(p for p in report["plants"] if p["plant"] == "ACME-BER")["scans"]
    print(f"  catch-up after the outage: {time.time() - back:.1f} s; scans at the hub {scans_at_hub} "
          f"(accepted {len(accepted) + 1})")
    ok = ok and scans_at_hub == len(accepted) + 1
    print("  verdict: " + ("PASS" if ok else "FAIL"))
    if not ok:
        sys.exit(1)


def wait(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except (OSError, KeyError, TypeError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"timed out: {what}")


if __name__ == "__main__":
    main()
