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


# Library errors that become ours (see `_translated`); anything else passes through as it is.
_TRANSLATED = (errors.UniqueViolation, errors.InsufficientPrivilege, errors.ForeignKeyViolation)


def _translated(error: errors.Error) -> Exception:
    """Ours for a library error in _TRANSLATED: a unique violation is a Conflict, a refusal by
    row-level security (or a reference to a row it hides) a PermissionError.

    Raised from an `except _TRANSLATED` around each statement: a try block costs nothing until
    something is raised, where the context manager this replaces ran two coroutines per
    statement."""
    if isinstance(error, errors.UniqueViolation):
        message, code = _CONFLICTS.get(
            error.diag.constraint_name or "", ("this already exists", "conflict")
        )
        return Conflict(message, code=code)
    reason = error.diag.message_primary
    return PermissionError(f"row-level security refused the write: {reason}")


def _has_rows(cur: AsyncCursor[Any]) -> bool:
    """A statement that returns rows (cheaper than `cur.description`, which builds a Column
    object per column on every call)."""
    result = cur.pgresult
    return result is not None and result.status == ExecStatus.TUPLES_OK


class PgRepository:
    def __init__(self, tx: LazyTransaction) -> None:
        self._tx, self._conn = tx, tx.conn

    # Cursors are left to be collected, not closed: closing one only drops its result, and its
    # context manager is three more calls per statement.
    async def _rows(
        self, query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()
    ) -> list[dict[str, Any]]:
        cur = self._conn.cursor(row_factory=dict_row)
        try:
            await self._tx.execute(cur, query, params)
            return await cur.fetchall() if _has_rows(cur) else []
        except _TRANSLATED as error:
            raise _translated(error) from None

    async def _scoped_rows(
        self, call: str, params: tuple[Any, ...], row_factory: RowFactory[Any] = dict_row
    ) -> list[Any]:
        """Rows of a function that sets the unit of work's scope itself, given as its first
        argument (migrations 0011, 0013, 0014): a read-only unit of work sends it alone."""
        cur = self._conn.cursor(row_factory=row_factory)
        try:
            await self._tx.execute_scoping(cur, call, (self._tx.scope, *params))
            return await cur.fetchall()
        except _TRANSLATED as error:
            raise _translated(error) from None

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
        cur = self._conn.cursor()
        try:
            await self._tx.execute(cur, query, params)
            row = await cur.fetchone()
        except _TRANSLATED as error:
            raise _translated(error) from None
        return row[0] if row else None

    async def _execute(self, query: str, params: Mapping[str, Any] | tuple[Any, ...] = ()) -> int:
        cur = self._conn.cursor()
        try:
            await self._tx.execute(cur, query, params)
        except _TRANSLATED as error:
            raise _translated(error) from None
        return cur.rowcount


def fields(entity: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(entity)
