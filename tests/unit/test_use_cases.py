"""Use cases on in-memory adapters: the outcomes a creator or operator would notice."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from creatorpulse.adapters.feeds.static import StaticFeedFetcher
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.local_embedder import LocalEmbedder
from creatorpulse.adapters.local_generator import LocalDraftGenerator
from creatorpulse.adapters.mail.outbox import OutboxMailer
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.passwords import PwdlibHasher
from creatorpulse.adapters.system import FixedClock, RandomIds, SecretTokens
from creatorpulse.domain.model.emails import DeliveryStatus, EmailKind
from creatorpulse.domain.model.errors import AuthenticationFailed, InvalidInput
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.domain.model.sources import FAILURES_BEFORE_DISABLE
from creatorpulse.domain.model.users import MailPause, User
from creatorpulse.domain.use_cases.delivery_events import DeliveryEvent, DeliveryEventKind
from creatorpulse.domain.use_cases.ingest import store_items
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.entrypoints.use_cases import Ports, UseCases

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Databases</title><description>Postgres 18 ships asynchronous I/O, which
makes sequential scans noticeably faster on cloud disks.</description></item>
</channel></rss>"""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 12, tzinfo=UTC))


@pytest.fixture
def feeds() -> StaticFeedFetcher:
    return StaticFeedFetcher({"https://feeds.example.com/rss": RSS})


@pytest.fixture
def cases(tmp_path: Path, clock: FixedClock, feeds: StaticFeedFetcher) -> UseCases:
    ports = Ports(
        uow=MemoryUnitOfWorkFactory(), clock=clock, ids=RandomIds(), tokens=SecretTokens(),
        hasher=PwdlibHasher(), language=FastTextLanguage(), embedder=LocalEmbedder(),
        generator=LocalDraftGenerator(), mailer=OutboxMailer(tmp_path, "cp@example.com", clock),
        fetchers=SourceFetchers(feeds),
    )  # fmt: skip
    return UseCases(ports, base_url="https://cp.example.com")


async def _account(cases: UseCases, user_id: UUID) -> User:
    async with cases.ports.uow.for_user(user_id, read_only=True) as tx:
        found = await tx.users.get(user_id)
    assert found is not None
    return found


async def _verified(cases: UseCases, email: str = "ana@example.com"):
    registration = await cases.register(email, "long enough password")
    return await cases.verify_email(registration.verification_token)


async def test_five_failed_checks_disable_a_source_and_mail_its_owner_once(
    cases: UseCases, feeds: StaticFeedFetcher, tmp_path: Path
) -> None:
    user = await _verified(cases)
    source, _ = await cases.add_source(user.id, "rss", "https://feeds.example.com/rss", "Feed")
    feeds.publish("https://feeds.example.com/rss", b"<html>gone</html>")
    outcomes = [await cases.refresh_source(user.id, source.id) for _ in range(7)]
    assert [o.disabled for o in outcomes[:5]] == [False] * 4 + [True]
    assert [o.error for o in outcomes[5:]] == ["source is disabled"] * 2
    assert len(list(tmp_path.glob("*-notification-*.eml"))) == 1
    [status] = await cases.list_sources(user.id)
    assert (status.active, status.error_count) == (False, FAILURES_BEFORE_DISABLE)
    assert "RSS or Atom" in (status.last_error or "")


async def test_a_success_resets_the_failure_count(
    cases: UseCases, feeds: StaticFeedFetcher
) -> None:
    user = await _verified(cases)
    source, _ = await cases.add_source(user.id, "rss", "https://feeds.example.com/rss", "Feed")
    feeds.publish("https://feeds.example.com/rss", b"not a feed")
    for _ in range(FAILURES_BEFORE_DISABLE - 1):
        await cases.refresh_source(user.id, source.id)
    feeds.publish("https://feeds.example.com/rss", RSS)
    assert (await cases.refresh_source(user.id, source.id)).ok
    assert (await cases.list_sources.one(user.id, source.id)).error_count == 0


@pytest.mark.parametrize(
    ("kind", "pause", "status"),
    [
        (DeliveryEventKind.BOUNCE, MailPause.BOUNCED, DeliveryStatus.BOUNCED),
        (DeliveryEventKind.SPAM_REPORT, MailPause.SPAM_REPORT, DeliveryStatus.SPAM),
        (DeliveryEventKind.DROPPED, MailPause.DROPPED, DeliveryStatus.FAILED),
    ],
)
async def test_bounces_and_spam_reports_pause_mail(
    cases: UseCases, kind: DeliveryEventKind, pause: MailPause, status: DeliveryStatus
) -> None:
    user = await _verified(cases)
    async with cases.ports.uow.for_user(user.id) as tx:
        verification, welcome = await tx.deliveries.list_for_user(user.id)
    assert (verification.email_type, welcome.email_type) == (
        EmailKind.VERIFICATION,
        EmailKind.WELCOME,
    )
    applied = await cases.apply_delivery_event(
        DeliveryEvent(kind=kind, message_id=verification.provider_message_id)
    )
    assert applied
    account = await _account(cases, user.id)
    assert account.mail_paused is pause and not account.receives_daily_email
    async with cases.ports.uow.for_user(user.id) as tx:
        assert (await tx.deliveries.get(verification.id)).status is status  # type: ignore[union-attr]


async def test_an_event_for_an_unknown_delivery_changes_nothing(cases: UseCases) -> None:
    user = await _verified(cases)
    event = DeliveryEvent(kind=DeliveryEventKind.BOUNCE, message_id="<nope@elsewhere>")
    assert not await cases.apply_delivery_event(event)
    assert (await _account(cases, user.id)).mail_paused is None


async def test_delivered_event_marks_delivered(cases: UseCases, clock: FixedClock) -> None:
    user = await _verified(cases)
    async with cases.ports.uow.for_user(user.id) as tx:
        verification, _ = await tx.deliveries.list_for_user(user.id)
    await cases.apply_delivery_event(
        DeliveryEvent(kind=DeliveryEventKind.DELIVERED, delivery_id=verification.id)
    )
    async with cases.ports.uow.for_user(user.id) as tx:
        found = await tx.deliveries.get(verification.id)
    assert found is not None and found.status is DeliveryStatus.DELIVERED
    assert found.delivered_at == clock.now()


async def test_retention_drops_old_items_and_unvoted_drafts(
    cases: UseCases, clock: FixedClock
) -> None:
    user = await _verified(cases)
    await cases.add_source(user.id, "rss", "https://feeds.example.com/rss", "Feed")
    clock.advance(timedelta(days=6))
    early = await cases.cleanup()
    assert (early.items, early.tokens) == (0, 1)  # the verification token lives 48 h
    clock.advance(timedelta(days=2))
    assert (await cases.cleanup()).items == 1  # unused items live 7 days


async def test_password_reset_flow_and_single_use(cases: UseCases, tmp_path: Path) -> None:
    user = await _verified(cases)
    await cases.request_reset(user.email.upper())
    await cases.request_reset("nobody@example.com")  # says nothing, sends nothing
    [mail] = tmp_path.glob("*-password_reset-*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    token = body.split("reset-password?token=")[1].split()[0]
    await cases.reset_password(token, "a brand new password")
    assert (await cases.authenticate(user.email, "a brand new password")).id == user.id
    with pytest.raises(AuthenticationFailed):
        await cases.authenticate(user.email, "long enough password")
    with pytest.raises(InvalidInput):
        await cases.reset_password(token, "another new password")


async def test_unverified_accounts_cannot_sign_in(cases: UseCases) -> None:
    await cases.register("new@example.com", "long enough password")
    with pytest.raises(AuthenticationFailed) as unverified:
        await cases.authenticate("new@example.com", "long enough password")
    with pytest.raises(AuthenticationFailed) as unknown:
        await cases.authenticate("other@example.com", "long enough password")
    assert unverified.value.message == unknown.value.message


async def test_bcrypt_hashes_verify_and_are_upgraded_to_argon2(cases: UseCases) -> None:
    user = await _verified(cases)
    old = PasswordHash((BcryptHasher(rounds=4),)).hash("long enough password")
    async with cases.ports.uow.for_user(user.id) as tx:
        user.change_password_hash(old, cases.ports.clock.now())
        await tx.users.update(user)
        await tx.commit()
    await cases.authenticate(user.email, "long enough password")
    assert (await _account(cases, user.id)).password_hash.startswith("$argon2id$")


def test_tokens_are_unique_and_carry_256_bits() -> None:
    tokens = [SecretTokens().new_token() for _ in range(10_000)]
    assert len(set(tokens)) == len(tokens)
    assert all(len(t) >= 43 for t in tokens)  # 32 bytes in URL-safe base64


texts = st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=200)


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, max_size=8))
def test_ingesting_the_same_entries_twice_stores_nothing_new(contents: list[str]) -> None:
    async def scenario() -> tuple[int, int]:
        uow, clock = MemoryUnitOfWorkFactory(), FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
        from builders import make_source, make_user  # noqa: PLC0415

        user = make_user()
        source = make_source(user.id)
        entries = [FetchedItem(title=None, content=c) for c in contents]

        class English:
            def detect(self, text: str) -> str | None:
                return "en"

        counts = []
        for _ in range(2):
            async with uow.system() as tx:
                if not await tx.users.get(user.id):
                    await tx.users.add(user)
                    await tx.sources.add(source)
                report = await store_items(
                    tx, source, entries, now=clock.now(), ids=RandomIds(), language=English()
                )
                await tx.commit()
            counts.append(report.stored)
        return counts[0], counts[1]

    first, second = asyncio.run(scenario())
    assert second == 0
    assert first <= len(contents)
