"""Latency at a fixed request rate: an open-loop asyncio client (what wrk2 would measure).

Request i is due at start + i / rate whether or not earlier ones have been answered;
its latency runs from that due time to the last byte of the answer, so a server that
falls behind shows it in the percentiles instead of slowing the client down
(no coordinated omission). Keep-alive HTTP/1.1 over a fixed set of connections;
the client runs pinned to the load generator's core.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable

from tests.perf.workloads import Request


@dataclass
class PacedResult:
    target_rps: float
    achieved_rps: float
    sent: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    client_lag_ms: float
    statuses: dict[str, int]


def encode(request: Request, host: str) -> bytes:
    body = request.body.encode()
    lines = [f"{request.method} {request.target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if body or request.method not in ("GET", "HEAD", "DELETE"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    else:
        if b"chunked" in head.lower():
            raise RuntimeError("chunked answers are not supported by the paced client")
    if length:
        await reader.readexactly(length)
    return status


def _percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def run(host: str, port: int, next_payload: Callable[[int], bytes], *, rate: float, seconds: float,
              connections: int = 64) -> PacedResult:
    """Sends `rate` requests a second for `seconds`; `next_payload(i)` gives request i as encoded bytes."""
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)

    async def connection_worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    return
                due, payload = item
                try:
                    writer.write(payload)
                    status = await _read_response(reader)
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                latencies.append(loop.time() - due)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status >= 400:
                    errors += 1
        finally:
            writer.close()

    workers = [asyncio.create_task(connection_worker()) for _ in range(connections)]
    await asyncio.sleep(0.2)
    lag = 0.0
    start = loop.time()
    for index in range(total):
        due = start + index / rate
        now = loop.time()
        if due > now + 0.0005:
            await asyncio.sleep(due - now)
        else:
            lag = max(lag, now - due)
        queue.put_nowait((due, next_payload(index)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = loop.time() - start
    ordered = sorted(latencies)
    return PacedResult(
        target_rps=rate,
        achieved_rps=len(latencies) / elapsed if elapsed else 0.0,
        sent=total,
        p50_ms=_percentile(ordered, 50) * 1000,
        p90_ms=_percentile(ordered, 90) * 1000,
        p99_ms=_percentile(ordered, 99) * 1000,
        max_ms=(ordered[-1] if ordered else 0.0) * 1000,
        errors=errors,
        client_lag_ms=lag * 1000,
        statuses=statuses,
    )
