"""The outbox mailer against a real directory: one parseable .eml per delivery."""

from __future__ import annotations

import asyncio
import email.policy
import os
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from uuid import UUID

import pytest

from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.emails import (
    EmailKind,
    OutgoingEmail,
    VerificationEmail,
)
from creatorpulse.domain.model.errors import UpstreamError
from fakes.emails import DELIVERY, DRAFT, daily

SENDER = "CreatorPulse <drafts@creatorpulse.local>"
NOW = datetime(2025, 11, 25, 7, 30, 5, tzinfo=UTC)


class TickingClock:
    """A second passes between readings, so racing sends would pick different file names."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current


def listing(directory: Path, pattern: str = "*.eml") -> list[str]:
    return sorted(f.name for f in directory.glob(pattern))


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as file:
        parsed = BytesParser(policy=email.policy.default).parse(file)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_send_writes_one_multipart_alternative_eml(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox" / "nested"
    mailer = OutboxMailer(outbox, SENDER, clock=FixedClock(NOW))

    message_id = await mailer.send(daily())

    assert listing(outbox) == [f"20251125T073005-daily_drafts-{DELIVERY}.eml"]
    assert message_id == f"<{DELIVERY}@creatorpulse.local>"
    parsed = parse(outbox / listing(outbox)[0])
    assert parsed["From"] == SENDER
    assert parsed["To"] == "creator@example.com"
    assert parsed["Subject"] == "Your 1 LinkedIn draft for Tue 25 Nov"
    assert parsedate_to_datetime(parsed["Date"]) == NOW
    assert parsed["Message-ID"] == message_id
    assert parsed["X-CreatorPulse-Delivery-Id"] == str(DELIVERY)
    assert parsed["X-CreatorPulse-Kind"] == "daily_drafts"
    assert parsed["List-Unsubscribe"] == "<https://app.example.com/unsubscribe/u1>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    text, body = (p.get_content() for p in parts)
    assert isinstance(text, str) and isinstance(body, str)
    assert DRAFT in text
    assert "Ship small, ship often 🚀<br>&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script" not in body
    assert "https://app.example.com/feedback/t1/positive" in body


async def test_sending_the_same_delivery_twice_writes_one_file(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    mailer = OutboxMailer(tmp_path, SENDER, clock=clock)

    first = await mailer.send(daily())
    clock.current = datetime(2025, 11, 25, 7, 40, tzinfo=UTC)  # a retry, ten minutes later
    second = await mailer.send(daily())
    again = await OutboxMailer(tmp_path, SENDER, clock=clock).send(daily())  # after a restart

    assert first == second == again
    assert listing(tmp_path) == [f"20251125T073005-daily_drafts-{DELIVERY}.eml"]


async def test_concurrent_sends_of_one_delivery_write_one_file(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, SENDER, clock=TickingClock(NOW))

    ids = await asyncio.gather(*(mailer.send(daily()) for _ in range(8)))

    assert len(set(ids)) == 1
    assert len(listing(tmp_path, "*.eml")) == 1
    assert not listing(tmp_path, ".*.tmp")


async def test_different_deliveries_get_their_own_files(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, SENDER, clock=FixedClock(NOW))
    other = UUID(int=7)
    verification = OutgoingEmail(
        delivery_id=other,
        kind=EmailKind.VERIFICATION,
        message=VerificationEmail(to="new@example.com", verify_url="https://app.example.com/v/t"),
    )

    await mailer.send(daily())
    await mailer.send(verification)

    names = listing(tmp_path)
    assert names == [
        f"20251125T073005-daily_drafts-{DELIVERY}.eml",
        f"20251125T073005-verification-{other}.eml",
    ]
    parsed = parse(tmp_path / names[1])
    assert parsed["List-Unsubscribe"] is None
    assert parsed["X-CreatorPulse-Kind"] == "verification"


async def test_unwritable_directory_raises_a_transient_upstream_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a regular file")
    mailer = OutboxMailer(blocker / "outbox", SENDER)

    with pytest.raises(UpstreamError) as raised:
        await mailer.send(daily())

    assert raised.value.transient is True
    assert str(blocker / "outbox") in raised.value.message


async def test_an_email_written_before_the_sent_markers_is_not_sent_again(tmp_path: Path) -> None:
    legacy = tmp_path / f"20251125T070000-daily_drafts-{DELIVERY}.eml"
    legacy.write_bytes(b"From: an earlier version of the outbox\r\n\r\nbody\r\n")
    mailer = OutboxMailer(tmp_path, SENDER, clock=FixedClock(NOW))

    assert await mailer.sent_message_id(DELIVERY) == f"<{DELIVERY}@creatorpulse.local>"
    await mailer.send(daily())
    assert listing(tmp_path) == [legacy.name]


async def test_sending_never_lists_the_directory_once_it_is_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check per send is one marker read: a listing per send made a day's run quadratic."""
    (tmp_path / "notes.eml").write_text("not one of ours")  # no delivery id: no marker
    mailer = OutboxMailer(tmp_path, SENDER, clock=TickingClock(NOW))
    await mailer.send(daily(UUID(int=1)))

    def no_listing(*_: object) -> None:
        raise AssertionError("the outbox directory was listed")

    monkeypatch.setattr(Path, "glob", no_listing)
    monkeypatch.setattr(Path, "iterdir", no_listing)
    for n in range(2, 5):
        await mailer.send(daily(UUID(int=n)))
        assert await mailer.sent_message_id(UUID(int=n)) is not None
    assert await mailer.sent_message_id(UUID(int=99)) is None
    assert sorted(os.listdir(tmp_path / ".sent")) == [str(UUID(int=n)) for n in range(1, 5)]


async def test_a_crash_between_the_marker_and_the_file_is_written_on_retry(
    tmp_path: Path,
) -> None:
    (tmp_path / ".sent").mkdir()
    (tmp_path / ".sent" / str(DELIVERY)).write_text(f"20251125T070000-daily_drafts-{DELIVERY}.eml")
    mailer = OutboxMailer(tmp_path, SENDER, clock=FixedClock(NOW))

    assert await mailer.sent_message_id(DELIVERY) is None
    await mailer.send(daily())
    assert await mailer.sent_message_id(DELIVERY) is not None
    assert listing(tmp_path) == [f"20251125T073005-daily_drafts-{DELIVERY}.eml"]


async def test_a_header_with_a_line_break_is_refused_not_written(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, SENDER, clock=FixedClock(NOW))
    smuggled = OutgoingEmail(
        delivery_id=DELIVERY,
        kind=EmailKind.VERIFICATION,
        message=VerificationEmail(
            to="new@example.com\r\nBcc: all@example.com", verify_url="https://app.example.com/v/t"
        ),
    )
    with pytest.raises(UpstreamError) as raised:
        await mailer.send(smuggled)
    assert raised.value.code == "invalid_message" and "line break" in str(raised.value)
    assert listing(tmp_path) == []


async def test_the_file_is_seven_bit_and_decodes_to_the_emoji(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, SENDER, clock=FixedClock(NOW))
    await mailer.send(daily())
    raw = (tmp_path / listing(tmp_path)[0]).read_bytes()
    assert raw.isascii()  # safe for any relay
    text = parse(tmp_path / listing(tmp_path)[0]).get_body(("plain",))
    assert text is not None and "Ship small, ship often 🚀" in text.get_content()
