"""The fixed-window counter behind the contract's rate limits, on a controlled clock."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from creatorpulse.entrypoints.http.rate_limit import WindowCounter


@given(start=st.floats(1e9, 2e9), later=st.floats(0, 59.999))
def test_retry_after_is_never_longer_than_the_window(start: float, later: float) -> None:
    clock = iter([start] * 5 + [start + later])
    counter = WindowCounter(1.0, clock=lambda: next(clock))
    for _ in range(5):
        assert asyncio.run(counter.hit("k", 5, 60))[3] is None
    cap, remaining, reset, wait = asyncio.run(counter.hit("k", 5, 60))
    assert (cap, remaining) == (5, 0)
    assert wait is not None and 1 <= wait <= 60
    assert start + later + wait >= start + 60 - 1e-6  # waiting that long reaches the new window
    assert reset >= start + 60


def test_a_new_window_starts_after_the_period() -> None:
    times = iter([100.5, 100.6, 160.5])
    counter = WindowCounter(1.0, clock=lambda: next(times))
    assert asyncio.run(counter.hit("k", 1, 60))[3] is None
    assert asyncio.run(counter.hit("k", 1, 60))[3] == 60
    assert asyncio.run(counter.hit("k", 1, 60)) == (1, 0, 221, None)
