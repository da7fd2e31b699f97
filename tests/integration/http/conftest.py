"""The real HTTP app (create_app) in-process, with a settable clock and the sample feeds.

`api` is a signed-out client on in-memory storage with rate limits off; `make_api(...)` builds
one with other settings (rate limits on, CORS origins, PostgreSQL). `Api` reads the outbox
like a person would: the links in the emails are how tokens reach a test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from http_support import (  # noqa: F401 - shared with the tests
    START,
    Api,
    Creator,
    MakeApi,
    open_api,
)

from creatorpulse.adapters.system import FixedClock
from pg import pg_clean, pg_owner_url  # noqa: F401 - fixtures


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def make_api(tmp_path: Path, clock: FixedClock) -> AsyncIterator[MakeApi]:
    """Builds apps; each is entered (lifespan started) and closed when the test ends."""
    opened: list[Api] = []

    async def build(*, shared_limits: bool = False, **env: str) -> Api:
        api = await open_api(
            tmp_path / f"app{len(opened)}", clock, shared_limits=shared_limits, **env
        )
        opened.append(api)
        return api

    yield build
    for api in reversed(opened):
        await api.client.__aexit__(None, None, None)


@pytest.fixture
async def api(make_api: MakeApi) -> Api:
    return await make_api()
