"""The in-memory database: tables of entities, one writer at a time, changes kept on commit."""

from __future__ import annotations

import asyncio
import contextvars
import copy
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgspec

Row = Any
TABLES = (
    "users", "tokens", "sources", "style_posts", "style_chunks",
    "items", "drafts", "feedback", "deliveries", "style_jobs", "feed_state",
    "job_claims", "dead_letters", "revoked",
)  # fmt: skip
# Tables of no one's data that every scope reads and writes, as PostgreSQL's revoked_tokens
# (no row-level security: a token id names nobody).
SHARED = frozenset({"revoked"})
_IN_TRANSACTION: contextvars.ContextVar[bool] = contextvars.ContextVar("memory_tx", default=False)


def clone(row: Row) -> Row:
    """A deep copy; entities are Structs of immutable values, so copying only their lists,
    dicts and nested Structs is the same and an order of magnitude faster than deepcopy."""
    if not isinstance(row, msgspec.Struct):
        return copy.deepcopy(row)
    nested = {
        name: clone(value)
        for name in row.__struct_fields__
        if isinstance(value := getattr(row, name), (list, dict, set, msgspec.Struct))
    }
    return msgspec.structs.replace(row, **nested)


class MemoryStore:
    """Committed state. Transactions run one at a time (serialisable by construction)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Row]] = {name: {} for name in TABLES}
        self.lock = asyncio.Lock()
        self.held: set[str] = set()  # keys held by UnitOfWorkFactory.exclusive


class Transaction:
    """Reads see committed rows plus this transaction's own writes; nothing else."""

    def __init__(self, store: MemoryStore, scope: UUID | None) -> None:
        self.store = store
        self.scope = scope
        self.changes: dict[str, dict[Any, Row | None]] = {name: {} for name in TABLES}

    async def begin(self) -> None:
        if _IN_TRANSACTION.get():
            raise RuntimeError("nested transactions are not supported: finish the outer one first")
        await self.store.lock.acquire()
        _IN_TRANSACTION.set(True)

    def end(self) -> None:
        _IN_TRANSACTION.set(False)
        self.store.lock.release()

    def commit(self) -> None:
        for name, changed in self.changes.items():
            table = self.store.tables[name]
            for key, row in changed.items():
                if row is None:
                    table.pop(key, None)
                else:
                    table[key] = row
            changed.clear()

    def rollback(self) -> None:
        for changed in self.changes.values():
            changed.clear()

    # --- row access -------------------------------------------------------------------------

    def visible(self, table: str, row: Row) -> bool:
        if self.scope is None or table in SHARED:
            return True
        # System tables (claims, dead letters, feed state) have no owner: a user sees none.
        owner = row.id if table == "users" else getattr(row, "user_id", None)
        return bool(owner == self.scope)

    def _raw(self, table: str, key: Any) -> Row | None:
        changed = self.changes[table]
        return changed[key] if key in changed else self.store.tables[table].get(key)

    def get(self, table: str, key: Any) -> Row | None:
        row = self._raw(table, key)
        return clone(row) if row is not None and self.visible(table, row) else None

    def keyed(self, table: str) -> list[tuple[Any, Row]]:
        """Every visible (key, row) of `table`, uncopied: for cascades, not for callers."""
        merged = {**self.store.tables[table], **self.changes[table]}
        return [(k, r) for k, r in merged.items() if r is not None and self.visible(table, r)]

    def rows(self, table: str, *, copies: bool = True) -> Iterator[Row]:
        changed = self.changes[table]
        for key, row in self.store.tables[table].items():
            if key not in changed and self.visible(table, row):
                yield clone(row) if copies else row
        for row in changed.values():
            if row is not None and self.visible(table, row):
                yield clone(row) if copies else row

    def put(self, table: str, key: Any, row: Row) -> None:
        if not self.visible(table, row):
            raise PermissionError(f"row-level security: this transaction cannot write {table}")
        current = self._raw(table, key)
        if current is not None and not self.visible(table, current):
            raise PermissionError(f"row-level security: this transaction cannot write {table}")
        self.changes[table][key] = clone(row)

    def exists(self, table: str, key: Any) -> bool:
        row = self._raw(table, key)
        return row is not None and self.visible(table, row)

    def delete(self, table: str, key: Any) -> bool:
        if not self.exists(table, key):
            return False
        self.changes[table][key] = None
        return True
