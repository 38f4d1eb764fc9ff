#!/usr/bin/env python3
"""Gantry benchmarks: machine-signal ingest through the agent against the raw receive rate of mosquitto_sub.

Each figure is printed next to its reference measured in the same run on the same broker and message
stream. Targets (issue "Machine signals over MQTT"): QoS 1 with process-crash durability and QoS 0 with
group commit at no less than 0.9 of raw. With --soak SECONDS the agent also takes a steady stream for
that long while its memory (RSS) is sampled, to show it stays flat.

Each case runs --rounds times, raw and agent back to back in each round; the verdict is on the median of the
rounds' ratios, since one burst of 50,000 messages takes half a second and a shared machine's noise moves a
single round's raw rate by a third.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def messages(count, offset_seconds=0):
    base = datetime.now(timezone.utc) - timedelta(hours=1) + timedelta(seconds=offset_seconds)
    return "".join(
        '{"good":1,"ts":"%s"}\n' % (base + timedelta(microseconds=i * 10)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for i in range(count))


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise SystemExit(f"nothing listens on {port}")


def raw_rate(port, qos, stream, count):
    """mosquitto_sub receiving the stream: the ceiling any subscriber on this broker can reach."""
    topic = f"bench/raw/{qos}"
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-q", str(qos), "-C", str(count), "-t", topic],
                           stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    start = time.perf_counter()
    pub = subprocess.Popen(["mosquitto_pub", "-p", str(port), "-q", str(qos), "-t", topic, "-l"], stdin=subprocess.PIPE)
    pub.communicate(stream.encode())
    try:
        sub.wait(timeout=300)
    except subprocess.TimeoutExpired:
        sub.kill()
        raise SystemExit("mosquitto_sub did not receive every message")
    return count / (time.perf_counter() - start)


class Agent:
    def __init__(self, bin_dir, work, name, port, qos, durability):
        self.dir = f"{work}/{name}"
        os.makedirs(self.dir)
        with open(f"{self.dir}/agent.conf", "w") as f:
            f.write(f"plant.id = BENCH-{name.upper()}\nhub.url = http://127.0.0.1:9\nhub.token = unused\n"
                    f"store.path = {self.dir}/agent.sqlite\nstore.durability = {durability}\nhttp.port = 0\n"
                    f"sync.backoff_max = 10m\nlog.level = error\n"
                    f"mqtt.host = 127.0.0.1\nmqtt.port = {port}\nmqtt.qos = {qos}\nmqtt.max_message_age = 2d\n")
        self.plant = f"BENCH-{name.upper()}"
        self.proc = subprocess.Popen([f"{bin_dir}/gantry-agent", "run", "--config", f"{self.dir}/agent.conf"],
                                     stdout=subprocess.PIPE, stderr=open(f"{self.dir}/agent.log", "w"), text=True)
        line = self.proc.stdout.readline()
        self.url = line.split("listening on ")[1].strip()
        self.wait(lambda m: m.get("connected"), "the agent connects to the broker")

    def mqtt(self):
        with urllib.request.urlopen(f"{self.url}/v1/status", timeout=10) as r:
            return json.loads(r.read())["mqtt"]

    def wait(self, condition, what, timeout=300, interval=0.05):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.mqtt()
            if condition(status):
                return status
            time.sleep(interval)
        raise SystemExit(f"timed out: {what}")

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(next(line for line in f if line.startswith("VmRSS")).split()[1])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def agent_rate(agent, port, qos, stream, count):
    """Messages per second made durable (written to the agent's inbox), and projected into events.

    The times are the agent's own (`lastStoredAt`, `lastProjectedAt` in its status, same clock as this one), so
    the status is asked for only every 0.1 s: each answer costs the agent and this script ~2 ms of CPU, which at
    a faster pace would take from the agent's intake what mosquitto_sub's measurement does not pay."""
    topic = f"gantry/{agent.plant}/L1/M1/count"
    start = time.time()
    pub = subprocess.Popen(["mosquitto_pub", "-p", str(port), "-q", str(qos), "-t", topic, "-l"], stdin=subprocess.PIPE)
    pub.communicate(stream.encode())
    at_durable = agent.wait(lambda m: m["stored"] >= count, "every message is durable", interval=0.1)
    polled = time.time()
    durable = agent_time(at_durable["lastStoredAt"]) - start
    status = agent.wait(lambda m: m["recorded"] + m["duplicates"] + m["deadLetters"] >= count, "every message is projected",
                        interval=0.1)
    projected = agent_time(status["lastProjectedAt"]) - start
    if status["recorded"] != count:
        print(f"  note: {status['recorded']} recorded, {status['deadLetters']} dead letters, {status['lost']} lost")
    # What the projection does once the broker, the publisher and the intake are done: its own capacity, from
    # what was left when the agent was asked after the last message was durable.
    left = count - (at_durable["recorded"] + at_durable["duplicates"] + at_durable["deadLetters"])
    after = projected - (polled - start)
    alone = left / after if left >= count // 10 and after > 0 else None
    return count / durable, count / projected, alone


def agent_time(text):
    """An RFC 3339 UTC time from the agent's status, as seconds since 1970."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def soak(bin_dir, work, port, seconds, rate):
    agent = Agent(bin_dir, work, "soak", port, 1, "process-crash")
    topic = f"gantry/{agent.plant}/L1/M1/count"
    pub = subprocess.Popen(["mosquitto_pub", "-p", str(port), "-q", "1", "-t", topic, "-l"], stdin=subprocess.PIPE, text=True)
    samples, sent, start = [], 0, time.time()
    next_sample = start
    while time.time() - start < seconds:
        second = int(time.time() - start)
        pub.stdin.write(messages(rate, offset_seconds=second))
        pub.stdin.flush()
        sent += rate
        if time.time() >= next_sample:
            samples.append((int(time.time() - start), agent.rss_kib()))
            next_sample += 10
        time.sleep(max(0, start + second + 1 - time.time()))
    pub.stdin.close()
    pub.wait()
    agent.wait(lambda m: m["recorded"] + m["duplicates"] >= sent, "the soak stream is stored", timeout=600)
    samples.append((int(time.time() - start), agent.rss_kib()))
    agent.stop()
    first = samples[1][1] if len(samples) > 1 else samples[0][1]
    print(f"\nsoak: {sent} QoS 1 messages over {seconds} s at {rate}/s")
    print("  RSS (MiB) at " + ", ".join(f"{t}s={kib / 1024:.1f}" for t, kib in samples))
    print(f"  growth after warm-up: {(samples[-1][1] - first) / 1024:+.1f} MiB, max {max(k for _, k in samples) / 1024:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="folder with a release gantry-agent")
    parser.add_argument("--messages", type=int, default=50_000,
                        help="messages per case (mosquitto 2.0.11 drops a mosquitto_pub -l client queuing ~80,000 at once)")
    parser.add_argument("--cases", default="qos1-process-crash,qos1-power-loss,qos0",
                        help="which of qos1-process-crash, qos1-power-loss, qos0 to run (comma-separated)")
    parser.add_argument("--rounds", type=int, default=5, help="raw and agent measurements per case (median reported)")
    parser.add_argument("--soak", type=int, default=0, help="seconds of steady load with memory sampling (0: skip)")
    parser.add_argument("--soak-rate", type=int, default=5000, help="messages per second during the soak")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="gantry-bench-")
    port = free_port()
    with open(f"{work}/mosquitto.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                "max_inflight_messages 100\nmax_queued_messages 100000000\n")
    broker = subprocess.Popen(["mosquitto", "-c", f"{work}/mosquitto.conf"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    agents = []
    try:
        wait_port(port)
        n = args.messages
        print(f"machine-signal ingest, {n} messages of ~55 bytes, mosquitto 127.0.0.1:{port}, broker in-flight 100\n")
        print("durable: written to the agent's inbox; projected: also turned into events; ratios are to raw\n")
        print("projection alone: the rate at which the agent turned the messages still waiting into events once the")
        print("last one was durable (broker, publisher and intake done; shown when a tenth or more was left)\n")
        print(f"{'case':<36} {'durable/s':>10} {'raw/s':>9} {'ratio':>6} {'target':>7} {'projected/s':>12} {'ratio':>6} "
              f"{'alone/s':>9} {'ratio':>6}  window")
        cases = [("qos1-process-crash", 1, "process-crash", 0.9), ("qos1-power-loss", 1, "power-loss", None),
                 ("qos0", 0, "process-crash", 0.9)]
        def row(label, rate, raw, ratio, target, projected, projected_ratio, alone, alone_ratio, window, verdict):
            print(f"{label:<36} {rate:>10,.0f} {raw:>9,.0f} {ratio:>6.2f} {('≥' + str(target)) if target else '—':>7} "
                  f"{projected:>12,.0f} {projected_ratio:>6.2f} "
                  f"{(f'{alone:,.0f}' if alone else '—'):>9} {(f'{alone_ratio:.2f}' if alone else '—'):>6}  {window} {verdict}")

        for name, qos, durability, target in cases:
            if name not in args.cases.split(","):
                continue
            stream = messages(n)
            rounds = []
            for index in range(args.rounds):
                raw = raw_rate(port, qos, stream, n)
                agent = Agent(args.bin, work, f"q{qos}{durability[:2]}{index}", port, qos, durability)
                agents.append(agent)
                rate, projected, alone = agent_rate(agent, port, qos, stream, n)
                agent.stop()
                agents.remove(agent)
                rounds.append((rate, raw, projected, alone))
                window = f"{1e6 / rate:.0f} µs/msg" if qos == 1 else "batched"
                row(f"  round {index + 1}", rate, raw, rate / raw, None, projected, projected / raw,
                    alone, alone / raw if alone else None, window, "")
            median = lambda values: sorted(values)[len(values) // 2]
            ratio = median([rate / raw for rate, raw, _, _ in rounds])
            alones = [alone / raw for _, raw, _, alone in rounds if alone]
            verdict = "" if target is None else ("ok" if ratio >= target else "BELOW")
            row(f"QoS {qos}, {durability} (median)", median([r[0] for r in rounds]), median([r[1] for r in rounds]),
                ratio, target, median([r[2] for r in rounds]), median([p / raw for _, raw, p, _ in rounds]),
                median([a for *_, a in rounds if a]) if alones else None, median(alones) if alones else None,
                f"{1e6 / median([r[0] for r in rounds]):.0f} µs/msg" if qos == 1 else "batched", verdict)
        if args.soak:
            soak(args.bin, work, port, args.soak, args.soak_rate)
    finally:
        for agent in agents:
            agent.stop()
        broker.terminate()
        broker.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
