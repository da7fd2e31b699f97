"""A Mailer that writes each email as an .eml file: the default when no provider is set up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from creatorpulse.adapters.mail.message import build_message, message_id
from creatorpulse.domain.model.emails import OutgoingEmail
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.mailer import Mailer


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OutboxMailer(Mailer):
    """One file per delivery id, written atomically; a second send of the same delivery is a
    no-op that answers the same Message-ID, like a provider deduplicating on our id."""

    def __init__(self, directory: Path, sender: str, clock: Clock | None = None) -> None:
        self._directory = Path(directory)
        self._sender = sender
        self._clock = clock or _SystemClock()
        self._lock = threading.Lock()  # the existence check and the write happen as one step

    async def send(self, email: OutgoingEmail) -> str:
        now = self._clock.now().astimezone(UTC)
        try:
            data = build_message(email, self._sender, now).as_bytes()
        except ValueError as error:  # e.g. a header value the email package refuses
            raise UpstreamError(
                f"cannot build email: {error}", code="invalid_message", transient=False
            ) from error
        name = f"{now:%Y%m%dT%H%M%S}-{email.kind}-{email.delivery_id}.eml"
        try:
            await asyncio.to_thread(self._write_once, email.delivery_id, name, data)
        except OSError as error:
            raise UpstreamError(
                f"cannot write to outbox directory {self._directory}: {error.strerror or error}",
                code="outbox_unwritable",
                transient=True,
            ) from error
        return message_id(email.delivery_id)

    async def sent_message_id(self, delivery_id: UUID) -> str | None:
        written = await asyncio.to_thread(self._written, delivery_id)
        return message_id(delivery_id) if written else None

    def _written(self, delivery_id: UUID) -> bool:
        return any(self._directory.glob(f"*-{delivery_id}.eml"))

    def _write_once(self, delivery_id: UUID, name: str, data: bytes) -> None:
        with self._lock:
            self._directory.mkdir(parents=True, exist_ok=True)
            if any(self._directory.glob(f"*-{delivery_id}.eml")):
                return
            descriptor, temporary = tempfile.mkstemp(dir=self._directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self._directory / name)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
