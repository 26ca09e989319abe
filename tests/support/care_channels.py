"""Channels for tests: one that records messages in this process, one that posts to a counting receiver.

They stand where the messaging room's push, inbox and SMS channels plug in, so that the dispatcher's
crash and concurrency behaviour can be counted at the channel."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Sequence

import httpx

from regulars.care import channels


class RecordingChannel:
    """Keeps every message; answers from a script of outcomes (then 'sent')."""

    in_transaction = False

    def __init__(self, name: str, *, replace_safe: bool = True, answers: list[str] | None = None,
                 reachable: set[int] | None = None):
        self.name = name
        self.replace_safe = replace_safe
        self.answers = list(answers or [])
        self.only = reachable
        self.sent: list[channels.Message] = []

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set(customer_ids) if self.only is None else set(customer_ids) & self.only

    async def send(self, message: channels.Message) -> channels.Answer:
        self.sent.append(message)
        outcome = self.answers.pop(0) if self.answers else "sent"
        return channels.Answer(outcome, {"receiver": "recording"})


class PostingChannel:
    """Posts each message to a receiver (a stand-in for a push service), like Web Push with a Topic."""

    name = "push"
    in_transaction = False
    replace_safe = True

    def __init__(self, url: str):
        self.url = url
        self.client = httpx.AsyncClient(timeout=10.0)

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set(customer_ids)

    async def send(self, message: channels.Message) -> channels.Answer:
        response = await self.client.post(self.url, json={"topic": message.topic, "outbox_id": message.outbox_id},
                                          headers={"Topic": message.topic, "TTL": str(message.ttl_seconds)})
        return channels.Answer("sent" if response.status_code == 201 else "retry", {"status": response.status_code})


class Receiver:
    """A local HTTP receiver counting deliveries per Topic, a little slow so that batches take time."""

    def __init__(self, delay: float = 0.0):
        self.posts: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(delay)
                with receiver.lock:
                    receiver.posts[body["topic"]] += 1
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 512
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"

    def total(self) -> int:
        with self.lock:
            return sum(self.posts.values())

    def close(self) -> None:
        self.server.shutdown()


def register_from_environment() -> None:
    """In a worker process started by a test: plug the posting channel in as 'push'."""
    url = os.environ.get("REGULARS_TEST_RECEIVER_URL")
    if url:
        channels.register(PostingChannel(url))
