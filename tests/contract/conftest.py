from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.ports.storage import UnitOfWorkFactory
from pg import pg_clean, pg_owner_url  # noqa: F401 - fixtures


@pytest.fixture(params=["memory", "postgres"])
async def uow(request: pytest.FixtureRequest) -> AsyncIterator[UnitOfWorkFactory]:
    """Every storage adapter must pass the same tests."""
    if request.param == "memory":
        yield MemoryUnitOfWorkFactory()
        return
    database = Database(request.getfixturevalue("pg_clean"), max_connections=4)
    factory = await database.open()
    yield factory
    await database.close()
