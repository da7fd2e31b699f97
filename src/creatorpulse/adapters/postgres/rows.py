"""Shared plumbing for the repositories: hydration, parameters and error translation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from psycopg import AsyncCursor, errors
from psycopg.pq import ExecStatus
from psycopg.rows import RowFactory, dict_row

from creatorpulse.adapters.postgres.transaction import LazyTransaction
from creatorpulse.domain.model.errors import Conflict

T = TypeVar("T")
_CONFLICTS = {
    "idx_users_email": ("an account with this email already exists", "email_taken"),
    "user_style_posts_user_id_content_hash_key": ("you already added this post", "duplicate_post"),
}


class _Translated:
    """Library errors become ours: unique violations are Conflicts, RLS refusals PermissionError.

    A class rather than an @asynccontextmanager: every statement passes through one, and a
    generator-based context manager costs a few µs more to enter and leave."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: object
    ) -> None:
        if isinstance(error, errors.UniqueViolation):
            message, code = _CONFLICTS.get(
                error.diag.constraint_name or "", ("this already exists", "conflict")
            )
            raise Conflict(message, code=code) from None
        if isinstance(error, errors.InsufficientPrivilege | errors.ForeignKeyViolation):
            reason = error.diag.message_primary
            raise PermissionError(f"row-level security refused the write: {reason}") from None


translated = _Translated()  # holds no state: one serves every statement


def _has_rows(cur: AsyncCursor[Any]) -> bool:
    """A statement that returns rows (cheaper than `cur.description`, which builds a Column
    object per column on every call)."""
    result = cur.pgresult
    return result is not None and result.status == ExecStatus.TUPLES_OK


class PgRepository:
    def __init__(self, tx: LazyTransaction) -> None:
        self._tx, self._conn = tx, tx.conn

    async def _rows(
        self, query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()
    ) -> list[dict[str, Any]]:
        async with translated, self._conn.cursor(row_factory=dict_row) as cur:
            await self._tx.execute(cur, query, params)
            return await cur.fetchall() if _has_rows(cur) else []

    async def _scoped_rows(
        self, call: str, params: tuple[Any, ...], row_factory: RowFactory[Any] = dict_row
    ) -> list[Any]:
        """Rows of a function that sets the unit of work's scope itself, given as its first
        argument (migrations 0013, 0014): a read-only unit of work sends it alone."""
        async with translated, self._conn.cursor(row_factory=row_factory) as cur:
            await self._tx.execute_scoping(cur, call, (self._tx.scope, *params))
            return await cur.fetchall()

    async def _all(
        self, kind: type[T], query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()
    ) -> list[T]:
        return [msgspec.convert(row, kind) for row in await self._rows(query, params)]

    async def _one(
        self, kind: type[T], query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()
    ) -> T | None:
        found = await self._all(kind, query, params)
        return found[0] if found else None

    async def _scalar(self, query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()) -> Any:
        async with translated, self._conn.cursor() as cur:
            await self._tx.execute(cur, query, params)
            row = await cur.fetchone()
            return row[0] if row else None

    async def _execute(self, query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()) -> int:
        async with translated, self._conn.cursor() as cur:
            await self._tx.execute(cur, query, params)
            return cur.rowcount


def fields(entity: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(entity)
