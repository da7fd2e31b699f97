"""`creatorpulse worker` SIGKILLed at random moments while sending the daily emails, restarted,
then left to finish: every user gets exactly one daily email and one delivery-log row, sent.

The run itself is `benchmarks/worker_crash.py` (also `python -m benchmarks.worker_crash`); a
fresh NATS JetStream server per run, the session's embedded PostgreSQL, a real worker process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.worker_crash import CrashFigures, crash_run


def _check(figures: CrashFigures, users: int, kills: int) -> None:
    print(f"\nworker crash: {figures.line()}")
    assert (figures.users, figures.kills) == (users, kills)
    assert figures.duplicates == 0, "a user got the daily email twice"
    assert figures.missing == 0, "a user got no daily email"
    assert figures.emails == users
    assert figures.rows_sent == users, "every user has one daily delivery row, status sent"
    assert figures.dead_links == 0, "every 👍/👎 link in a sent email must work"


def test_a_worker_killed_three_times_sends_every_daily_email_once(
    pg_clean: str, tmp_path: Path
) -> None:
    figures = crash_run(pg_clean, tmp_path, users=30, kills=3, seed=20261125, within=90)
    _check(figures, 30, 3)


@pytest.mark.slow
def test_a_worker_killed_ten_times_sends_five_hundred_daily_emails_once(
    pg_clean: str, tmp_path: Path
) -> None:
    figures = crash_run(pg_clean, tmp_path, users=500, kills=10, seed=7, within=600)
    _check(figures, 500, 10)
