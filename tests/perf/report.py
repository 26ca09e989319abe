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


def goals(runs: list[dict[str, Any]], extras: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Each workload goal checked against each configuration that measured it, then the extras' goals."""
    checked = []
    for run in runs:
        goal = run.get("goals") or {}
        base = {"engine": run["engine"], "workers": run["workers"], "workload": run["workload"], "others": _others(run)}
        if goal.get("ratio") is not None and goal.get("vs"):
            vs = run.get("vs") or {}
            checked.append(base | {
                "goal": f"throughput >= {goal['ratio']} x {goal['vs']} in the same run",
                "value": None if vs.get("ratio") is None else round(vs["ratio"], 3),
                "met": vs.get("ratio") is not None and vs["ratio"] >= goal["ratio"]})
        elif goal.get("ratio") is not None and run.get("ratio") is not None:
            checked.append(base | {
                "goal": f"throughput >= {goal['ratio']} x baseline", "value": round(run["ratio"], 3),
                "by_cpu": None if run.get("cpu_ratio") is None else round(run["cpu_ratio"], 3),
                "met": run["ratio"] >= goal["ratio"]})
        half = run.get("half_load")
        if goal.get("half_load_p99_ms") is not None and half:
            checked.append(base | {
                "goal": f"p99 < {goal['half_load_p99_ms']:g} ms at half of peak",
                "value": round(half["p99_ms"], 2), "met": half["p99_ms"] < goal["half_load_p99_ms"] and half["errors"] == 0})
        errors = run.get("errors")
        if run["workload"] == "redeem" and errors is not None:
            checked.append(base | {
                "goal": "no failed redemption, no \"database is locked\" at 64 clients",
                "value": f"{errors['failed']} failed, {errors['database_locked']} locked, {errors['server_5xx']} 5xx",
                "met": errors["failed"] == 0 and errors["database_locked"] == 0})
    for entry in extras or []:
        if entry.get("goal") is None and "failed" not in entry:
            continue
        checked.append({"engine": entry["engine"], "workers": entry.get("workers"), "workload": entry["workload"],
                        "goal": entry.get("goal", "measured"), "met": bool(entry.get("met")),
                        "value": (entry.get("summary") or entry.get("failed", "")[-200:])
                        + ("" if entry.get("ratio") is None else f" (ratio {entry['ratio']:.2f})"),
                        "others": entry.get("others", 0.0)})
    return checked


def synchronous_cost(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Redemption with synchronous=FULL against NORMAL, per worker count (the price of durability per commit)."""
    found = []
    for full in runs:
        if full["engine"] != "sqlite-full" or full["workload"] != "redeem":
            continue
        normal = next((r for r in runs if r["engine"] == "sqlite-normal" and r["workers"] == full["workers"]
                       and r["workload"] == "redeem"), None)
        if normal is None or not normal["rate"]:
            continue
        found.append({"workers": full["workers"], "full_rps": round(full["rate"], 1), "normal_rps": round(normal["rate"], 1),
                      "full_over_normal": round(full["rate"] / normal["rate"], 3),
                      "full_cpu_us": full["peak"].get("server_cpu_us_per_request"),
                      "normal_cpu_us": normal["peak"].get("server_cpu_us_per_request"),
                      "others": max(_others(full), _others(normal))})
    return found


def synchronous_lines(costs: list[dict[str, Any]]) -> str:
    if not costs:
        return "redemption, synchronous FULL vs NORMAL: not measured (needs redeem on sqlite-full and sqlite-normal)"
    return "\n".join(
        f"redemption x{c['workers']}: synchronous=FULL {c['full_rps']:,.0f} req/s, NORMAL {c['normal_rps']:,.0f} req/s, "
        f"FULL / NORMAL = {c['full_over_normal']:.2f}; server CPU per request {c['full_cpu_us']} vs {c['normal_cpu_us']} µs"
        + (f" (others took up to {c['others']:.0%} of the machine: not comparable)" if c["others"] >= 0.05 else "")
        for c in costs)


def _others(run: dict[str, Any]) -> float:
    return max([v for v in (run.get("others") or {}).values() if v is not None] or [0.0])


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _goal_cell(run: dict[str, Any]) -> tuple[str, str, str]:
    """(goal, value compared, met) of a workload row."""
    goal = run.get("goals") or {}
    if goal.get("ratio") is None:
        return "-", "-", "-"
    if goal.get("vs"):
        value = (run.get("vs") or {}).get("ratio")
        text = f">={goal['ratio']:g}x {goal['vs']}"
    else:
        value, text = run.get("ratio"), f">={goal['ratio']:g}x base"
    met = value is not None and value >= goal["ratio"]
    half = run.get("half_load")
    if goal.get("half_load_p99_ms") is not None and half:
        text += f", p99<{goal['half_load_p99_ms']:g}ms"
        met = met and half["p99_ms"] < goal["half_load_p99_ms"] and half["errors"] == 0
    errors = run.get("errors") or {}
    if run["workload"] == "redeem":
        text += ", 0 err"
        met = met and not errors.get("failed") and not errors.get("database_locked")
    return text, _num(value, 2), "pass" if met else "FAIL"


def table(runs: list[dict[str, Any]], extras: list[dict[str, Any]] | None = None) -> str:
    header = (f"{'engine':<14}{'w':>2}  {'workload':<17}{'ops/s':>9}{'p99 ms':>9}{'ratio':>7}{'cpu r.':>7}  {'goal':<26}"
              f"{'got':>6} {'met':<5}{'half p99':>9}{'errors':>8}{'locked':>7}{'others':>7}")
    lines = [header, "-" * len(header)]
    for run in runs:
        peak, half = run["peak"], run.get("half_load") or {}
        errors = run.get("errors") or {"failed": sum(peak["errors"].values()) + (half.get("errors") or 0)}
        goal, value, met = _goal_cell(run)
        lines.append(
            f"{run['engine']:<14}{run['workers']:>2}  {run['workload']:<17}{_num(run.get('rate', peak['rps']), 0):>9}"
            f"{_num(peak['p99_ms'], 1):>9}{_num(run.get('ratio'), 2):>7}{_num(run.get('cpu_ratio'), 2):>7}  {goal:<26}"
            f"{value:>6} {met:<5}{_num(half.get('p99_ms'), 1):>9}{errors['failed']:>8}{errors.get('database_locked', 0):>7}"
            f"{_others(run):>6.0%} "
        )
    for entry in extras or []:
        if "rate" not in entry:
            lines.append(f"{entry['engine']:<14}{'-':>2}  {entry['workload']:<17}"
                         f"{entry.get('skipped') or 'FAILED: ' + entry.get('failed', '')[-80:]}")
            continue
        met = "-" if entry.get("met") is None else ("pass" if entry["met"] else "FAIL")
        lines.append(
            f"{entry['engine']:<14}{entry.get('workers') or '-':>2}  {entry['workload']:<17}{_num(entry['rate'], 0):>9}"
            f"{'-':>9}{'-':>7}{'-':>7}  {entry.get('goal', '-')[:26]:<26}{_num(entry.get('ratio'), 2):>6} {met:<5}"
            f"{'-':>9}{'-':>8}{'-':>7}{entry.get('others', 0.0):>6.0%} ")
    lines.append("ops/s: requests/s at peak (wrk, 64 connections); follow_claim: flows/s = requests/s / 2 (send, verify); "
                 "care_planning: outbox rows/s;")
    lines.append("  care_push: messages/s; pgbench: TPC-B-like tps. ratio: to the baseline (GET /api/v1/ping) of the same "
                 "engine and workers; cpu r.: the same by server CPU per request")
    lines.append("got: the figure the goal compares (ratio to baseline, to redemption, planner / INSERT...SELECT, fan-out / "
                 "encryption, redeem req/s / pgbench tps); half p99: latency at half the peak rate, paced client")
    lines.append("errors: failed answers (status >= 400, socket errors) at peak and half load; locked: \"database is locked\" "
                 "lines in the server log")
    lines.append("others: share of the machine used by processes outside the benchmark; above a few % the figures are disturbed")
    return "\n".join(lines)


def goal_lines(checked: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  [{'met' if g['met'] else 'MISSED'}] {g['engine']}" + (f" x{g['workers']}" if g.get("workers") else "")
        + f" {g['workload']}: {g['goal']} (got {g['value']}"
        + (f"; by CPU {g['by_cpu']}" if g.get("by_cpu") is not None else "")
        + (f"; others took {g['others']:.0%} of the machine" if (g.get("others") or 0) >= 0.05 else "") + ")"
        for g in checked
    )
