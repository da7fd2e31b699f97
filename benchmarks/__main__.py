"""Run every benchmark, print one table of figures, write benchmarks/results.json.

    .venv/bin/python -m benchmarks [--only storage_ingest] [--output path.json]

A benchmark is a module in BENCHMARKS with `run(argv) -> list[Figure]` (its defaults are the
full-size run); add one by writing the module and listing it here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Figure, machine

BENCHMARKS = [
    "benchmarks.storage_retrieval",
    "benchmarks.storage_ingest",
    "benchmarks.api_drafts",
    "benchmarks.ingest_feeds",
    "benchmarks.worker_crash",
    "benchmarks.daily_scale",
    "benchmarks.faults_upstreams",
    "benchmarks.faults_outages",
    "benchmarks.faults_hangs",
    "benchmarks.load_mixed",
    "benchmarks.eval_voice",
    "benchmarks.eval_learning",
]
RESULTS = Path(__file__).with_name("results.json")


def _value(figure: Figure) -> str:
    if figure.unit == "rows/s":
        return f"{figure.value:,.0f} rows/s"
    if figure.unit:
        return f"{figure.value:.3f} {figure.unit}"
    return f"{figure.value:.4f}"


def table(figures: list[Figure]) -> str:
    header = ("figure", "ours", "baseline / goal", "ratio", "")
    rows = [header] + [
        (
            f.name,
            _value(f),
            f.reference,
            "" if f.ratio is None else f"{f.ratio:.2f}x",
            "" if f.passed is None else ("PASS" if f.passed else "FAIL"),
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    chosen = [m for m in BENCHMARKS if not args.only or m.rsplit(".", 1)[-1] in args.only]
    if not chosen:
        parser.error(f"no benchmark named {args.only}; known: {BENCHMARKS}")

    figures: list[Figure] = []
    crashed: list[str] = []
    durations: dict[str, float] = {}
    for name in chosen:
        started = time.perf_counter()
        try:
            figures += importlib.import_module(name).run([])
        except Exception as error:  # one broken benchmark must not lose the others' figures
            print(f"{name} crashed: {type(error).__name__}: {error}")
            crashed.append(name)
        durations[name] = round(time.perf_counter() - started, 1)
        print()

    print(table(figures))
    args.output.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": " ".join(["python -m benchmarks", *(argv or sys.argv[1:])]),
                "machine": machine(),
                "seconds": durations,
                "figures": [f.as_dict() for f in figures],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"\nwritten to {args.output}")
    return 0 if not crashed and all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
