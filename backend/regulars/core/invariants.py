"""Invariants every room promises (ledger = balances, counters = rows, ...), checked by `regulars reconcile`."""

from __future__ import annotations

from typing import Awaitable, Callable

Check = Callable[[], Awaitable[list[str]]]

_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """A room adds a check that returns one line per drift found (empty when all holds)."""
    _checks[name] = check


async def run_all() -> dict[str, list[str]]:
    return {name: await check() for name, check in sorted(_checks.items())}
