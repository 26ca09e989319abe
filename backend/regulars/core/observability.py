"""Structured JSON logs with request ids, and Prometheus metrics.

Log lines name the route template (`/w/{token}`), never the raw path, so that wallet
tokens, codes and phone numbers in URLs do not reach the logs.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import os
import re
import secrets
import sys
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUESTS = Counter("regulars_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "regulars_http_request_seconds", "HTTP request latency", ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
EVENTS = Counter("regulars_events_total", "Business events (redemptions, follows, sends, ...)", ["event"])
OUTBOX_DEPTH = Gauge("regulars_outbox_depth", "Care messages waiting to be sent", multiprocess_mode="max")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Masks anything that looks like a mainland mobile number."""
    return _PHONE.sub(r"\1****\2", text)


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": request_id_var.get(),
            "msg": scrub(record.getMessage()),
        }
        for key in ("method", "route", "status", "ms", "client"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our access line names the route, not the raw path
    logging.getLogger("piccolo").setLevel(logging.WARNING)


access_log = logging.getLogger("regulars.access")


class ObservabilityMiddleware:
    """Gives each request an id (X-Request-Id), logs one JSON access line and records metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"").decode("latin-1")
        request_id = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope.get("method", "-")
            _counted(method, route, status).inc()
            _timed(method, route).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info("request", extra={"method": method, "route": route, "status": status,
                                                  "ms": round(elapsed * 1000, 2)})
            request_id_var.reset(token)


@functools.lru_cache(maxsize=2048)
def _counted(method: str, route: str, status: int) -> Any:
    """The request counter's child for these labels (looking a child up takes a lock and validates the labels)."""
    return REQUESTS.labels(method, route, str(status))


@functools.lru_cache(maxsize=1024)
def _timed(method: str, route: str) -> Any:
    return LATENCY.labels(method, route)


def route_template(scope: Scope) -> str:
    """The matched route's template (`/w/{token}`), never the raw path with its tokens and codes."""
    template = scope.get("path_template")
    if template:
        return template
    path = scope.get("path", "")
    if path.startswith(("/static/", "/app/")):
        return path.split("/")[1]
    return "unmatched"


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
