"""One unit of work's connection: its transaction opens in the same round trip as its first
statement, and a read-only one spends exactly one round trip per statement.

The opening statements (BEGIN, the row-level-security scope) and the first query go out together,
so the client waits once. A read-only unit of work sends no BEGIN or ROLLBACK at all: its opening
is one statement that sets the scope and `transaction_read_only`, both transaction-local, and it
goes out with the query as one batch that the server runs as one implicit transaction (statements
of a simple-protocol string, or a pipeline up to its Sync, on an autocommit connection), ended by
the server when the batch ends. So each of its statements is a transaction of its own, scoped
like the rest, which under READ COMMITTED sees what a longer one would. When every value is a
plain scalar the batch is one simple-protocol string (`scope; statement`, values quoted by
psycopg's client-side binding), the cheapest on CPU; otherwise (vectors, JSON, arrays) it goes in
psycopg's pipeline mode, which keeps server-side parameters and prepared statements — quoting a
768-float vector client-side and planning it every time was measured 2x slower.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from psycopg import AsyncClientCursor, AsyncConnection, AsyncCursor
from psycopg.pq import TransactionStatus

Params = Mapping[str, Any] | Sequence[Any]
Statement = tuple[str, Params]
_SCALARS = (str, int, float, bool, UUID, datetime, date, type(None))


def _scalars(params: Params) -> bool:
    values = params.values() if isinstance(params, Mapping) else params
    return all(isinstance(value, _SCALARS) for value in values)


class LazyTransaction:
    def __init__(
        self,
        conn: AsyncConnection[Any],
        opening: Callable[[], Sequence[Statement]],
        *,
        read_only: bool,
        scope: UUID | None = None,
    ) -> None:
        self.conn, self._make_opening, self.read_only = conn, opening, read_only
        self.scope = scope  # the user whose rows this transaction sees; None: the system role
        # It wrote what a session check reads (an account, a sign-out): commit clears the memo.
        self.sessions_changed = False
        self._literal: AsyncClientCursor[Any] | None = None

    @cached_property
    def _opening(self) -> Sequence[Statement]:
        """Written when first needed: a statement that scopes itself never needs it."""
        return self._make_opening()

    @property
    def idle(self) -> bool:
        """No transaction is open (nothing to commit or roll back). Read off libpq's number:
        `conn.info.transaction_status` builds a ConnectionInfo and an enum member each time,
        and this is asked twice for every statement."""
        return self.conn.pgconn.transaction_status == TransactionStatus.IDLE

    async def execute(self, cur: AsyncCursor[Any], query: str, params: Params = ()) -> None:
        """Run `query` on `cur` inside the scoped transaction; results stay on `cur`."""
        if not self.idle and not self.read_only:
            await cur.execute(query, params)
            return
        if self.read_only and _scalars(params):
            await self._read_in_one_string(cur, query, params)
            return
        async with self.conn.pipeline():
            if not self.idle:  # a read-only statement failed before: drop its aborted transaction
                await self.conn.execute("ROLLBACK")
            for statement, args in self._opening:
                await self.conn.execute(statement, args)
            await cur.execute(query, params)

    async def execute_scoping(self, cur: AsyncCursor[Any], query: str, params: Params) -> None:
        """Run a statement that sets the scope itself (a function such as `style_nearest`, given
        `self.scope`): a read-only unit of work sends it alone, one statement and one round trip
        with no opening; anywhere else it runs as `execute` runs any statement. Sent alone, it
        is not made read-only: only functions that read may come this way."""
        if self.read_only and self.idle and self.scope is not None:
            await cur.execute(query, params)
        else:
            await self.execute(cur, query, params)

    async def _read_in_one_string(self, cur: AsyncCursor[Any], query: str, params: Params) -> None:
        literal = self._literal = self._literal or AsyncClientCursor(self.conn)
        batch = [literal.mogrify(statement, args) if args else statement
                 for statement, args in self._opening]  # fmt: skip
        if not self.idle:  # an earlier statement failed: drop its aborted transaction first
            batch.insert(0, "ROLLBACK")
        skipped = len(batch)
        # Never prepared (it carries its values, so it never repeats): kept out of psycopg's
        # count of statements to prepare, where it would only push out the ones that repeat.
        await cur.execute("; ".join([*batch, literal.mogrify(query, params)]), None, prepare=False)
        for _ in range(skipped):  # the results of the opening come first
            cur.nextset()

    async def open(self) -> None:
        """Open the transaction now (before statements that cannot be pipelined, like COPY)."""
        if self.read_only:
            raise RuntimeError("a read-only unit of work runs one statement at a time")
        if self.idle:
            async with self.conn.pipeline():
                for statement, args in self._opening:
                    await self.conn.execute(statement, args)

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("commit() in a read-only unit of work: it cannot write")
        if not self.idle:
            await self.conn.execute("COMMIT")

    async def rollback(self) -> None:
        if not self.idle:
            await self.conn.execute("ROLLBACK")
