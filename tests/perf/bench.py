"""`make bench`: the server as a real process, wrk beside it, results under var/bench/.

For every engine (SQLite with synchronous FULL and NORMAL, PostgreSQL) and every
worker count (1 and 2), the server is started on a prepared demo chain and each
workload is measured twice: peak throughput with wrk, then latency at half of that
peak with a paced open-loop client (the reports: peak only, shorter). Ratios are to
the baseline of the same configuration; follow-and-claim is also compared with
redemption. After the HTTP workloads of an engine: care planning and push fan-out
(tests/perf/extras.py), and on PostgreSQL pgbench on the same cluster.

Environment: BENCH_SCALE=small|full, BENCH_ENGINES=sqlite-full,sqlite-normal,postgres,
BENCH_WORKERS=1,2, BENCH_WORKLOADS=lookup_phone,redeem,follow_claim,report_...,care_planning,care_push,pgbench
(default: all), BENCH_DURATION (seconds; the reports run a third of it),
BENCH_CONNECTIONS (64), BENCH_PG_PORT (55499), BENCH_FRESH=1 (rebuild the SQLite data set),
BENCH_COUPON_POOL (issued coupons added for redemption: 200,000 small, 9.2M full, for 10M coupons in all),
BENCH_QUIET (0.05) and BENCH_QUIET_WAIT (120): before each measurement, wait up to that many
seconds for other processes to use less than that share of the machine. The share they
used during each measurement is recorded ("others"); figures taken beside a busy test
suite are not comparable.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from tests.perf import cpus, extras, paced, report, wrk
from tests.perf.context import Context
from tests.perf.datasets import ENGINES, SCALES, Database, EngineSpec, PostgresCluster, Scale, sqlite_copy, sqlite_master
from tests.perf.server import BenchServer
from tests.perf.workloads import Plan, Workload, selected


REPORT_CONNECTIONS = 8


class Options:
    def __init__(self) -> None:
        name = os.environ.get("BENCH_SCALE", "small")
        if name not in SCALES:
            raise SystemExit(f"BENCH_SCALE must be one of {', '.join(SCALES)}")
        self.scale: Scale = SCALES[name]
        if os.environ.get("BENCH_COUPON_POOL"):
            self.scale = dataclasses.replace(self.scale, coupon_pool=int(os.environ["BENCH_COUPON_POOL"]))
        wanted = [e.strip() for e in os.environ.get("BENCH_ENGINES", ",".join(e.name for e in ENGINES)).split(",") if e.strip()]
        unknown = set(wanted) - {e.name for e in ENGINES}
        if unknown:
            raise SystemExit(f"unknown engines {sorted(unknown)}; known: {', '.join(e.name for e in ENGINES)}")
        self.engines: list[EngineSpec] = [e for e in ENGINES if e.name in wanted]
        self.workers = [int(w) for w in os.environ.get("BENCH_WORKERS", "1,2").split(",") if w.strip()]
        names = os.environ.get("BENCH_WORKLOADS")
        wanted = [n.strip() for n in (names or "").split(",") if n.strip()]
        self.extras = [n for n in extras.NAMES if not names or n in wanted]
        http = [n for n in wanted if n not in extras.NAMES]
        self.workloads: list[Workload] = selected(",".join(http) if http else ("baseline" if names else None))
        self.duration = int(os.environ.get("BENCH_DURATION", self.scale.duration))
        self.warmup = min(self.scale.warmup, self.duration)
        self.connections = int(os.environ.get("BENCH_CONNECTIONS", "64"))
        self.pg_port = int(os.environ.get("BENCH_PG_PORT", "55499"))
        self.quiet = float(os.environ.get("BENCH_QUIET", "0.05"))
        self.quiet_wait = float(os.environ.get("BENCH_QUIET_WAIT", "120"))


def _host() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=report.ROOT).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    return {"cpu": model, "cores": len(cpus.available()), "python": platform.python_version(),
            "wrk": wrk_version[0] if wrk_version else "", "commit": commit}


def _method(options: Options) -> dict[str, str]:
    load = cpus.as_list(cpus.load_cpus())
    return {
        "peak": f"wrk, 1 thread, {options.connections} keep-alive connections, pinned to core {load}; "
                f"{options.warmup}s warm-up, then {options.duration}s measured (reports: {REPORT_CONNECTIONS} connections, "
                f"a third of the duration)",
        "half_load": "open-loop asyncio client (no wrk2 here) sending at half the measured peak rate; each latency "
                     "runs from the request's due time, so queueing behind a slow answer counts (no coordinated "
                     f"omission); {options.connections} keep-alive connections, pinned to core {load}",
        "cpus": "; ".join(f"{w} worker(s): server and database on cores {cpus.as_list(cpus.server_cpus(w))}, "
                          f"load generator on core {load}" for w in options.workers),
        "ratio": "workload throughput / baseline (GET /api/v1/ping) throughput of the same engine and worker count",
        "cpu_ratio": "baseline CPU per request / workload CPU per request, CPU of the server processes and the "
                     "database cluster during the peak run: the same ratio, much less disturbed by other load "
                     "on the machine (it assumes the server side is CPU-bound at peak)",
        "postgres": "throwaway cluster from tests/pg.sh (fsync=off, synchronous_commit=off, other settings default)",
        "others": "share of the machine's CPU used by processes outside the benchmark during a measurement "
                  f"(each measurement first waits up to {options.quiet_wait:g}s for it to fall under {options.quiet:g})",
    }


def _payloads(plan: Plan, host: str, seed: int) -> Callable[[int], bytes]:
    if plan.make_request is not None:
        make = plan.make_request
        return lambda i: paced.encode(make(i), host)
    encoded = [paced.encode(r, host) for r in plan.requests]
    rng = random.Random(seed)
    return lambda i: encoded[rng.randrange(len(encoded))]


async def measure(options: Options, engine: EngineSpec, db: Database, workers: int, work_dir: Path,
                  cluster: PostgresCluster | None) -> list[dict[str, Any]]:
    """Every workload against one server: this engine, this many workers."""
    server_cpus = cpus.as_list(cpus.server_cpus(workers))
    if cluster is not None:
        cluster.pin(server_cpus)
    env = {**engine.env, "REGULARS_DATABASE_URL": db.url, "REGULARS_VAR_DIR": str(work_dir / "var")}
    for workload in options.workloads:
        env.update(workload.server_env)
    server = BenchServer.start(env, workers, server_cpus, work_dir)
    runs: list[dict[str, Any]] = []
    baseline_rps: float | None = None
    baseline_cpu = 0.0
    try:
        ctx = Context(db=db, url=server.url)
        roots = [cluster.postmaster()] if cluster is not None else []
        for workload in options.workloads:
            print(f"  {engine.name} x{workers} {workload.name}:", end="", flush=True)
            run = await measure_workload(options, workload, ctx, server, work_dir, roots)
            if workload.baseline:
                baseline_rps, baseline_cpu = run["peak"]["rps"], run["peak"]["server_cpu_us_per_request"]
            runs.append({"engine": engine.name, "workers": workers, "server_cpus": server_cpus, **run,
                         "ratio": run["rate"] / baseline_rps if baseline_rps else None,
                         "cpu_ratio": baseline_cpu / run["peak"]["server_cpu_us_per_request"] if baseline_rps else None})
        for run, workload in zip(runs, options.workloads):
            if workload.goal_vs:
                other = next((r for r in runs if r["workload"] == workload.goal_vs), None)
                run["vs"] = {"workload": workload.goal_vs, "rate": other["rate"] if other else None,
                             "ratio": run["rate"] / other["rate"] if other and other["rate"] else None}
    except Exception:
        print(f"\nserver log:\n{server.log()}", file=sys.stderr)
        raise
    finally:
        server.stop()
    return runs


async def measure_workload(options: Options, workload: Workload, ctx: Context, server: BenchServer, work_dir: Path,
                           roots: list[int]) -> dict[str, Any]:
    """Peak throughput with wrk after a warm-up, then latency at half that rate with the paced client."""
    load_cpus = cpus.as_list(cpus.load_cpus())
    log_start = server.log_size()
    plan = await workload.setup(ctx)
    plan_file = work_dir / f"{workload.name}.plan"
    plan_file.write_text("\n".join(r.plan_line() for r in plan.requests) + "\n")
    state_file = plan_file.with_suffix(".state")  # once.lua, follow.lua: where the warm-up stopped
    state_file.unlink(missing_ok=True)
    duration = max(3, options.duration // 3) if workload.short else options.duration
    warmup = min(1, options.warmup) if workload.short else options.warmup
    # a report is a handful of managers at once: 64 queued behind answers of 100 ms+ finish none in the window
    connections = min(options.connections, REPORT_CONNECTIONS) if workload.short else options.connections

    async def peak_run(seconds: int) -> wrk.WrkResult:
        return await wrk.run(server.url, workload.script, plan_file, cpus=load_cpus, connections=connections,
                             seconds=seconds, extra_args=[str(state_file), *plan.wrk_args])

    await cpus.wait_quiet(roots, options.quiet, options.quiet_wait)
    warm = await peak_run(warmup)
    server_side = [server.process.pid, *roots]
    probe, cpu_before = cpus.Interference(roots).start(), cpus.tree_cpu(server_side)
    peak = await peak_run(duration)
    cpu_us = (cpus.tree_cpu(server_side) - cpu_before) / max(1, peak.requests) * 1e6
    others = {"peak": round(probe.stop(), 3), "half_load": None}
    rate = peak.rps / workload.requests_per_flow
    unit = "flows" if workload.unit == "flow" else "req"
    print(f" {rate:,.0f} {unit}/s, p99 {peak.p99_ms:.1f} ms", end="", flush=True)
    half = None
    if workload.half_load:
        host, port = server.host_port
        await cpus.wait_quiet(roots, options.quiet, options.quiet_wait)
        probe = cpus.Interference(roots).start()
        half = await paced.run(host, port, _payloads(plan, f"{host}:{port}", ctx.seed), rate=peak.rps / 2,
                               seconds=options.duration, connections=options.connections)
        others["half_load"] = round(probe.stop(), 3)
        print(f"; at {half.target_rps:,.0f} req/s p99 {half.p99_ms:.1f} ms", end="", flush=True)
    errors = _errors(workload, warm, peak, half, server.log_since(log_start))
    if plan.capacity is not None:
        position = _position(state_file)
        errors["plan"] = {"capacity": plan.capacity, "wrk_sent": position,
                          "paced_sent": half.sent if half else 0,
                          "exhausted": position + (half.sent if half else 0) > plan.capacity}
    if errors["failed"]:
        print(f" ERRORS {errors['failed']} (locked {errors['database_locked']})", end="", flush=True)
    print(f" (others {max(v for v in others.values() if v is not None):.0%})", flush=True)
    return {
        "workload": workload.name, "method": workload.method, "path": workload.path,
        "description": workload.description, "notes": plan.notes, "load_cpus": load_cpus, "unit": workload.unit,
        "rate": rate, "duration": duration,
        "peak": vars(peak) | {"server_cpu_us_per_request": round(cpu_us, 1)},
        "half_load": vars(half) if half else None, "others": others, "errors": errors,
        "goals": {"ratio": workload.goal_ratio, "vs": workload.goal_vs, "half_load_p99_ms": workload.goal_half_load_p99_ms},
    }


def _position(state_file: Path) -> int:
    try:
        return int(state_file.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def _errors(workload: Workload, warm: wrk.WrkResult, peak: wrk.WrkResult, half: paced.PacedResult | None,
            log: str) -> dict[str, Any]:
    """Failed answers of the measured runs: every answer that is not 2xx (a flow's 303 redirects excepted) where
    the scripts count statuses, else wrk's status >= 400; socket errors; the paced client's too. Then 5xx among
    them, and the server log's "database is locked" and error lines over the whole workload (warm-up included)."""
    def ok(status: str) -> bool:
        return status.startswith("2") or (workload.unit == "flow" and status == "303")

    statuses: dict[str, int] = {}
    for counted in (peak.statuses or {}, (half.statuses if half else {}) or {}):
        for status, count in counted.items():
            statuses[status] = statuses.get(status, 0) + count
    sockets = sum(v for k, v in peak.errors.items() if k != "status")
    if peak.statuses is not None:
        failed = sockets + sum(c for s, c in peak.statuses.items() if not ok(s))
    else:
        failed = sum(peak.errors.values())
    if half is not None:
        failed += half.errors + sum(c for s, c in half.statuses.items() if not ok(s) and int(s) < 400)
    lines = log.splitlines()
    return {
        "failed": failed, "statuses": statuses,
        "server_5xx": sum(c for s, c in statuses.items() if s.startswith("5")),
        "warmup_failed": sum(warm.errors.values()),
        "database_locked": sum(1 for line in lines if "database is locked" in line),
        "log_errors": sum(1 for line in lines if '"level": "error"' in line or '"level": "critical"' in line
                         or "Traceback" in line),
    }


async def measure_extras(options: Options, engine: EngineSpec, cluster: PostgresCluster | None) -> list[dict[str, Any]]:
    """Care planning, push fan-out and (PostgreSQL) pgbench for one engine, each recorded even when it fails."""
    found: list[dict[str, Any]] = []
    steps = [("care_planning", lambda: extras.care_planning(engine, options.scale, cluster)),
             ("care_push", lambda: extras.care_push(engine, options.scale, cluster))]
    if cluster is not None:
        steps.append(("pgbench", lambda: extras.pgbench(cluster, options.workers, options.connections, options.duration)))
    for name, step in steps:
        if name not in options.extras:
            continue
        print(f"  {engine.name} {name}:", end="", flush=True)
        try:
            result = await step()
        except Exception as exc:  # one failed measurement must not lose the others
            result = {"engine": engine.name, "workload": name, "failed": str(exc)[-1500:]}
        for entry in result if isinstance(result, list) else [result]:
            print(f" {entry.get('summary') or entry.get('skipped') or 'FAILED: ' + entry.get('failed', '')[-300:]}"
                  + (f" (others {entry['others']:.0%})" if "others" in entry else ""), flush=True)
            found.append(entry)
    return found


async def bench(options: Options) -> int:
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: run `make system-deps` (Debian packages wrk, util-linux)")
    os.sched_setaffinity(0, set(cpus.load_cpus()))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    work_dir = Path(tempfile.mkdtemp(prefix="regulars-bench-"))
    (work_dir / "var").mkdir()
    document: dict[str, Any] = {
        "started_at": stamp, "scale": vars(options.scale) | {"duration": options.duration}, "host": _host(),
        "method": _method(options), "datasets": {}, "runs": [], "extras": [],
    }
    print(f"bench {options.scale.name}: {options.scale.customers:,} customers, {options.scale.stores} stores; "
          f"engines {', '.join(e.name for e in options.engines)}; workers {options.workers}", flush=True)
    cluster: PostgresCluster | None = None
    try:
        for engine in options.engines:
            if engine.kind == "sqlite":
                master, seconds, cached, pool = sqlite_master(options.scale, work_dir / "var")
                db = sqlite_copy(master, work_dir, engine, seconds, cached, pool)
            else:
                cluster = PostgresCluster(options.pg_port)
                cluster.start()
                db = await cluster.prepare(options.scale, work_dir / "var")
            counts = dict(zip(("customers", "coupons"), (await db.fetch(
                "SELECT (SELECT COUNT(*) FROM customer), (SELECT COUNT(*) FROM coupon)"))[0]))
            document["datasets"][engine.name] = {"kind": db.kind, "demo_seconds": round(db.prepare_seconds, 1),
                                                 "cached": db.cached, "coupon_pool": db.pool, **counts}
            print(f"  {engine.name}: demo data set {'(cached) ' if db.cached else ''}{db.prepare_seconds:.1f}s, "
                  f"{counts['customers']:,} customers, {counts['coupons']:,} coupons", flush=True)
            for workers in options.workers:
                document["runs"] += await measure(options, engine, db, workers, work_dir,
                                                  cluster if engine.kind == "postgres" else None)
            document["extras"] += await measure_extras(options, engine, cluster if engine.kind == "postgres" else None)
            if db.kind == "sqlite":  # its pages would crowd the next engine's copy out of the page cache
                for suffix in ("", "-wal", "-shm"):
                    Path(db.url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
            if cluster is not None:
                cluster.stop()
                cluster = None
    finally:
        if cluster is not None:
            cluster.stop()
        extras.compare_pgbench(document["extras"], document["runs"])
        document["goals"] = report.goals(document["runs"], document["extras"])
        document["synchronous_cost"] = report.synchronous_cost(document["runs"])
        if document["runs"]:
            path = report.write(document, stamp)
            print()
            print(report.table(document["runs"], document["extras"]))
            print()
            print(report.synchronous_lines(document["synchronous_cost"]))
            print()
            print("goals:")
            print(report.goal_lines(document["goals"]))
            print(f"\nwrote {path.relative_to(report.ROOT)} and var/bench/latest.json")
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


def main() -> None:
    options = Options()
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        raise SystemExit(runner.run(bench(options)))


if __name__ == "__main__":
    main()
