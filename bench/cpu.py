"""Where a benchmark's CPU time went on the shared cores: the app server's processes, the
database server's, and the rest of the machine (the load generator, the clients). A
throughput or a latency says how fast; this says which part of the machine it was spent in,
and so what the machine could do at best (the CPU time a request needs, over the cores).
"""

import os
from dataclasses import dataclass

import psutil


def tree_seconds(pid: int | None) -> float:
    """CPU seconds (user and system) of a process and its descendants so far, those that
    ended and were reaped included (their parent's children times)."""
    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # ended meanwhile: its parent counts it once reaped
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def process_seconds(pid: int) -> float:
    """CPU seconds (user and system) of one process alone so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def machine_seconds() -> float:
    """CPU seconds the whole machine was busy so far (every core)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


@dataclass(frozen=True)
class Reading:
    app: float
    database: float
    machine: float

    def __sub__(self, earlier: "Reading") -> "Reading":
        return Reading(self.app - earlier.app, self.database - earlier.database,
                       self.machine - earlier.machine)


class Meter:
    """Readings of the app server's and the database server's process trees (None: not
    one of its own, e.g. SQLite inside the app) and of the machine."""

    def __init__(self, app_pid: int, database_pid: int | None = None):
        self.app_pid, self.database_pid = app_pid, database_pid

    def __call__(self) -> Reading:
        return Reading(tree_seconds(self.app_pid), tree_seconds(self.database_pid),
                       machine_seconds())


def per_request(spent: Reading, requests: int) -> str:
    """'CPU a request: app 10.4 ms, PostgreSQL 1.8 ms, the rest 1.5 ms; 6.88 s of 2 cores'
    (the machine's busy time over its cores: how long the part lasts at best, on them)."""
    if not requests:
        return "-"
    rest = max(spent.machine - spent.app - spent.database, 0.0)
    parts = [f"app {spent.app / requests * 1000:.1f} ms"]
    if spent.database:
        parts.append(f"PostgreSQL {spent.database / requests * 1000:.1f} ms")
    parts.append(f"the rest {rest / requests * 1000:.1f} ms")
    cores = os.cpu_count() or 1
    return f"CPU a request: {', '.join(parts)}; {spent.machine / cores:.2f} s of {cores} cores"
