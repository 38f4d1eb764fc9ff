#!/usr/bin/env python3
"""A fault-injecting TCP proxy for the bad-WAN tests (docs/reliability.md, "A bad WAN").

It sits between the agent and the hub and makes the link plants have: added latency, packet loss, stalls, a
bandwidth limit, and connections cut and the link refused for a while, over and over. The kernels these tests
run on have no `tc netem`, so latency, loss, stalls and cuts are made here; `tc tbf` on a veth pair limits the
bandwidth where namespaces are used (soak_wan.py), and `--rate` here otherwise.

How each fault is made (what the test can and cannot claim):
- latency: every segment is forwarded `--latency-ms` after it arrived, in each direction (so the round trip
  gains twice that), keeping order.
- loss (`--loss p`): TCP hides a lost segment behind a retransmission, so the application sees a delay, never a
  gap. Each segment (at most 1448 bytes) is "lost" with probability p and delivered only after a retransmission
  timeout (`--rto-ms`, doubling while losses follow one another), holding back the segments behind it as TCP's
  in-order delivery does. This is an emulation of loss as TCP shows it, not loss on the wire. With `--reset p`
  a connection is also reset (RST) with probability p per segment, as a middlebox that gives up does.
- stalls (`--stall-every S --stall-for T`): every S seconds nothing is forwarded for T seconds; connections are
  still accepted and kept open.
- cuts (`--cut-every S --cut-for T`): every S seconds every open connection is reset mid-transfer and new ones are
  reset as soon as they are accepted, for T seconds; then the link is restored.
- bandwidth (`--rate BYTES_PER_S`): each direction is one link of that rate shared by all connections.

It writes its counts as JSON to `--stats` (every second and at exit): connections, bytes each way, segments
delayed as lost, resets, cuts, stalls, and the HTTP requests it saw going up with and without
`Content-Encoding: gzip`, so a test can tell what went on the wire.

Usage: wan_proxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8480 [faults] [--stats FILE] [--seed N]
The port it listens on is printed as `listening on HOST:PORT` on its first line.
"""
import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import struct
import sys
import time

SEGMENT = 1448
REQUEST_LINE = re.compile(rb"(POST|PUT|PATCH|GET|DELETE|HEAD) (\S+) HTTP/1\.[01]\r\n")
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)\r\n", re.IGNORECASE)
GZIP_HEADER = re.compile(rb"\r\ncontent-encoding:[ \t]*gzip\r\n", re.IGNORECASE)


class Link:
    """One direction of the link: a rate shared by every connection, and the faults' state."""

    def __init__(self, rate):
        self.rate = rate
        self.free_at = 0.0

    def transmit(self, ready, size):
        """When a segment ready at `ready` has left the link."""
        if not self.rate:
            return ready
        start = max(ready, self.free_at)
        self.free_at = start + size / self.rate
        return self.free_at


class Proxy:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)
        self.up = Link(args.rate)
        self.down = Link(args.rate)
        self.stalled_until = 0.0
        self.cut_until = 0.0
        self.connections = set()
        self.stats = {
            "connections": 0, "bytes_up": 0, "bytes_down": 0, "segments": 0, "segments_lost": 0, "resets": 0,
            "cuts": 0, "connections_cut": 0, "stalls": 0, "requests": 0, "gzip_requests": 0, "plain_requests": 0,
            "requests_by_path": {}, "gzip_by_path": {},
        }

    # Faults on a schedule.
    async def every(self, period, action):
        while True:
            await asyncio.sleep(period)
            action()

    def stall(self):
        self.stats["stalls"] += 1
        self.stalled_until = time.monotonic() + self.args.stall_for

    def cut(self):
        self.stats["cuts"] += 1
        self.cut_until = time.monotonic() + self.args.cut_for
        for connection in list(self.connections):
            self.stats["connections_cut"] += 1
            connection.reset()

    # Connections.
    async def accept(self, reader, writer):
        connection = Connection(self, reader, writer)
        self.stats["connections"] += 1
        if time.monotonic() < self.cut_until:
            self.stats["connections_cut"] += 1
            connection.reset()
            return
        self.connections.add(connection)
        try:
            await connection.run()
        except asyncio.CancelledError:
            pass  # the proxy is stopping
        finally:
            self.connections.discard(connection)

    def write_stats(self):
        if self.args.stats:
            with open(self.args.stats + ".tmp", "w") as file:
                json.dump(self.stats, file)
            os.replace(self.args.stats + ".tmp", self.args.stats)

    async def report(self):
        while True:
            self.write_stats()
            await asyncio.sleep(1)


class Connection:
    def __init__(self, proxy, reader, writer):
        self.proxy = proxy
        self.client = (reader, writer)
        self.server = None
        self.tasks = []
        self.closed = False
        self.head = b""  # upstream bytes not yet parsed as a request's headers or body
        self.body_left = 0

    def reset(self):
        """Ends the connection with a RST on both sides, mid-transfer if need be."""
        if self.closed:
            return
        self.closed = True
        self.proxy.stats["resets"] += 1
        for pair in (self.client, self.server):
            if pair is None:
                continue
            writer = pair[1]
            sock = writer.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()

    async def run(self):
        host, port = self.proxy.args.target
        try:
            self.server = await asyncio.open_connection(host, port)
        except OSError:
            self.reset()
            return
        if self.closed:  # cut while connecting
            self.server[1].transport.abort()
            return
        up = asyncio.create_task(self.pipe(self.client[0], self.server[1], self.proxy.up, "bytes_up", True))
        down = asyncio.create_task(self.pipe(self.server[0], self.client[1], self.proxy.down, "bytes_down", False))
        self.tasks = [up, down]
        await asyncio.gather(up, down, return_exceptions=True)
        if not self.closed:
            self.closed = True
            for pair in (self.client, self.server):
                pair[1].close()

    def saw_upstream(self, data):
        """Follows the HTTP requests going up (headers, then Content-Length bytes of body) to count them by path
        and by whether their body is gzip. A request cut mid-way is counted when its headers were seen."""
        self.head += data
        while True:
            if self.body_left:
                taken = min(self.body_left, len(self.head))
                self.body_left -= taken
                self.head = self.head[taken:]
                if self.body_left:
                    return
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                self.head = self.head[-65536:]
                return
            headers, self.head = self.head[:end + 2], self.head[end + 4:]
            match = REQUEST_LINE.match(headers)
            if not match:
                continue
            stats = self.proxy.stats
            stats["requests"] += 1
            path = match.group(2).split(b"?")[0].decode("latin-1")
            stats["requests_by_path"][path] = stats["requests_by_path"].get(path, 0) + 1
            if GZIP_HEADER.search(headers):
                stats["gzip_requests"] += 1
                stats["gzip_by_path"][path] = stats["gzip_by_path"].get(path, 0) + 1
            else:
                stats["plain_requests"] += 1
            length = CONTENT_LENGTH.search(headers)
            self.body_left = int(length.group(1)) if length else 0

    async def pipe(self, reader, writer, link, counter, upstream):
        args, stats, proxy = self.proxy.args, self.proxy.stats, self.proxy
        queue = asyncio.Queue()
        lost_in_a_row = 0
        deliver_after = 0.0  # in-order delivery: no segment leaves before the one ahead of it

        async def send():
            while True:
                due, segment = await queue.get()
                if segment is None:
                    try:
                        writer.write_eof()
                    except (OSError, RuntimeError):
                        pass
                    return
                while True:
                    now = time.monotonic()
                    wait = max(due, proxy.stalled_until) - now
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                writer.write(segment)
                await writer.drain()

        sender = asyncio.create_task(send())
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    await queue.put((0, None))
                    break
                if upstream:
                    self.saw_upstream(data)
                stats[counter] += len(data)
                for start in range(0, len(data), SEGMENT):
                    segment = data[start:start + SEGMENT]
                    stats["segments"] += 1
                    if args.reset and proxy.random.random() < args.reset:
                        self.reset()
                        return
                    ready = time.monotonic() + args.latency_ms / 1000
                    if args.loss and proxy.random.random() < args.loss:
                        stats["segments_lost"] += 1
                        lost_in_a_row += 1
                        ready += args.rto_ms / 1000 * (2 ** min(lost_in_a_row - 1, 6))
                    else:
                        lost_in_a_row = 0
                    due = link.transmit(max(ready, deliver_after), len(segment))
                    deliver_after = due
                    await queue.put((due, segment))
            await sender
        except (OSError, asyncio.IncompleteReadError, ConnectionError):
            self.reset()
        finally:
            sender.cancel()


def address(text):
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", type=address, default=("127.0.0.1", 0))
    parser.add_argument("--target", type=address, required=True)
    parser.add_argument("--latency-ms", type=float, default=0, help="one-way added delay per segment")
    parser.add_argument("--loss", type=float, default=0, help="probability a segment is lost (delivered after an RTO)")
    parser.add_argument("--rto-ms", type=float, default=0, help="retransmission timeout (default: 2 x latency + 200 ms)")
    parser.add_argument("--reset", type=float, default=0, help="probability per segment of resetting the connection")
    parser.add_argument("--rate", type=float, default=0, help="bytes per second each way (0: unlimited)")
    parser.add_argument("--stall-every", type=float, default=0)
    parser.add_argument("--stall-for", type=float, default=0)
    parser.add_argument("--cut-every", type=float, default=0)
    parser.add_argument("--cut-for", type=float, default=0)
    parser.add_argument("--stats", help="JSON file for the counts")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    if not args.rto_ms:
        args.rto_ms = 2 * args.latency_ms + 200
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.accept, args.listen[0], args.listen[1])
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {args.listen[0]}:{port}", flush=True)
    tasks = [asyncio.create_task(proxy.report())]
    if args.stall_every and args.stall_for:
        tasks.append(asyncio.create_task(proxy.every(args.stall_every, proxy.stall)))
    if args.cut_every and args.cut_for:
        tasks.append(asyncio.create_task(proxy.every(args.cut_every, proxy.cut)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    server.close()
    for connection in list(proxy.connections):
        connection.reset()
    proxy.write_stats()
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
