"""What `make bench` measures per engine besides HTTP throughput: care planning, push fan-out, and pgbench.

Care planning and push fan-out run the standalone measurements (tests/perf/care_planning.py,
tests/perf/care_push.py) as child processes on the engine's settings (for PostgreSQL, in a database
of their own on the benchmark's cluster) and take their JSON line. pgbench (TPC-B-like) runs on the
same throwaway cluster as the server did, with the load generator's client count, once per worker
count with the cluster pinned to the server's cores of that configuration: the figure PostgreSQL
redemption is compared with.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from tests.perf import cpus
from tests.perf.datasets import EngineSpec, PostgresCluster, Scale

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("care_planning", "care_push", "pgbench")
PLANNING_GOAL_RATIO, PLANNING_GOAL_SECONDS_PER_MILLION = 1.5, 30.0
PUSH_GOAL_RATIO = 0.7
PGBENCH_SCALE = 10


async def _child(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """Runs a measurement on every core (the benchmark itself is pinned to the load generator's); returns its
    JSON line and the share of the machine other processes used meanwhile."""
    probe = cpus.Interference().start()
    process = await asyncio.create_subprocess_exec(
        "taskset", "-c", cpus.as_list(cpus.available()), *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    others = round(probe.stop(), 3)
    lines = [line for line in out.decode(errors="replace").splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}): {err.decode(errors='replace')[-2000:]}")
    return json.loads(lines[-1]), others


def _env(engine: EngineSpec, cluster: PostgresCluster | None, **extra: str) -> dict[str, str]:
    env = {**os.environ, **engine.env, "CARE_BENCH_ENGINE": engine.kind, "REGULARS_LOG_LEVEL": "WARNING", **extra}
    env.pop("CARE_BENCH_CHILD", None)
    if cluster is not None:
        env["CARE_BENCH_PG"] = cluster.base_url
    return env


async def care_planning(engine: EngineSpec, scale: Scale, cluster: PostgresCluster | None) -> dict[str, Any]:
    result, others = await _child([sys.executable, "-m", "tests.perf.care_planning"],
                                  _env(engine, cluster, CARE_BENCH_CUSTOMERS=str(scale.customers)))
    seconds_goal = PLANNING_GOAL_SECONDS_PER_MILLION * scale.customers / 1_000_000
    checks = [result["ratio"] <= PLANNING_GOAL_RATIO, result["second_run_added"] == 0]
    if engine.kind == "sqlite":
        checks.append(result["planner_s"] < seconds_goal)
    return {
        "engine": engine.name, "workload": "care_planning", "rate": result["rows"] / result["planner_s"] if result["planner_s"] else None,
        "unit": "outbox rows", "ratio": result["ratio"], "others": others, "met": all(checks),
        "goal": f"<={PLANNING_GOAL_RATIO:g}x SQL, rerun 0" + (f", <{seconds_goal:g}s" if engine.kind == "sqlite" else ""),
        "summary": f"planner {result['planner_s']} s for {result['customers']:,} customers ({result['rows']:,} rows), "
                   f"INSERT...SELECT {result['baseline_s']} s, second run added {result['second_run_added']} "
                   f"in {result['second_run_s']} s",
        "result": result,
        "notes": "goal of issue 5: under 30 s for 1M customers on SQLite; at other scales in proportion "
                 f"({seconds_goal:g} s for {scale.customers:,})",
    }


async def care_push(engine: EngineSpec, scale: Scale, cluster: PostgresCluster | None) -> dict[str, Any]:
    result, others = await _child([sys.executable, "-m", "tests.perf.care_push"],
                                  _env(engine, cluster, CARE_PUSH_CUSTOMERS=str(scale.push_customers)))
    return {
        "engine": engine.name, "workload": "care_push", "rate": result["fan_out_per_s"], "unit": "messages",
        "ratio": result["ratio"], "others": others, "met": result["ratio"] >= PUSH_GOAL_RATIO,
        "goal": f">={PUSH_GOAL_RATIO:g}x encryption alone",
        "summary": f"fan-out {result['fan_out_per_s']:,.0f}/s to a local push service ({result['fan_out_cpu_us']} µs CPU a "
                   f"message), encryption alone {result['encrypt_per_s']:,.0f}/s ({result['encrypt_cpu_us']} µs), "
                   f"{result['messages']:,} messages, outbox {result['statuses']}",
        "result": result,
    }


def pgbench_path() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    return str(candidates[-1]) if candidates else None


async def _run(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    text = out.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}): {text[-2000:]}")
    return text


async def pgbench(cluster: PostgresCluster, workers: list[int], connections: int, seconds: int) -> list[dict[str, Any]]:
    """TPC-B-like tps of pgbench on the benchmark's cluster, per worker count (the cluster on that many cores)."""
    binary = pgbench_path()
    if binary is None:
        return [{"engine": "postgres", "workload": "pgbench", "skipped": "pgbench not found (Debian: postgresql-client)"}]
    import asyncpg

    admin = await asyncpg.connect(f"{cluster.base_url}/postgres")
    try:
        await admin.execute("DROP DATABASE IF EXISTS bench_pgbench")
        await admin.execute("CREATE DATABASE bench_pgbench")
    finally:
        await admin.close()
    target = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    await _run(binary, "-i", "-q", "-s", str(PGBENCH_SCALE), *target, "bench_pgbench")
    found = []
    try:
        for count in workers:
            cluster.pin(cpus.as_list(cpus.server_cpus(count)))
            probe = cpus.Interference([cluster.postmaster()]).start()
            text = await _run("taskset", "-c", cpus.as_list(cpus.load_cpus()), binary, "-c", str(connections), "-j", "1",
                              "-T", str(seconds), "-M", "prepared", *target, "bench_pgbench")
            others = round(probe.stop(), 3)
            tps = float(re.search(r"tps = ([\d.]+)", text).group(1))
            found.append({"engine": "postgres", "workers": count, "workload": "pgbench", "rate": tps, "unit": "transactions",
                          "others": others, "server_cpus": cpus.as_list(cpus.server_cpus(count)),
                          "summary": f"pgbench -s {PGBENCH_SCALE} TPC-B-like, {connections} clients, 1 thread, {seconds}s: "
                                     f"{tps:,.0f} tps",
                          "command": f"pgbench -c {connections} -j 1 -T {seconds} -M prepared (after -i -s {PGBENCH_SCALE})"})
    finally:
        admin = await asyncpg.connect(f"{cluster.base_url}/postgres")
        try:
            await admin.execute("DROP DATABASE IF EXISTS bench_pgbench WITH (FORCE)")
        finally:
            await admin.close()
    return found


def compare_pgbench(extras: list[dict[str, Any]], runs: list[dict[str, Any]]) -> None:
    """Issue 3's PostgreSQL goal: redemption at least pgbench's tps on the same machine, per worker count."""
    for entry in extras:
        if entry.get("workload") != "pgbench" or "rate" not in entry:
            continue
        redeem = next((r for r in runs if r["engine"] == "postgres" and r["workers"] == entry["workers"]
                       and r["workload"] == "redeem"), None)
        entry["goal"] = ">=1x: redeem req/s / tps"
        entry["ratio"] = redeem["rate"] / entry["rate"] if redeem and entry["rate"] else None
        entry["met"] = None if entry["ratio"] is None else entry["ratio"] >= 1.0
