"""A Sparkplug B edge node for Gantry's tests, built on the third-party pysparkplug (payloads) and paho-mqtt 1.x.

It reads one JSON command a line on stdin and answers `ok N` on stdout once the broker has the message (QoS 0:
written to the socket); it prints `ncmd {edge node} rebirth` for every rebirth request it hears on its group.
Commands (times in ms since the epoch; `at` absent: now):
  {"op": "connect", "node": "Edge1", "bdseq": 0}           connect with the NDEATH of bdSeq as the will
  {"op": "nbirth", "node": "Edge1", "bdseq": 0, "seq": 0, "at": T}
  {"op": "dbirth", "node": "Edge1", "device": "Press7", "seq": 1, "at": T, "state": 1, "reason": "", "good": 1000, "scrap": 10}
  {"op": "ddata", "node": "Edge1", "device": "Press7", "seq": 2, "at": T, "metrics": [[alias, "int32", value], ...]}
  {"op": "ndeath", "node": "Edge1", "bdseq": 0}
  {"op": "raw", "topic": "...", "hex": "0aff"}
  {"op": "disconnect"}
Usage: sparkplug_edge.py PORT GROUP
"""
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt
import pysparkplug as spb

port, group = int(sys.argv[1]), sys.argv[2]
types = {"int32": spb.DataType.INT32, "uint32": spb.DataType.UINT32, "uint64": spb.DataType.UINT64,
         "string": spb.DataType.STRING, "boolean": spb.DataType.BOOLEAN, "double": spb.DataType.DOUBLE}
out = threading.Lock()


def say(text):
    with out:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def now():
    return int(time.time() * 1000)


def bdseq_metric(value):
    return spb.Metric(timestamp=None, name="bdSeq", datatype=spb.DataType.UINT64, value=value)


def on_message(client, userdata, message):
    parts = message.topic.split("/")
    if len(parts) == 4 and parts[2] == "NCMD":
        payload = spb.NCmd.decode(message.payload)
        if any(m.name == "Node Control/Rebirth" and m.value for m in payload.metrics):
            say(f"ncmd {parts[3]} rebirth")


client = None
published = 0


def publish(topic, payload, qos=0):
    global published
    info = client.publish(topic, payload, qos=qos)
    info.wait_for_publish(timeout=10)
    published += 1
    say(f"ok {published}.")


def connect(command):
    global client
    client = mqtt.Client(client_id=f"edge-{command['node']}-{time.time_ns()}", clean_session=True)
    client.on_message = on_message
    death = spb.NDeath(timestamp=now(), bd_seq_metric=bdseq_metric(command["bdseq"]))
    client.will_set(f"spBv1.0/{group}/NDEATH/{command['node']}", death.encode(), qos=1, retain=False)
    connected = threading.Event()
    client.on_connect = lambda c, u, f, rc: connected.set()
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    if not connected.wait(10):
        raise SystemExit("cannot connect to the broker")
    client.subscribe(f"spBv1.0/{group}/NCMD/+", qos=0)
    time.sleep(0.2)  # the SUBACK
    say("connected")


def metric(alias, kind, value, name=None, at=None, birth=False):
    return spb.Metric(timestamp=at, name=name, datatype=types[kind], value=value, alias=alias)


def run(command):
    op = command["op"]
    at = command.get("at") or now()
    node = command.get("node", "Edge1")
    if op == "connect":
        connect(command)
    elif op == "nbirth":
        payload = spb.NBirth(timestamp=at, seq=command["seq"], metrics=(
            bdseq_metric(command["bdseq"]),
            spb.Metric(timestamp=at, name="Node Control/Rebirth", datatype=spb.DataType.BOOLEAN, value=False),
        ))
        publish(f"spBv1.0/{group}/NBIRTH/{node}", payload.encode())
    elif op == "dbirth":
        payload = spb.DBirth(timestamp=at, seq=command["seq"], metrics=(
            metric(1, "int32", command["state"], name="State", at=at),
            metric(2, "string", command["reason"], name="Reason", at=at),
            metric(3, "uint64", command["good"], name="Good", at=at),
            metric(4, "uint32", command["scrap"], name="Scrap", at=at),
            metric(5, "double", 21.5, name="Temperature", at=at),
        ))
        publish(f"spBv1.0/{group}/DBIRTH/{node}/{command['device']}", payload.encode())
    elif op == "ddata":
        payload = spb.DData(timestamp=at, seq=command["seq"], metrics=tuple(
            metric(alias, kind, value) for alias, kind, value in command["metrics"]))
        publish(f"spBv1.0/{group}/DDATA/{node}/{command['device']}", payload.encode())
    elif op == "ndeath":
        payload = spb.NDeath(timestamp=at, bd_seq_metric=bdseq_metric(command["bdseq"]))
        publish(f"spBv1.0/{group}/NDEATH/{node}", payload.encode(), qos=1)
    elif op == "raw":
        publish(command["topic"], bytes.fromhex(command["hex"]))
    elif op == "disconnect":
        client.disconnect()
        client.loop_stop()
        say("disconnected")
    else:
        raise SystemExit(f"unknown command {op}")


for line in sys.stdin:
    if line.strip():
        run(json.loads(line))
