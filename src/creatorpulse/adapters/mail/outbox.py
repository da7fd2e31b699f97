"""A Mailer that writes each email as an .eml file: the default when no provider is set up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
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
    no-op that answers the same Message-ID, like a provider deduplicating on our id.

    Which deliveries were written is kept as one small file per delivery id under `.sent/`,
    naming its email: checking it costs the same with ten files or a hundred thousand, where
    matching the directory listing grew with every email (13 ms at 10,000). An outbox written
    before the markers gets them once, when first used; from then on no marker means not sent.
    """

    def __init__(self, directory: Path, sender: str, clock: Clock | None = None) -> None:
        self._directory = Path(directory)
        self._sender = sender
        self._clock = clock or _SystemClock()
        self._lock = threading.Lock()  # the existence check and the write happen as one step
        self._marked = False  # every email in the directory has its marker

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

    def _marker(self, delivery_id: UUID) -> Path:
        return self._directory / ".sent" / str(delivery_id)

    def _written(self, delivery_id: UUID) -> bool:
        self._mark_older_emails()
        try:
            name = self._marker(delivery_id).read_text("utf-8").strip()
        except FileNotFoundError:
            return False
        return bool(name) and (self._directory / name).exists()

    def _mark_older_emails(self) -> None:
        """Markers for emails written before there were markers, made once per directory: built
        aside and renamed into place, so a process never sees half of them. Looking each email
        up by name instead scanned the whole directory per send (quadratic over a day's run)."""
        if self._marked:
            return
        sent = self._directory / ".sent"
        if not sent.is_dir():
            self._directory.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self._directory, prefix=".sent-"))
            for path in self._directory.glob("*.eml"):
                with contextlib.suppress(ValueError):  # not one of ours: no delivery id
                    (staging / str(UUID(path.stem[-36:]))).write_text(path.name, "utf-8")
            try:
                staging.rename(sent)
            except OSError:  # another process made them first
                shutil.rmtree(staging, ignore_errors=True)
        self._marked = True

    def _write_once(self, delivery_id: UUID, name: str, data: bytes) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        # Written and synced outside the lock, so sends overlap their disk waits.
        staged = _staged(self._directory, data)
        try:
            with self._lock:
                if self._written(delivery_id):
                    return
                marker = self._marker(delivery_id)
                marker.parent.mkdir(exist_ok=True)
                # The marker first: a crash before the rename leaves a marker naming a file that
                # is not there, which reads as not written, so the retry writes it.
                marker.write_text(name, "utf-8")
                os.replace(staged, self._directory / name)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(staged)


def _staged(directory: Path, data: bytes) -> str:
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary
