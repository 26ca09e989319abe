"""Scales, engines and the prepared databases the server runs on during the benchmark.

The SQLite data set is built once per scale with `regulars demo` plus the redemption
benchmark's coupon pool (tests/perf/pool.py) and kept under var/bench/data/ (rebuilt when the demo or a migration changes, or with BENCH_FRESH=1);
each engine run works on its own copy. PostgreSQL runs in a throwaway cluster
(tests/pg.sh) filled afresh every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.perf.cpus import pin_tree

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "var" / "bench" / "data"


@dataclass(frozen=True)
class Scale:
    name: str
    stores: int
    customers: int
    duration: int
    warmup: int
    coupon_pool: int  # issued, valid coupons for the redemption workload, besides the demo's history
    push_customers: int  # subscribed customers of the push fan-out measurement


# full: the demo's history holds about 0.8 coupons per customer; with the pool, 10M coupons in all
SCALES = {
    "small": Scale("small", stores=30, customers=100_000, duration=8, warmup=2, coupon_pool=200_000, push_customers=3000),
    "full": Scale("full", stores=200, customers=1_000_000, duration=20, warmup=5, coupon_pool=9_200_000,
                  push_customers=10_000),
}


@dataclass(frozen=True)
class EngineSpec:
    name: str
    kind: str
    env: dict[str, str] = field(default_factory=dict)


ENGINES = [
    EngineSpec("sqlite-full", "sqlite", {"REGULARS_SQLITE_SYNCHRONOUS": "FULL"}),
    EngineSpec("sqlite-normal", "sqlite", {"REGULARS_SQLITE_SYNCHRONOUS": "NORMAL"}),
    EngineSpec("postgres", "postgres"),
]


@dataclass
class Database:
    """A prepared database: its URL for the server, and read access for workload setup."""

    kind: str
    url: str
    prepare_seconds: float
    cached: bool = False
    pool: dict[str, Any] = field(default_factory=dict)

    async def fetch(self, sql: str, *args: Any) -> list[tuple]:
        """Rows of one query with `{}` placeholders, read outside the server."""
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                return connection.execute(sql.replace("{}", "?"), args).fetchall()
            finally:
                connection.close()
        import asyncpg

        parts = sql.split("{}")
        numbered = "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]
        connection = await asyncpg.connect(self.url)
        try:
            return [tuple(r) for r in await connection.fetch(numbered, *args)]
        finally:
            await connection.close()


def fingerprint(scale: Scale) -> str:
    """Changes when the demo generator or any migration changes."""
    digest = hashlib.sha256(f"{scale.stores}:{scale.customers}:{scale.coupon_pool}".encode())
    backend = ROOT / "backend" / "regulars"
    for path in sorted([backend / "demo.py", backend / "demo_history.py", backend / "demo_events.py",
                        *backend.glob("*/demo.py"), Path(__file__).with_name("pool.py"),
                        *backend.glob("*/piccolo_migrations/*.py")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def fill(env: dict[str, str], scale: Scale) -> tuple[float, dict[str, Any]]:
    """Migrates and fills one database with the demo chain and the coupon pool; returns the wall time of
    both and what the pool step reports (its size, the coupons in all, its own seconds)."""
    base = {**os.environ, **env, "REGULARS_LOG_LEVEL": "WARNING"}
    regulars = [sys.executable, "-m", "regulars.cli"]
    subprocess.run([*regulars, "migrate"], env=base, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([*regulars, "demo", "--stores", str(scale.stores), "--customers", str(scale.customers)],
                   env=base, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    demo_seconds = time.perf_counter() - started
    print(f"  demo chain {demo_seconds:.0f}s; adding {scale.coupon_pool:,} coupons for redemption…", flush=True)
    out = subprocess.run([sys.executable, "-m", "tests.perf.pool", str(scale.coupon_pool)], env=base, cwd=ROOT,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    pool = json.loads(out.strip().splitlines()[-1]) | {"demo_seconds": round(demo_seconds, 1)}
    return time.perf_counter() - started, pool


def sqlite_master(scale: Scale, var_dir: Path) -> tuple[Path, float, bool, dict[str, Any]]:
    """The pristine SQLite data set of this scale: (path, seconds the demo and pool took, whether it was cached,
    the pool's figures)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"sqlite-{scale.name}.sqlite3"
    stamp_path = path.with_suffix(".json")
    stamp_wanted = fingerprint(scale)
    if path.exists() and stamp_path.exists() and not os.environ.get("BENCH_FRESH"):
        stamp = json.loads(stamp_path.read_text())
        if stamp.get("fingerprint") == stamp_wanted:
            return path, stamp["demo_seconds"], True, stamp.get("pool", {})
    for stale in DATA_DIR.glob(f"{path.name}*"):
        stale.unlink()
    stamp_path.unlink(missing_ok=True)
    print(f"  building the {scale.name} SQLite data set ({scale.customers:,} customers)…", flush=True)
    seconds, pool = fill({"REGULARS_DATABASE_URL": f"sqlite:///{path}", "REGULARS_VAR_DIR": str(var_dir)}, scale)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    stamp_path.write_text(json.dumps({"fingerprint": stamp_wanted, "demo_seconds": seconds, "pool": pool}))
    return path, seconds, False, pool


def sqlite_copy(master: Path, work_dir: Path, engine: EngineSpec, seconds: float, cached: bool,
                pool: dict[str, Any] | None = None) -> Database:
    target = work_dir / f"{engine.name}.sqlite3"
    shutil.copyfile(master, target)
    os.sync()  # the copy's gigabytes would otherwise be written back during the first measurements
    return Database("sqlite", f"sqlite:///{target}", seconds, cached, pool or {})


class PostgresCluster:
    """A throwaway cluster from tests/pg.sh on a port of the benchmark's own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(f"/tmp/regulars-bench-pg-{port}")
        self.base_url = f"postgresql://postgres@127.0.0.1:{port}"

    def start(self) -> None:
        subprocess.run([str(ROOT / "tests" / "pg.sh"), "start", str(self.dir), str(self.port)], check=True,
                       stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        subprocess.run([str(ROOT / "tests" / "pg.sh"), "stop", str(self.dir), str(self.port)], check=False)

    def postmaster(self) -> int:
        return int((self.dir / "postmaster.pid").read_text().split()[0])

    def pin(self, cpus: str) -> None:
        """Moves the cluster's processes (and the backends it forks later) onto these cores."""
        pin_tree(self.postmaster(), cpus)

    async def prepare(self, scale: Scale, var_dir: Path) -> Database:
        import asyncpg

        connection = await asyncpg.connect(f"{self.base_url}/postgres")
        try:
            await connection.execute("DROP DATABASE IF EXISTS regulars_bench")
            await connection.execute("CREATE DATABASE regulars_bench")
        finally:
            await connection.close()
        url = f"{self.base_url}/regulars_bench"
        print(f"  filling PostgreSQL ({scale.customers:,} customers)…", flush=True)
        seconds, pool = fill({"REGULARS_DATABASE_URL": url, "REGULARS_VAR_DIR": str(var_dir)}, scale)
        return Database("postgres", url, seconds, pool=pool)
