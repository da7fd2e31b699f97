"""The API benchmark keeps a core for the servers it measures, and gives this process's own
cores back (`python -m benchmarks` runs every benchmark in one process)."""

from __future__ import annotations

import os

import pytest
from benchmarks.common import core_for_servers

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's"
)


def test_the_servers_core_is_kept_free_of_this_process_and_given_back() -> None:
    before = os.sched_getaffinity(0)
    with core_for_servers() as core:
        if len(before) < 2:
            assert core is None
            assert os.sched_getaffinity(0) == before
        else:
            assert core == max(before)
            assert os.sched_getaffinity(0) == before - {core}
    assert os.sched_getaffinity(0) == before


def test_one_core_is_shared_as_it_is() -> None:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        with core_for_servers() as core:
            assert core is None
            assert os.sched_getaffinity(0) == {min(before)}
    finally:
        os.sched_setaffinity(0, before)
