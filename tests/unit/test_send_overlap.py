"""Two attempts at the same creator's daily email at once: one sends, the other stands aside."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from builders import make_draft, make_user
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock, RandomIds, SecretTokens
from creatorpulse.domain.model.emails import OutgoingEmail
from creatorpulse.domain.use_cases.send_daily_email import SendDailyEmail


class SlowMailer(OutboxMailer):
    """Hands over slowly, so a second attempt starts while the first is mid-send."""

    calls = 0

    async def send(self, email: OutgoingEmail) -> str | None:
        SlowMailer.calls += 1
        await asyncio.sleep(0.05)
        return await super().send(email)


async def test_overlapping_attempts_send_once_and_keep_the_links_working(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 12, tzinfo=UTC))
    uow = MemoryUnitOfWorkFactory()
    user = make_user()
    async with uow.system() as tx:
        await tx.users.add(user)
        for _ in range(3):
            await tx.drafts.add(make_draft(user.id, created_at=clock.now()))
        await tx.commit()
    send = SendDailyEmail(
        uow, SlowMailer(tmp_path, "cp@example.com", clock), clock, RandomIds(), SecretTokens(),
        "https://cp.example.com",
    )  # fmt: skip
    first, second = await asyncio.gather(send(user.id), send(user.id))
    assert SlowMailer.calls == 1
    assert [first is None, second is None].count(True) == 1
    again = await send(user.id)  # after the first finished: the one email of the day, as is
    assert again is not None and again.status.value == "sent"
    assert len(list(tmp_path.glob("*daily_drafts*.eml"))) == 1
