"""The long-lived processes' runtime: the event loop and the collector's setting."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
import uvloop

from creatorpulse.entrypoints.worker.runtime import YOUNG_COLLECTION_THRESHOLD, run_loop


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """CPython's defaults for the test (an earlier test in this process may have run run_loop),
    and whatever was set before, back afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_a_process_run_on_run_loop_collects_young_garbage_less_often(
    thresholds: tuple[int, int, int],
) -> None:
    async def inside() -> tuple[tuple[int, int, int], bool]:
        loop = asyncio.get_running_loop()
        return gc.get_threshold(), isinstance(loop, uvloop.Loop)

    (young, middle, old), on_uvloop = run_loop(inside())
    assert young == YOUNG_COLLECTION_THRESHOLD > thresholds[0]
    assert (middle, old) == thresholds[1:]  # the older generations keep their settings
    assert on_uvloop
