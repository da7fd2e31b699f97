"""Keeps a SessionMemo honest across processes: LISTENs for migration 0015's notices, sent at
the commit of any change to an account or a sign-out, and clears the memo on each. While the
listening connection is down (or not yet up, or has not yet heard a probe sent from another
connection) the memo keeps nothing; every reconnection clears it again, as notices sent
meanwhile are lost."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

import structlog
from psycopg import AsyncConnection

from creatorpulse.domain.model.sessions import SessionMemo

log = structlog.get_logger("creatorpulse.storage")
CHANNEL = "creatorpulse_sessions"
HEARTBEAT = 10.0  # seconds between checks that a quiet connection still answers
RETRY_MAX = 10.0  # seconds between reconnection attempts, at most
CONNECT_TIMEOUT = 10  # seconds
APPLICATION_NAME = "creatorpulse-session-notices"
PROBE_TIMEOUT = 5.0  # seconds for the first notice, sent to ourselves, to come back


class SessionNotices:
    def __init__(self, conninfo: str, memo: SessionMemo) -> None:
        self._conninfo, self.memo = conninfo, memo
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin listening (once): from the first session check, so processes that make none
        (workers) hold no connection for it."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        loop, delay = asyncio.get_running_loop(), 0.5
        while True:
            began = loop.time()
            try:
                await self._session()
            except Exception as error:  # the server restarted or dropped us: listen again
                if loop.time() - began > RETRY_MAX:  # it had been listening: retry soon
                    delay = 0.5
                log.warning("session_notices_lost", error=repr(error), retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    async def _session(self) -> None:
        conn = await AsyncConnection.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name=APPLICATION_NAME,  # how an operator tells it apart
        )
        try:
            await conn.execute(f"LISTEN {CHANNEL}")
            await self._hear_a_probe(conn)
            self.memo.clear()  # whatever was kept before now is unvouched for
            self.memo.live = True
            while True:
                async for _ in conn.notifies(timeout=HEARTBEAT):
                    self.memo.clear()
                async with asyncio.timeout(HEARTBEAT):  # a connection gone silent is gone
                    await conn.execute("SELECT 1")
        finally:
            self.memo.live = False
            self.memo.clear()
            with contextlib.suppress(Exception):
                await conn.close()

    async def _hear_a_probe(self, conn: AsyncConnection[Any]) -> None:
        """Keep nothing until a notice sent from another connection is heard: a LISTEN that
        cannot hear (a pooler in transaction mode moves it off its server connection) would
        otherwise leave the memo trusting changes it is never told of."""
        probe = f"probe:{os.urandom(8).hex()}"
        async with await AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT
        ) as sender:
            await self._send_probe(sender, probe)
        async for notice in conn.notifies(timeout=PROBE_TIMEOUT):
            if notice.payload == probe:
                return
        raise RuntimeError(f"no notice on {CHANNEL} came back within {PROBE_TIMEOUT:g} s")

    async def _send_probe(self, sender: AsyncConnection[Any], probe: str) -> None:
        await sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, probe))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
