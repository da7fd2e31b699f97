"""What a session check found, kept in this process while the store vouches that nothing it
depends on has changed: every signed-in request asks the same two things (whose token is this,
was it signed out), and asking the database each time was half the cost of a request.

The store that hands out a memo keeps it honest: it clears it when it commits a change to an
account or a sign-out in this process, when any process commits one (PostgreSQL tells every
listener), and while it cannot listen (then nothing is kept). A read that raced a change is not
kept: `stamp()` before reading, `put(..., stamp)` after; a clear in between voids the stamp.
An entry also ages out after `max_age` seconds, which bounds what a lost notice could cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

import msgspec

from creatorpulse.domain.model.users import User

Found = tuple[User | None, bool]  # the account (None: gone), and whether the token is revoked
_copy = msgspec.structs.replace  # with no changes, a shallow copy made in C (copy.copy is Python)


class SessionMemo:
    def __init__(
        self, *, max_age: float = 30.0, size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.max_age, self._size, self._clock = max_age, size, clock
        self._entries: dict[tuple[UUID, str], tuple[float, Found]] = {}
        self._stamp = 0
        self.live = False  # the store can tell about changes now; nothing is kept otherwise

    def get(self, user_id: UUID, token_id: str) -> Found | None:
        entry = self._entries.get((user_id, token_id))
        if entry is None:
            return None
        stored, (user, revoked) = entry
        if self._clock() - stored >= self.max_age:
            del self._entries[(user_id, token_id)]
            return None
        # A copy: a caller may change its account, and the next request must not see that.
        return (_copy(user) if user is not None else None), revoked

    def stamp(self) -> int:
        return self._stamp

    def put(self, user_id: UUID, token_id: str, found: Found, stamp: int) -> None:
        """Keep what a read begun at `stamp` found, unless something changed since."""
        if not self.live or stamp != self._stamp:
            return
        if len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]  # the oldest
        user, revoked = found
        self._entries[(user_id, token_id)] = (
            self._clock(),
            ((_copy(user) if user is not None else None), revoked),
        )

    def clear(self) -> None:
        """Something an entry depends on may have changed: forget everything, and void every
        read under way."""
        self._stamp += 1
        self._entries.clear()
