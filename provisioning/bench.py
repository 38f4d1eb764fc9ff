#!/usr/bin/env python3
"""Gantry benchmarks: machine-signal ingest through the agent against the raw receive rate of mosquitto_sub.

Each figure is printed next to its reference measured in the same run on the same broker and message
stream. Targets (issue "Machine signals over MQTT"): QoS 1 with process-crash durability and QoS 0 with
group commit at no less than 0.9 of raw. With --soak SECONDS the agent also takes a steady stream for
that long while its memory (RSS) is sampled, to show it stays flat.

Sparkplug B (issue "Machine signals in Sparkplug B"): DDATA messages of one state metric and two counters by
alias, published by a minimal MQTT client of this script (mosquitto_pub -l cannot send binary payloads) to the
agent as a Sparkplug host and, in the same round, to mosquitto_sub; target 0.9 of raw at QoS 0 and QoS 1.

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


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire, body):
    """A protobuf field: varint (wire 0) or length-delimited (wire 2)."""
    key = varint(number << 3 | wire)
    return key + (varint(body) if wire == 0 else varint(len(body)) + body)


def sparkplug_metric(name=None, alias=None, datatype=None, int_value=None, long_value=None, bool_value=None):
    """A Sparkplug B Payload.Metric, encoded by hand (sparkplug_b.proto: name 1, alias 2, datatype 4, int_value 10,
    long_value 11, boolean_value 14)."""
    body = b""
    if name is not None:
        body += field(1, 2, name.encode())
    if alias is not None:
        body += field(2, 0, alias)
    if datatype is not None:
        body += field(4, 0, datatype)
    if int_value is not None:
        body += field(10, 0, int_value)
    if long_value is not None:
        body += field(11, 0, long_value)
    if bool_value is not None:
        body += field(14, 0, int(bool_value))
    return body


def sparkplug_payload(timestamp, seq, metrics):
    """A Sparkplug B Payload (timestamp 1, metrics 2, seq 3); seq None for NDEATH."""
    body = field(1, 0, timestamp) + b"".join(field(2, 2, metric) for metric in metrics)
    return body + (field(3, 0, seq) if seq is not None else b"")


def sparkplug_births(timestamp):
    """NBIRTH (bdSeq, seq 0) and DBIRTH (seq 1) defining State (Int32, alias 1), Good (UInt64, 2), Scrap (UInt32, 3)."""
    nbirth = sparkplug_payload(timestamp, 0, [sparkplug_metric(name="bdSeq", datatype=8, long_value=0)])
    dbirth = sparkplug_payload(timestamp, 1, [
        sparkplug_metric(name="State", alias=1, datatype=3, int_value=1),
        sparkplug_metric(name="Good", alias=2, datatype=8, long_value=0),
        sparkplug_metric(name="Scrap", alias=3, datatype=7, int_value=0)])
    return nbirth, dbirth


def sparkplug_stream(count):
    """DDATA payloads of one state and two counter totals by alias, seq 2, 3, … mod 256, 1 ms apart, an hour ago."""
    base = int((time.time() - 3600) * 1000)
    return [sparkplug_payload(base + i, (i + 2) % 256, [
        sparkplug_metric(alias=1, int_value=1 + (i // 1000) % 2),
        sparkplug_metric(alias=2, long_value=i + 1),
        sparkplug_metric(alias=3, int_value=i // 50)]) for i in range(count)]


def mqtt_publish(port, qos, messages):
    """Publishes (topic, payload) pairs as fast as the socket takes them: a minimal MQTT 3.1.1 client, one CONNECT,
    every PUBLISH written in one go, then (QoS 1) every PUBACK awaited, then DISCONNECT."""
    def packet(kind, body):
        return bytes([kind]) + varint(len(body)) + body
    def text(value):
        data = value.encode() if isinstance(value, str) else value
        return len(data).to_bytes(2, "big") + data
    blob = bytearray()
    for index, (topic, payload) in enumerate(messages):
        ident = ((index % 65535) + 1).to_bytes(2, "big") if qos else b""
        blob += packet(0x30 | qos << 1, text(topic) + ident + payload)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(packet(0x10, text("MQTT") + bytes([4, 0x02]) + (60).to_bytes(2, "big") + text(f"bench-{os.getpid()}-{time.time_ns()}")))
        if sock.recv(4)[:1] != b"\x20":
            raise SystemExit("the broker refused the bench publisher")
        sock.sendall(blob)
        if qos:
            expected, received, buffer = len(messages) * 4, 0, b""
            while received < expected:
                chunk = sock.recv(65536)
                if not chunk:
                    raise SystemExit("the broker closed the bench publisher's connection")
                received += len(chunk)
        sock.sendall(packet(0xE0, b""))


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


def raw_rate_binary(port, qos, stream, count):
    """mosquitto_sub receiving the binary stream from this script's publisher."""
    topic = f"bench/raw-spb/{qos}"
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-q", str(qos), "-C", str(count), "-t", topic],
                           stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    start = time.perf_counter()
    mqtt_publish(port, qos, [(topic, payload) for payload in stream])
    try:
        sub.wait(timeout=300)
    except subprocess.TimeoutExpired:
        sub.kill()
        raise SystemExit("mosquitto_sub did not receive every message")
    return count / (time.perf_counter() - start)


class Agent:
    def __init__(self, bin_dir, work, name, port, qos, durability, sparkplug=False):
        self.dir = f"{work}/{name}"
        os.makedirs(self.dir)
        self.group = f"Bench{name}"
        with open(f"{self.dir}/agent.conf", "w") as f:
            f.write(f"plant.id = BENCH-{name.upper()}\nhub.url = http://127.0.0.1:9\nhub.token = unused\n"
                    f"store.path = {self.dir}/agent.sqlite\nstore.durability = {durability}\nhttp.port = 0\n"
                    f"sync.backoff_max = 10m\nlog.level = error\n"
                    f"mqtt.host = 127.0.0.1\nmqtt.port = {port}\nmqtt.qos = {qos}\nmqtt.max_message_age = 2d\n")
            if sparkplug:
                with open(f"{self.dir}/mapping.json", "w") as mapping:
                    json.dump({"machines": [{"group": self.group, "node": "Edge1", "device": "Press", "line": "L1",
                                             "machine": "M1", "good": "Good", "scrap": "Scrap",
                                             "state": {"metric": "State", "values": {"1": "running", "2": "idle"}}}]}, mapping)
                f.write(f"sparkplug.groups = {self.group}\nsparkplug.mapping_file = {self.dir}/mapping.json\n")
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


def agent_rate_sparkplug(agent, port, qos, stream, count):
    """The same as agent_rate for Sparkplug DDATA: the node and device are born first (not timed); projected counts
    Sparkplug messages (each gives a state and a count)."""
    topic = f"spBv1.0/{agent.group}/DDATA/Edge1/Press"
    nbirth, dbirth = sparkplug_births(int((time.time() - 3600) * 1000))
    time.sleep(0.3)  # the agent's SUBSCRIBE goes first
    mqtt_publish(port, 1, [(f"spBv1.0/{agent.group}/NBIRTH/Edge1", nbirth), (f"spBv1.0/{agent.group}/DBIRTH/Edge1/Press", dbirth)])
    births = agent.wait(lambda m: (m.get("sparkplug") or {}).get("devicesOnline") == 1, "the device is born")
    stored_before = births["stored"]
    start = time.time()
    mqtt_publish(port, qos, [(topic, payload) for payload in stream])
    at_durable = agent.wait(lambda m: m["stored"] - stored_before >= count, "every message is durable", interval=0.1)
    polled = time.time()
    durable = agent_time(at_durable["lastStoredAt"]) - start
    status = agent.wait(lambda m: m["sparkplug"]["counts"]["messages"] >= count + 2, "every message is projected", interval=0.1)
    projected = agent_time(status["lastProjectedAt"]) - start
    counts = status["sparkplug"]["counts"]
    if counts["deadLetters"] or counts["sequenceGaps"]:
        print(f"  note: {counts['deadLetters']} dead letters, {counts['sequenceGaps']} sequence gaps")
    left = count + 2 - at_durable["sparkplug"]["counts"]["messages"]
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
    parser.add_argument("--cases", default="qos1-process-crash,qos1-power-loss,qos0,spb-qos1-process-crash,spb-qos0",
                        help="which of qos1-process-crash, qos1-power-loss, qos0, spb-qos1-process-crash, spb-qos0 "
                             "to run (comma-separated)")
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
        if any(case.startswith("spb-") for case in args.cases.split(",")):
            sizes = [len(payload) for payload in sparkplug_stream(1000)]
            print(f"Sparkplug: DDATA of {min(sizes)}-{max(sizes)} bytes (a state and two counters by alias), after an NBIRTH "
                  "and a DBIRTH; projected counts Sparkplug messages\n")
        print("durable: written to the agent's inbox; projected: also turned into events; ratios are to raw\n")
        print("projection alone: the rate at which the agent turned the messages still waiting into events once the")
        print("last one was durable (broker, publisher and intake done; shown when a tenth or more was left)\n")
        print(f"{'case':<36} {'durable/s':>10} {'raw/s':>9} {'ratio':>6} {'target':>7} {'projected/s':>12} {'ratio':>6} "
              f"{'alone/s':>9} {'ratio':>6}  window")
        cases = [("qos1-process-crash", 1, "process-crash", 0.9), ("qos1-power-loss", 1, "power-loss", None),
                 ("qos0", 0, "process-crash", 0.9), ("spb-qos1-process-crash", 1, "process-crash", 0.9),
                 ("spb-qos0", 0, "process-crash", 0.9)]
        def row(label, rate, raw, ratio, target, projected, projected_ratio, alone, alone_ratio, window, verdict):
            print(f"{label:<36} {rate:>10,.0f} {raw:>9,.0f} {ratio:>6.2f} {('≥' + str(target)) if target else '—':>7} "
                  f"{projected:>12,.0f} {projected_ratio:>6.2f} "
                  f"{(f'{alone:,.0f}' if alone else '—'):>9} {(f'{alone_ratio:.2f}' if alone else '—'):>6}  {window} {verdict}")

        for name, qos, durability, target in cases:
            if name not in args.cases.split(","):
                continue
            sparkplug = name.startswith("spb-")
            stream = sparkplug_stream(n) if sparkplug else messages(n)
            rounds = []
            for index in range(args.rounds):
                raw = (raw_rate_binary if sparkplug else raw_rate)(port, qos, stream, n)
                agent = Agent(args.bin, work, f"{'s' if sparkplug else ''}q{qos}{durability[:2]}{index}", port, qos, durability,
                              sparkplug=sparkplug)
                agents.append(agent)
                rate, projected, alone = (agent_rate_sparkplug if sparkplug else agent_rate)(agent, port, qos, stream, n)
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
            row(f"{'Sparkplug DDATA ' if sparkplug else ''}QoS {qos}, {durability} (median)", median([r[0] for r in rounds]), median([r[1] for r in rounds]),
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
