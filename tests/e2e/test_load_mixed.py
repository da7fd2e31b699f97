"""Signed-in creators reading drafts, voting and opening the dashboard, many at once, while the
worker sends the daily sweep: every request is answered 200 and every vote is kept.

The run itself is `benchmarks/load_mixed.py` (also `python -m benchmarks.load_mixed`), here at a
small size on the session's embedded PostgreSQL: real `api` and `worker` processes, NATS.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from benchmarks.load_mixed import MIX, _parser, mixed_run


@pytest.mark.slow
def test_mixed_load_during_a_daily_sweep_answers_every_request(
    pg_clean: str, tmp_path: Path
) -> None:
    args = _parser().parse_args(
        ["--users", "20", "--seconds", "3", "--concurrency", "8", "--warmup", "0.5"]
    )
    measured = mixed_run(pg_clean, tmp_path, args)
    assert dict(measured.tally.errors) == {}
    assert all(measured.tally.latencies[kind] for kind in MIX), "every kind of request was sent"
    with psycopg.connect(pg_clean) as conn:
        votes = conn.execute("SELECT count(*) FROM draft_feedback").fetchone()
    assert votes is not None and votes[0] > 0, "the dashboard votes were recorded"
    assert measured.emails > 0, "the worker sent daily emails during the load"
