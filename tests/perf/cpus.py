"""Which cores the server side and the load generator get, so that neither starves the other.

The server (and the database cluster, when there is one) gets the first `workers`
cores; the load generator gets the last one. On a 2-core machine with one worker
that is core 0 against core 1; with two workers the load generator shares core 1
with the second worker, which the report states.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


# The machine's cores as this process found them: the benchmark later pins itself to the load generator's core,
# after which its own affinity no longer tells the layout (the server would land on the load generator's core).
_CORES = sorted(os.sched_getaffinity(0))


def available() -> list[int]:
    return list(_CORES)


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


# interference: CPU used by processes outside the benchmark ------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / _TICK


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds used so far by these processes and all their descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    ours = set(roots)
    total = 0.0
    for pid in cpu:
        current, seen = pid, 0
        while current and current not in ours and seen < 64:
            current, seen = parents.get(current, 0), seen + 1
        if current in ours:
            total += cpu[pid]
    return total


class Interference:
    """The share of the machine's CPU that processes outside the benchmark used over a window."""

    def __init__(self, extra_roots: list[int] | None = None) -> None:
        self.roots = [os.getpid(), *(extra_roots or [])]

    def _ours(self) -> float:
        children = os.times()
        return tree_cpu(self.roots) + children.children_user + children.children_system

    def start(self) -> "Interference":
        self.wall, self.busy, self.own = time.monotonic(), _machine_busy(), self._ours()
        return self

    def stop(self) -> float:
        wall = time.monotonic() - self.wall
        foreign = (_machine_busy() - self.busy) - (self._ours() - self.own)
        return max(0.0, foreign / (wall * (os.cpu_count() or 1))) if wall > 0 else 0.0


async def wait_quiet(extra_roots: list[int], threshold: float, max_wait: float) -> float:
    """Waits (up to max_wait seconds) until others use under `threshold` of the machine; returns the last share."""
    import asyncio

    deadline = time.monotonic() + max_wait
    while True:
        probe = Interference(extra_roots).start()
        await asyncio.sleep(1.0)
        share = probe.stop()
        if share < threshold or time.monotonic() >= deadline:
            return share
