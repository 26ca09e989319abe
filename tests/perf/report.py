"""The benchmark's outputs: JSON under var/bench/ and a table of ratios on the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"


def write(document: dict[str, Any], stamp: str) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    path = BENCH_DIR / f"{stamp}.json"
    path.write_text(text)
    (BENCH_DIR / "latest.json").write_text(text)
    return path


def goals(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each workload goal checked against each configuration that measured it."""
    checked = []
    for run in runs:
        goal = run.get("goals") or {}
        if goal.get("ratio") is not None and run.get("ratio") is not None:
            checked.append({
                "engine": run["engine"], "workers": run["workers"], "workload": run["workload"],
                "goal": f"throughput >= {goal['ratio']} x baseline", "value": round(run["ratio"], 3),
                "by_cpu": None if run.get("cpu_ratio") is None else round(run["cpu_ratio"], 3),
                "met": run["ratio"] >= goal["ratio"], "others": _others(run),
            })
        half = run.get("half_load")
        if goal.get("half_load_p99_ms") is not None and half:
            checked.append({
                "engine": run["engine"], "workers": run["workers"], "workload": run["workload"],
                "goal": f"p99 < {goal['half_load_p99_ms']:g} ms at half of peak",
                "value": round(half["p99_ms"], 2), "met": half["p99_ms"] < goal["half_load_p99_ms"] and half["errors"] == 0,
                "others": _others(run),
            })
    return checked


def _others(run: dict[str, Any]) -> float:
    return max([v for v in (run.get("others") or {}).values() if v is not None] or [0.0])


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(runs: list[dict[str, Any]]) -> str:
    header = (f"{'engine':<14}{'w':>2}  {'workload':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}{'cpu µs':>8}{'cpu r.':>7}"
              f"  {'half-load req/s':>15}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'others':>8}")
    lines = [header, "-" * len(header)]
    for run in runs:
        peak, half = run["peak"], run.get("half_load") or {}
        errors = sum(peak["errors"].values()) + (half.get("errors") or 0)
        others = _others(run)
        lines.append(
            f"{run['engine']:<14}{run['workers']:>2}  {run['workload']:<16}{_num(peak['rps'], 0):>9}"
            f"{_num(peak['p50_ms'], 1):>9}{_num(peak['p99_ms'], 1):>9}{_num(run.get('ratio'), 2):>7}"
            f"{_num(peak.get('server_cpu_us_per_request'), 0):>8}{_num(run.get('cpu_ratio'), 2):>7}"
            f"  {_num(half.get('achieved_rps'), 0):>15}{_num(half.get('p50_ms'), 1):>9}{_num(half.get('p99_ms'), 1):>9}"
            f"{errors:>8}{others:>7.0%} "
        )
    lines.append("cpu µs: server and database CPU per request at peak; cpu r.: the baseline's cpu µs / this one's")
    lines.append("others: share of the machine used by processes outside the benchmark; above a few % the figures are disturbed")
    return "\n".join(lines)


def goal_lines(checked: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  [{'met' if g['met'] else 'MISSED'}] {g['engine']} x{g['workers']} {g['workload']}: {g['goal']} (got {g['value']}"
        + (f"; by CPU {g['by_cpu']}" if g.get("by_cpu") is not None else "")
        + (f"; others took {g['others']:.0%} of the machine" if g.get("others", 0) >= 0.05 else "") + ")"
        for g in checked
    )
