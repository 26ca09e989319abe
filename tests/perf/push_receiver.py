"""A local push service for benchmarks: answers 201 to every POST /push/{id} and counts messages per Topic.

    python -m tests.perf.push_receiver PORT_FILE     # writes its port there; on SIGTERM prints JSON counts

It stands in for a browser vendor's push service, which runs on other machines; so it does as little as an
HTTP/1.1 keep-alive server can (httptools parses, nothing else runs per request) and takes as little as
possible of the machine the fan-out is measured on. The tests' push service (tests/support) is the one that
checks the VAPID signature and decrypts the payload.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
from collections import Counter

import httptools
import uvloop

ANSWER = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
REFUSED = b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Receiver(asyncio.Protocol):
    def __init__(self, topics: Counter[str]) -> None:
        self.topics = topics
        self.parser = httptools.HttpRequestParser(self)
        self.topic = ""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()

    def on_message_begin(self) -> None:
        self.topic = ""

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"topic":
            self.topic = value.decode()

    def on_message_complete(self) -> None:
        if self.parser.get_method() != b"POST":
            self.transport.write(REFUSED)
            self.transport.close()
            return
        self.topics[self.topic] += 1
        self.transport.write(ANSWER)


async def main(port_file: str) -> None:
    topics: Counter[str] = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Receiver(topics), "127.0.0.1", 0, backlog=1024)
    with open(port_file, "w") as sink:
        sink.write(str(server.sockets[0].getsockname()[1]))
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    print(json.dumps({"messages": sum(topics.values()), "topics": len(topics),
                      "repeated": sum(1 for n in topics.values() if n > 1),
                      "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2)}), flush=True)


if __name__ == "__main__":
    uvloop.run(main(sys.argv[1]))
