"""Open the store: migrate as the owner, then pool connections as the non-owner app role."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool

from creatorpulse.adapters.postgres import vectors
from creatorpulse.adapters.postgres.embedded import as_role
from creatorpulse.adapters.postgres.migrate import APP_ROLE, migrate
from creatorpulse.adapters.postgres.unit_of_work import PgUnitOfWorkFactory

_JSON = msgspec.json.Decoder()


def _loads(data: str | bytes) -> Any:
    """json/jsonb columns, parsed by msgspec (a sixth of json.loads' time on a draft's
    metadata); numbers beyond a float's range, which jsonb can hold, as json.loads has them."""
    try:
        return _JSON.decode(data)
    except msgspec.DecodeError:
        return json.loads(data)


async def _configure(conn: AsyncConnection[Any]) -> None:
    await vectors.register(conn)
    set_json_loads(_loads, conn)


class Database:
    def __init__(
        self, owner_url: str, *, app_password: str | None = None, max_connections: int = 10
    ) -> None:
        self.owner_url = owner_url
        self.app_url = as_role(owner_url, APP_ROLE, app_password)
        self._app_password = app_password
        self._max = max_connections
        self._pool: AsyncConnectionPool[Any] | None = None
        self._factory: PgUnitOfWorkFactory | None = None

    async def open(self) -> PgUnitOfWorkFactory:
        # Migrate first: the vector type exists once CREATE EXTENSION vector has run.
        await migrate(self.owner_url, self._app_password)
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            self.app_url,
            min_size=1,
            max_size=self._max,
            open=False,
            configure=_configure,
            # Autocommit: PgUnitOfWork sends BEGIN together with its scope in one round trip.
            kwargs={"autocommit": True},
        )
        await pool.open(wait=True)
        self._pool = pool
        self._factory = PgUnitOfWorkFactory(pool, self.app_url)
        return self._factory

    @property
    def pool(self) -> AsyncConnectionPool[Any]:
        if self._pool is None:
            raise RuntimeError("the database is not open")
        return self._pool

    async def ping(self, within: float = 2.0) -> bool:
        """The server answers a query within `within` seconds (a server that hangs counts as
        down). A broken pooled connection found here is discarded by the pool on return."""
        if self._pool is None:
            return False
        try:
            async with asyncio.timeout(within), self._pool.connection(timeout=within) as conn:
                await conn.execute("SELECT 1")
        except Exception:  # any failure means not ready; the caller reports it
            return False
        return True

    async def close(self) -> None:
        if self._factory is not None:
            await self._factory.close()
            self._factory = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
