"""Which cores the server side and the load generator get, so that neither starves the other.

The server (and the database cluster, when there is one) gets the first `workers`
cores; the load generator gets the last one. On a 2-core machine with one worker
that is core 0 against core 1; with two workers the load generator shares core 1
with the second worker, which the report states.
"""

from __future__ import annotations

import os
from pathlib import Path


def available() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def server_cpus(workers: int) -> list[int]:
    cores = available()
    return cores[: max(1, min(workers, len(cores)))]


def load_cpus() -> list[int]:
    return available()[-1:]


def as_list(cpus: list[int]) -> str:
    return ",".join(str(c) for c in cpus)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def pin_tree(pid: int, cpus: str) -> None:
    """Pins a process, every thread of it and all its descendants to the given cores."""
    wanted = {int(c) for c in cpus.split(",")}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                os.sched_setaffinity(int(task.name), wanted)
        except (OSError, ProcessLookupError):
            continue
        pending.extend(_children(current))
