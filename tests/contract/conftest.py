from __future__ import annotations

import pytest

from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.ports.storage import UnitOfWorkFactory


@pytest.fixture(params=["memory"])
def uow(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """Every storage adapter must pass the same tests; Postgres joins this list."""
    if request.param == "memory":
        return MemoryUnitOfWorkFactory()
    raise NotImplementedError(request.param)
