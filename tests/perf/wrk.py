"""Peak throughput with Debian's wrk: one thread pinned to the load generator's core."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass
class WrkResult:
    rps: float
    requests: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    errors: dict[str, int]
    statuses: dict[str, int] | None = None  # per answer status, from scripts that count them (once.lua, follow.lua)
    flows: int | None = None  # completed multi-request flows (follow.lua)
    flows_per_s: float | None = None

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


async def run(url: str, script: str, plan_file: Path, *, cpus: str, connections: int, seconds: int,
              extra_args: list[str] | None = None, seed: int = 1) -> WrkResult:
    command = [
        "taskset", "-c", cpus, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", script, url, "--", str(plan_file), str(seed), *(extra_args or []),
    ]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=LUA_DIR, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    text = out.decode(errors="replace")
    line = next((l for l in text.splitlines() if l.startswith("BENCH_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {text[-2000:]} {err.decode(errors='replace')[-2000:]}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    status_line = next((l for l in text.splitlines() if l.startswith("BENCH_STATUS ")), None)
    extra = json.loads(status_line.removeprefix("BENCH_STATUS ")) if status_line else {}
    latency = data["latency_us"]
    duration = data["duration_us"] / 1e6
    return WrkResult(
        rps=data["requests"] / duration,
        requests=data["requests"],
        duration_s=duration,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        p999_ms=latency["p999"] / 1000,
        max_ms=latency["max"] / 1000,
        errors=data["errors"],
        statuses=extra.get("statuses"),
        flows=extra.get("flows"),
        flows_per_s=extra["flows"] / duration if "flows" in extra else None,
    )
