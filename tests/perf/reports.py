"""`python -m tests.perf.reports`: each report's answer time against a hand-written SQL query computing the
same numbers from the other rooms' rows, on the benchmark's demo chain (BENCH_SCALE, BENCH_ENGINES as in
tests.perf.bench; BENCH_REPORTS=acquisition,rfm to time only some; BENCH_REPEAT timings each, the median kept,
after one warm-up). PostgreSQL runs in a throwaway cluster of its own (BENCH_REPORTS_PG_PORT, 55497), never the
benchmark's.

The report is timed over HTTP on a running server (the whole request: session, filters, SQL, JSON); the
hand-written query straight on the database, as a store manager (one store) and as the region admin (the
chain). Goal (issue 7): at most 1.2 times the hand-written query, and under 3 s on SQLite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from regulars.demo import DEMO_PASSWORD
from tests.perf import cpus, report
from tests.perf.datasets import ENGINES, SCALES, Database, PostgresCluster, fingerprint, sqlite_copy, sqlite_master
from tests.perf.server import BenchServer

ZONE = ZoneInfo("Asia/Shanghai")
GOAL_RATIO, GOAL_SQLITE_SECONDS = 1.2, 3.0


def _window() -> dict[str, Any]:
    today = dt.datetime.now(ZONE).date()
    start = dt.datetime.combine(today - dt.timedelta(days=29), dt.time(), ZONE).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), ZONE).astimezone(dt.timezone.utc)
    now = dt.datetime.now(dt.timezone.utc)
    return {"today": today, "start": start, "end": end, "now": now, "from": today - dt.timedelta(days=29),
            "year_start": dt.datetime.combine(today - dt.timedelta(days=364), dt.time(), ZONE).astimezone(dt.timezone.utc)}


def _days(kind: str, earlier: str, later: str) -> str:
    if kind == "postgres":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def hand_written(kind: str, w: dict[str, Any], store: int | None) -> dict[str, list[tuple[str, list]]]:
    """Per report, the queries a person would write for the same numbers (store filter when given)."""
    def only(column: str) -> tuple[str, list]:
        return (f" AND {column} = {{}}", [store]) if store is not None else ("", [])

    cs, ca = only("c.home_store")
    ps, pa = only("p.store")
    p1s, p1a = only("p1.store")
    gap = _days(kind, "p1.occurred_at", "p2.occurred_at")
    cohort = (f"SELECT p1.store AS g, p1.customer, CASE WHEN p2.id IS NOT NULL AND {gap} <= 90 THEN {gap} END AS days "
              f"FROM purchase p1 LEFT JOIN purchase p2 ON p2.customer = p1.customer AND p2.seq = 2 "
              f"WHERE p1.seq = 1 AND p1.occurred_at >= {{}} AND p1.occurred_at < {{}}{p1s}")
    month = ("to_char(({} AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM')" if kind == "postgres"
             else "strftime('%Y-%m', {}, '+480 minutes')")
    rec = _days(kind, "MAX(p.occurred_at)", "{}")
    local_day = ("CAST(({} AT TIME ZONE 'Asia/Shanghai') AS DATE)" if kind == "postgres" else "date({}, '+480 minutes')")
    cutoff = w["now"] - dt.timedelta(days=90)
    risk = ("((c.contract_end_on >= {} AND c.contract_end_on <= {}) OR (c.created_at < {} AND NOT EXISTS (SELECT 1 "
            "FROM purchase p WHERE p.customer = c.id AND p.occurred_at >= {} AND p.kind IN ('purchase', 'visit'))))")
    risk_args = [w["today"], w["today"] + dt.timedelta(days=30), cutoff, cutoff]
    return {
        "profiles": [(f"SELECT c.home_store, COUNT(*), AVG(c.completeness), SUM(CASE WHEN c.birth_month IS NOT NULL THEN 1 ELSE 0 END), "
                      f"SUM(CASE WHEN c.plan <> '' THEN 1 ELSE 0 END), SUM(CASE WHEN c.device_model <> '' THEN 1 ELSE 0 END), "
                      f"SUM(CASE WHEN c.consent_service THEN 1 ELSE 0 END), SUM(CASE WHEN c.consent_marketing THEN 1 ELSE 0 END) "
                      f"FROM customer c WHERE c.erased_at IS NULL AND c.created_at < {{}}{cs} GROUP BY c.home_store", [w["end"], *ca]),
                     (f"SELECT c.completeness / 20, COUNT(*) FROM customer c WHERE c.erased_at IS NULL AND c.created_at < {{}}{cs} GROUP BY 1",
                      [w["end"], *ca])],
        "repurchase": [(f"WITH co AS ({cohort}) SELECT g, COUNT(*), COUNT(days), AVG(days) FROM co GROUP BY g",
                        [w["start"], w["end"], *p1a]),
                       (f"WITH co AS ({cohort}) SELECT g, AVG(days) FROM (SELECT g, days, ROW_NUMBER() OVER (PARTITION BY g ORDER BY days) rn, "
                        f"COUNT(*) OVER (PARTITION BY g) n FROM co WHERE days IS NOT NULL) x WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g",
                        [w["start"], w["end"], *p1a])],
        "retention": [(f"SELECT {month.format('c.created_at')}, {month.format('p.occurred_at')}, COUNT(DISTINCT c.id) FROM customer c "
                       f"JOIN purchase p ON p.customer = c.id AND p.kind IN ('purchase', 'visit') "
                       f"WHERE c.created_at >= {{}} AND c.created_at < {{}}{cs} GROUP BY 1, 2",
                       [w["start"] - dt.timedelta(days=31), w["end"], *ca]),
                      (f"SELECT {month.format('c.created_at')}, COUNT(*) FROM customer c WHERE c.created_at >= {{}} AND c.created_at < {{}}{cs} GROUP BY 1",
                       [w["start"] - dt.timedelta(days=31), w["end"], *ca])],
        "coupons": [(f"SELECT c.template, COUNT(*), SUM(CASE WHEN c.seen_at IS NOT NULL THEN 1 ELSE 0 END), "
                     f"SUM(CASE WHEN c.state = 'redeemed' THEN 1 ELSE 0 END), SUM(CASE WHEN c.state = 'expired' THEN 1 ELSE 0 END), "
                     f"SUM(CASE WHEN c.state = 'issued' AND c.valid_until > {{}} THEN 1 ELSE 0 END), "
                     f"SUM(CASE WHEN c.state = 'issued' AND c.valid_until > {{}} AND t.kind = 'amount_off' THEN t.amount_off_fen ELSE 0 END) "
                     f"FROM coupon c JOIN coupon_template t ON t.id = c.template WHERE c.issued_at >= {{}} AND c.issued_at < {{}}"
                     + (" AND c.issued_store = {}" if store else "") + " GROUP BY c.template",
                     [w["now"], w["now"], w["start"], w["end"], *([store] if store else [])]),
                    ("SELECT COUNT(*), SUM(t.amount_off_fen) FROM coupon c JOIN coupon_template t ON t.id = c.template "
                     "WHERE c.state = 'issued' AND c.valid_until > {}" + (" AND c.issued_store = {}" if store else ""),
                     [w["now"], *([store] if store else [])])],
        "points": [(f"SELECT COALESCE(e.store_id, c.home_store), e.kind, SUM(e.points) FROM points_entry e JOIN customer c ON c.id = e.customer "
                    f"WHERE e.at >= {{}} AND e.at < {{}}" + (" AND COALESCE(e.store_id, c.home_store) = {}" if store else "") + " GROUP BY 1, 2",
                    [w["start"], w["end"], *([store] if store else [])]),
                   (f"SELECT c.home_store, SUM(b.balance), SUM(CASE WHEN b.balance > 0 THEN 1 ELSE 0 END) FROM points_balance b "
                    f"JOIN customer c ON c.id = b.customer WHERE 1 = 1{cs} GROUP BY 1", ca),
                   (f"SELECT c.home_store, SUM(l.remaining) FROM points_lot l JOIN customer c ON c.id = l.customer "
                    f"WHERE l.remaining > 0 AND l.expires_at >= {{}} AND l.expires_at < {{}}{cs} GROUP BY 1",
                    [w["now"], w["now"] + dt.timedelta(days=92), *ca])],
        "clerks": [(f"SELECT c.responsible_clerk, COUNT(*) FROM customer c WHERE c.created_at >= {{}} AND c.created_at < {{}}{cs} GROUP BY 1",
                    [w["start"], w["end"], *ca]),
                   (f"SELECT p.clerk, SUM(CASE WHEN p.kind = 'purchase' THEN 1 ELSE 0 END), SUM(CASE WHEN p.seq >= 2 THEN 1 ELSE 0 END), "
                    f"SUM(CASE WHEN p.kind = 'visit' THEN 1 ELSE 0 END), SUM(p.amount_fen) FROM purchase p "
                    f"WHERE p.occurred_at >= {{}} AND p.occurred_at < {{}}{ps} GROUP BY 1", [w["start"], w["end"], *pa]),
                   ("SELECT c.issued_by, COUNT(*) FROM coupon c WHERE c.issued_at >= {} AND c.issued_at < {}"
                    + (" AND c.issued_store = {}" if store else "") + " GROUP BY 1", [w["start"], w["end"], *([store] if store else [])]),
                   ("SELECT r.staff_id, COUNT(*) FROM coupon_redemption r WHERE r.reversed_at IS NULL AND r.at >= {} AND r.at < {}"
                    + (" AND r.store = {}" if store else "") + " GROUP BY 1", [w["start"], w["end"], *([store] if store else [])]),
                   (f"SELECT c.responsible_clerk, COUNT(*), SUM(CASE WHEN c.completeness >= 80 THEN 1 ELSE 0 END) FROM customer c "
                    f"WHERE c.erased_at IS NULL{cs} GROUP BY 1", ca)],
        "stores": [("SELECT c.home_store, COUNT(*) FROM customer c WHERE c.created_at >= {} AND c.created_at < {} GROUP BY 1",
                    [w["start"], w["end"]]),
                   ("SELECT p.store, SUM(CASE WHEN p.seq = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN p.seq >= 2 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN p.kind = 'visit' THEN 1 ELSE 0 END), SUM(p.amount_fen) FROM purchase p "
                    "WHERE p.occurred_at >= {} AND p.occurred_at < {} GROUP BY 1", [w["start"], w["end"]]),
                   ("SELECT r.store, COUNT(*) FROM coupon_redemption r WHERE r.reversed_at IS NULL AND r.at >= {} AND r.at < {} GROUP BY 1",
                    [w["start"], w["end"]])],
        "rfm": [(f"WITH v AS (SELECT p.customer, c.home_store AS s, {rec} AS r, SUM(CASE WHEN p.kind = 'purchase' THEN 1 ELSE 0 END) AS f, "
                 f"SUM(p.amount_fen) AS m FROM purchase p JOIN customer c ON c.id = p.customer WHERE p.kind IN ('purchase', 'refund') "
                 f"AND p.occurred_at >= {{}} AND c.erased_at IS NULL GROUP BY p.customer, c.home_store), "
                 f"t AS (SELECT s, 6 - CAST(CEIL(CUME_DIST() OVER (ORDER BY r) * 5) AS INTEGER) AS rt, "
                 f"CAST(CEIL(CUME_DIST() OVER (ORDER BY f) * 5) AS INTEGER) AS ft, CAST(CEIL(CUME_DIST() OVER (ORDER BY m) * 5) AS INTEGER) AS mt FROM v) "
                 f"SELECT s, rt, ft, COUNT(*) FROM t WHERE 1 = 1" + (" AND s = {}" if store else "") + " GROUP BY s, rt, ft",
                 [w["now"], w["year_start"], *([store] if store else [])])],
        "acquisition": [("SELECT x.channel, COUNT(*), SUM(CASE WHEN x.new_follower THEN 1 ELSE 0 END), "
                         "SUM(CASE WHEN x.new_customer THEN 1 ELSE 0 END) FROM follow_touch x WHERE x.at >= {} AND x.at < {}"
                         + (" AND x.store = {}" if store else "") + " GROUP BY 1",
                         [w["start"], w["end"], *([store] if store else [])]),
                        ("SELECT f.first_channel, COUNT(*) FROM follow f WHERE f.first_at >= {} AND f.first_at < {}"
                         + (" AND f.store = {}" if store else "") + " GROUP BY 1",
                         [w["start"], w["end"], *([store] if store else [])]),
                        ("SELECT f.last_channel, COUNT(*) FROM follow f WHERE f.last_at >= {} AND f.last_at < {}"
                         + (" AND f.store = {}" if store else "") + " GROUP BY 1",
                         [w["start"], w["end"], *([store] if store else [])]),
                        # the scans sampled per day, the codes' names, and the follows per local day (the chart)
                        ("SELECT cd.channel_id, SUM(cd.scans) FROM report_channel_day cd JOIN channel ch ON ch.id = cd.channel_id "
                         "WHERE cd.day >= {} AND cd.day <= {}" + (" AND cd.store_id = {}" if store else "") + " GROUP BY 1",
                         [w["from"], w["today"], *([store] if store else [])]),
                        ("SELECT ch.id, ch.name, ch.kind, ch.campaign, ch.staff, ch.store, s.name FROM channel ch "
                         "JOIN store s ON s.id = ch.store" + (" WHERE ch.store = {}" if store else ""), [*([store] if store else [])]),
                        (f"SELECT {local_day.format('x.at')}, COUNT(*) FROM follow_touch x WHERE x.at >= {{}} AND x.at < {{}}"
                         + (" AND x.store = {}" if store else "") + " GROUP BY 1 ORDER BY 1",
                         [w["start"], w["end"], *([store] if store else [])])],
        "churn-risk": [(f"SELECT c.home_store, CASE WHEN c.contract_end_on >= {{}} AND c.contract_end_on <= {{}} THEN 'renew' "
                        f"WHEN x.m >= 4 THEN 'call' ELSE 'care' END, COUNT(*) FROM customer c "
                        f"LEFT JOIN customer_rfm x ON x.customer = c.id WHERE c.erased_at IS NULL{cs} AND {risk} GROUP BY 1, 2",
                        [w["today"], w["today"] + dt.timedelta(days=30), *ca, *risk_args]),
                       (f"SELECT c.id FROM customer c LEFT JOIN customer_rfm x ON x.customer = c.id WHERE c.erased_at IS NULL{cs} "
                        f"AND {risk} ORDER BY CASE WHEN c.contract_end_on >= {{}} AND c.contract_end_on <= {{}} THEN 0 ELSE 1 END, "
                        f"c.contract_end_on, COALESCE(x.m, 0) DESC, c.id LIMIT 200",
                        [*ca, *risk_args, w["today"], w["today"] + dt.timedelta(days=30)]),
                       ("SELECT p.customer, MAX(p.occurred_at) FROM purchase p WHERE p.customer IN (SELECT c.id FROM customer c "
                        f"WHERE c.erased_at IS NULL{cs} ORDER BY c.id LIMIT 200) AND p.kind IN ('purchase', 'visit') GROUP BY 1", ca)],
    }


class Direct:
    """One long-lived connection for the hand-written queries (as the server keeps its own)."""

    def __init__(self, kind: str, connection: Any) -> None:
        self.kind, self.connection = kind, connection

    @classmethod
    async def open(cls, db: Database) -> "Direct":
        if db.kind == "sqlite":
            import sqlite3

            return cls("sqlite", sqlite3.connect(db.url.removeprefix("sqlite:///")))
        import asyncpg

        return cls("postgres", await asyncpg.connect(db.url))

    async def fetch(self, sql: str, *args: Any) -> list:
        if self.kind == "sqlite":
            return self.connection.execute(sql.replace("{}", "?"), args).fetchall()
        parts = sql.split("{}")
        numbered = "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]
        return await self.connection.fetch(numbered, *args)

    async def close(self) -> None:
        if self.kind == "sqlite":
            self.connection.close()
        else:
            await self.connection.close()


async def _time(ask, hand, repeat: int) -> tuple[float, float]:
    """Median seconds of the report and of the hand-written SQL, measured in turns (so both meet the same
    moments of the machine), after one untimed run of each: at least `repeat` turns, more for quick ones
    (up to a second of turns, at most 100) since a median of three few-millisecond runs is mostly noise."""
    await ask()
    await hand()
    served, direct = [], []
    started = time.perf_counter()
    while len(served) < repeat or (time.perf_counter() - started < 1.0 and len(served) < 100):
        for action, samples in ((ask, served), (hand, direct)):
            began = time.perf_counter()
            await action()
            samples.append(time.perf_counter() - began)
    return statistics.median(served), statistics.median(direct)


async def measure(engine, db: Database, repeat: int, work_dir: Path) -> list[dict[str, Any]]:
    env = {**os.environ, **engine.env, "REGULARS_DATABASE_URL": db.url, "REGULARS_VAR_DIR": str(work_dir / "var")}
    subprocess.run([sys.executable, "-m", "regulars.cli", "create-staff", "benchadmin", "--password", DEMO_PASSWORD,
                    "--role", "admin"], env=env, cwd=report.ROOT, capture_output=True)
    server = BenchServer.start({**engine.env, "REGULARS_DATABASE_URL": db.url, "REGULARS_VAR_DIR": str(work_dir / "var")},
                               1, cpus.as_list(cpus.server_cpus(1)), work_dir)
    results = []
    conn = await Direct.open(db)
    try:
        store = (await db.fetch("SELECT id FROM store ORDER BY id LIMIT 1"))[0][0]
        manager = (await db.fetch("SELECT username FROM staff WHERE role = 'manager' AND store = {}", store))[0][0]
        window = _window()
        for who, username, store_id in (("manager", manager, store), ("admin", "benchadmin", None)):
            async with httpx.AsyncClient(base_url=server.url, timeout=120.0) as http:
                login = await http.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
                login.raise_for_status()
                queries = hand_written(db.kind, window, store_id)
                wanted = [n for n in os.environ.get("BENCH_REPORTS", "").split(",") if n]
                for name, statements in queries.items():
                    if wanted and name not in wanted:
                        continue
                    async def ask() -> None:
                        response = await http.get(f"/api/v1/reports/{name}")
                        response.raise_for_status()

                    async def hand() -> None:
                        for sql, args in statements:
                            await conn.fetch(sql, *args)

                    served, direct = await _time(ask, hand, repeat)
                    results.append({"engine": engine.name, "caller": who, "report": name, "report_s": round(served, 4),
                                    "sql_s": round(direct, 4), "ratio": round(served / direct, 2) if direct else None})
                    print(f"  {engine.name:13} {who:7} {name:11} report {served * 1000:8.1f} ms   "
                          f"hand-written SQL {direct * 1000:8.1f} ms   ratio {served / direct:5.2f}", flush=True)
    finally:
        await conn.close()
        server.stop()
    return results


KEEP = bool(os.environ.get("BENCH_REPORTS_PG_KEEP"))  # leave the filled cluster running, and reuse it next time


async def _postgres(scale, work_dir: Path) -> tuple[Database, PostgresCluster | None]:
    """The filled database: a kept cluster of this scale and code (BENCH_REPORTS_PG_KEEP), else a new cluster."""
    candidate = PostgresCluster(int(os.environ.get("BENCH_REPORTS_PG_PORT", "55497")))
    stamp = candidate.dir / "regulars-bench-reports.json"
    if (candidate.dir / "postmaster.pid").exists():
        kept = json.loads(stamp.read_text()) if stamp.exists() else {}
        if KEEP and kept.get("fingerprint") == fingerprint(scale):
            return Database("postgres", f"{candidate.base_url}/regulars_bench", kept["seconds"], cached=True), candidate
        # someone else's cluster (another benchmark), or one filled by other code: never reuse it, never stop it
        raise SystemExit(f"a PostgreSQL cluster already runs in {candidate.dir}; set BENCH_REPORTS_PG_PORT to a "
                         "free port (or stop it)")
    candidate.start()
    db = await candidate.prepare(scale, work_dir / "var")
    if KEEP:
        stamp.write_text(json.dumps({"fingerprint": fingerprint(scale), "seconds": db.prepare_seconds}))
    return db, candidate


async def main() -> None:
    scale = SCALES[os.environ.get("BENCH_SCALE", "small")]
    wanted = os.environ.get("BENCH_ENGINES", "sqlite-normal,postgres").split(",")
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    work_dir = Path(tempfile.mkdtemp(prefix="regulars-bench-reports-"))
    (work_dir / "var").mkdir()
    results: list[dict[str, Any]] = []
    for engine in [e for e in ENGINES if e.name in wanted]:
        cluster = None
        try:
            if engine.kind == "sqlite":
                master, seconds, cached, pool = sqlite_master(scale, work_dir / "var")
                db = sqlite_copy(master, work_dir, engine, seconds, cached, pool)
            else:
                db, cluster = await _postgres(scale, work_dir)
            print(f"{engine.name}: {scale.customers:,} customers (demo {db.prepare_seconds:.0f}s"
                  f"{', cached' if db.cached else ''})", flush=True)
            results += await measure(engine, db, repeat, work_dir)
        finally:
            if cluster is not None and not KEEP:
                cluster.stop()
    failing = [r for r in results if (r["ratio"] or 0) > GOAL_RATIO
               or (r["engine"].startswith("sqlite") and r["report_s"] > GOAL_SQLITE_SECONDS)]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = report.BENCH_DIR / f"reports-{stamp}.json"
    path.write_text(json.dumps({"scale": vars(scale), "repeat": repeat, "results": results,
                                "goal": {"ratio": GOAL_RATIO, "sqlite_seconds": GOAL_SQLITE_SECONDS},
                                "missing_goal": failing}, ensure_ascii=False, indent=2) + "\n")
    print(f"\n{len(results) - len(failing)} of {len(results)} within the goal; wrote {path.relative_to(report.ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
