"""The RateLimiter both Gemini adapters share: concurrency cap and requests-per-minute budget."""

from __future__ import annotations

import asyncio

import pytest

from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from fakes.clock import FakeTime


async def test_requests_beyond_the_burst_wait_for_the_per_minute_budget() -> None:
    time = FakeTime()
    limiter = RateLimiter(
        max_concurrent=5, requests_per_minute=60, burst=2, clock=time.clock, sleep=time.sleep
    )

    for _ in range(5):
        async with limiter.slot():
            pass

    # two from the burst, then one token a second at 60 requests per minute
    assert time.sleeps == pytest.approx([1.0, 1.0, 1.0])
    assert time.now == pytest.approx(1003.0)


async def test_an_idle_limiter_refills_up_to_its_burst_only() -> None:
    time = FakeTime()
    limiter = RateLimiter(
        max_concurrent=5, requests_per_minute=120, burst=3, clock=time.clock, sleep=time.sleep
    )
    for _ in range(3):
        async with limiter.slot():
            pass
    time.now += 3600  # an hour idle refills three tokens, not 7200

    for _ in range(4):
        async with limiter.slot():
            pass

    assert time.sleeps == pytest.approx([0.5])


async def test_no_more_than_max_concurrent_requests_run_at_once() -> None:
    limiter = RateLimiter(max_concurrent=2, requests_per_minute=6000, burst=100)
    release = asyncio.Event()
    running, peak = 0, 0

    async def request() -> None:
        nonlocal running, peak
        async with limiter.slot():
            running += 1
            peak = max(peak, running)
            await release.wait()
            running -= 1

    tasks = [asyncio.create_task(request()) for _ in range(5)]
    for _ in range(10):
        await asyncio.sleep(0)
    assert running == 2
    release.set()
    await asyncio.gather(*tasks)

    assert peak == 2
    assert running == 0


@pytest.mark.parametrize(
    "kwargs", [{"max_concurrent": 0}, {"requests_per_minute": 0}, {"burst": 0}]
)
def test_nonsense_limits_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=f"{next(iter(kwargs))} must be"):
        RateLimiter(**kwargs)  # type: ignore[arg-type]
