"""The daily-run benchmark at a size that fits CI, so it cannot rot: seeded creators get their
drafts written and exactly one daily email each, through the worker's own calls.

The run itself is `benchmarks/daily_scale.py` (`python -m benchmarks.daily_scale`, 10,000
creators by default); here 20 creators on the package's sample feeds and the session database.
"""

from __future__ import annotations

from benchmarks.daily_scale import day_on, figures
from benchmarks.daily_scale_seed import Shape

USERS = 20


def test_twenty_creators_get_their_drafts_and_one_email_each(pg_clean: str) -> None:
    shape = Shape(users=USERS, sources=3, posts=20, items=6, corpus=False)

    day = day_on(pg_clean, shape, concurrency=8)

    assert day.outcomes == {"written": USERS, "sent": USERS}, day.outcomes
    assert day.emails_written == USERS
    assert day.recipients_once == USERS, "every creator gets exactly one daily email"
    assert 3 * USERS <= day.drafts_written <= 5 * USERS
    emails = next(f for f in figures(day) if f.name == "daily emails written")
    assert emails.passed is True
