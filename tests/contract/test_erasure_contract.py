"""Deleting an account leaves no row that names its owner, and the retention job deletes what
the rules say and nothing else: the same tests on every storage adapter."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import msgspec
import psycopg
import pytest
from psycopg import sql

from builders import NOW, make_chunk, make_draft, make_item, make_post, make_source, make_user
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.drafts import DraftStatus, Feedback, FeedbackSource, FeedbackType
from creatorpulse.domain.model.emails import EmailDelivery, EmailKind
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.domain.model.jobs import DeadLetter, generation_key
from creatorpulse.domain.model.style_jobs import StyleJob
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.use_cases.account import Account
from creatorpulse.domain.use_cases.cleanup import Cleanup, CleanupReport
from creatorpulse.domain.use_cases.due_work import DueWork
from creatorpulse.ports.storage import UnitOfWorkFactory

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
# Every table whose rows belong to a user; the walk must find the user in each before deletion.
USER_TABLES = {
    "users", "action_tokens", "sources", "user_style_posts", "style_vectors", "source_content",
    "generated_drafts", "draft_feedback", "email_delivery_log", "style_jobs", "job_claims",
    "dead_letters",
}  # fmt: skip
MEMORY_NAMES = {
    "tokens": "action_tokens", "style_posts": "user_style_posts", "style_chunks": "style_vectors",
    "items": "source_content", "drafts": "generated_drafts", "feedback": "draft_feedback",
    "deliveries": "email_delivery_log", "feed_state": "feed_fetch_state",
}  # fmt: skip


async def _everything_of(uow: UnitOfWorkFactory, email: str, feed: str) -> Any:
    """A user with a row in every table a user can reach, and the worker's records of them."""
    user = make_user(email)
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.commit()
    source, post = make_source(user.id, url=feed), make_post(user.id)
    item, draft = make_item(source), make_draft(user.id, feedback_token_hash=token_hash(email))
    async with uow.for_user(user.id) as tx:
        await tx.sources.add(source)
        await tx.items.add_new([item])
        await tx.style_posts.add(post)
        await tx.style_chunks.replace_for_post(post.id, [make_chunk(user.id, post.id, [0.5] * 768)])
        await tx.drafts.add(draft)
        await tx.feedback.upsert(Feedback(
            id=uuid.uuid4(), draft_id=draft.id, user_id=user.id,
            feedback_type=FeedbackType.POSITIVE, feedback_source=FeedbackSource.EMAIL,
            created_at=NOW, updated_at=NOW,
        ))  # fmt: skip
        await tx.deliveries.add(EmailDelivery(
            id=uuid.uuid4(), user_id=user.id, email_type=EmailKind.DAILY_DRAFTS,
            local_date=date(2026, 11, 25), provider_message_id=f"msg-{user.id}",
            draft_ids=[draft.id], created_at=NOW,
        ))  # fmt: skip
        await tx.tokens.add(ActionToken.issue(
            token_hash=token_hash(f"unsub-{email}"), purpose=TokenPurpose.UNSUBSCRIBE,
            user_id=user.id, now=NOW,
        ))  # fmt: skip
        await tx.style_jobs.add(StyleJob(
            id=uuid.uuid4(), user_id=user.id, total_posts=1, created_at=NOW, updated_at=NOW
        ))  # fmt: skip
        await tx.commit()
    async with uow.system() as tx:  # what the worker keeps about this user's work
        await tx.job_claims.claim(generation_key(user.id, date(2026, 11, 25)), NOW)
        await tx.dead_letters.add(DeadLetter(
            id=uuid.uuid4(), task_name="generate_drafts", args={"user_id": str(user.id)},
            error="RateLimited: try later", attempts=5, created_at=NOW,
        ))  # fmt: skip
        await tx.feed_state.put(FeedFetchState(url=feed, checked_at=NOW, etag='"v1"'))
        await tx.commit()
    return user


def _memory_rows_naming(uow: MemoryUnitOfWorkFactory, *needles: str) -> set[str]:
    found = set()
    for name, table in uow.store.tables.items():
        for key, row in table.items():
            text = f"{key} {msgspec.json.encode(row).decode()}".lower()
            if any(needle in text for needle in needles):
                found.add(MEMORY_NAMES.get(name, name))
    return found


def _postgres_rows_naming(owner_url: str, user_id: uuid.UUID, email: str) -> set[str]:
    """As the owner, every column of every table: the id in uuid columns (and uuid arrays),
    the id or the email anywhere in text and JSON."""
    found = set()
    with psycopg.connect(owner_url) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND udt_name IN ('uuid', '_uuid', 'text', 'jsonb')"
        ).fetchall()
        for table, column, kind in columns:
            where = {
                "uuid": "{} = %(id)s::uuid",
                "_uuid": "%(id)s::uuid = ANY({})",
            }.get(
                kind,
                "strpos(lower({}::text), %(id)s) > 0 OR strpos(lower({}::text), %(email)s) > 0",
            )
            query = sql.SQL("SELECT 1 FROM {} WHERE " + where + " LIMIT 1").format(
                sql.Identifier(table), *[sql.Identifier(column)] * where.count("{}")
            )
            if conn.execute(query, {"id": str(user_id), "email": email}).fetchone():
                found.add(table)
    return found


@pytest.fixture
def rows_naming(uow: UnitOfWorkFactory, request: pytest.FixtureRequest) -> Any:
    """The tables holding any row that names a user (by id or by email), for either adapter."""
    if isinstance(uow, MemoryUnitOfWorkFactory):
        return lambda user: _memory_rows_naming(uow, str(user.id), user.email)
    owner_url = request.getfixturevalue("pg_clean")
    return lambda user: _postgres_rows_naming(owner_url, user.id, user.email)


async def test_deleting_an_account_leaves_nothing_that_names_it(
    uow: UnitOfWorkFactory, rows_naming: Any
) -> None:
    gone = await _everything_of(uow, "leaving@example.com", "https://leaving.example/rss")
    stays = await _everything_of(uow, "staying@example.com", "https://staying.example/rss")
    assert rows_naming(gone) >= USER_TABLES, "the walk must see the user everywhere first"
    kept = rows_naming(stays)

    await Account(uow, FixedClock(NOW)).delete(gone.id)

    assert rows_naming(gone) == set()
    assert rows_naming(stays) == kept
    # The address only they followed names no one, but says what they read: the next
    # retention run forgets it, and keeps the one still followed.
    assert (await Cleanup(uow, FixedClock(NOW))()).feeds == 1
    async with uow.system() as tx:
        left = await tx.feed_state.get_many(
            ["https://leaving.example/rss", "https://staying.example/rss"]
        )
    assert list(left) == ["https://staying.example/rss"]


async def _items_drafts_tokens(uow: UnitOfWorkFactory) -> dict[str, Any]:
    user = make_user()
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.commit()
    source = make_source(user.id)

    def item(age: timedelta, *, processed: bool) -> Any:
        made = make_item(source, f"News item {uuid.uuid4().hex} about databases.")
        return msgspec.structs.replace(made, created_at=NOW - age, processed=processed)

    items = {
        "fresh": item(7 * DAY, processed=False),  # exactly 7 days: still kept
        "stale": item(7 * DAY + SECOND, processed=False),
        "used": item(30 * DAY, processed=True),  # exactly 30 days once used: still kept
        "used_old": item(30 * DAY + SECOND, processed=True),
    }
    drafts = {
        "pending": make_draft(user.id, created_at=NOW - 30 * DAY + SECOND),
        "pending_old": make_draft(user.id, created_at=NOW - 30 * DAY),  # 30 days: expired
        "approved_old": make_draft(user.id, created_at=NOW - 90 * DAY, status=DraftStatus.APPROVED),
        "rejected_old": make_draft(user.id, created_at=NOW - 90 * DAY, status=DraftStatus.REJECTED),
        "from_stale_item": make_draft(user.id, source_item_id=items["stale"].id),
    }
    tokens = {
        "live": ActionToken(token_hash=token_hash("live"), purpose=TokenPurpose.UNSUBSCRIBE,
                            user_id=user.id, created_at=NOW, expires_at=NOW + SECOND),
        "expired": ActionToken(token_hash=token_hash("expired"), purpose=TokenPurpose.UNSUBSCRIBE,
                               user_id=user.id, created_at=NOW - DAY, expires_at=NOW),
    }  # fmt: skip
    async with uow.for_user(user.id) as tx:
        await tx.sources.add(source)
        await tx.items.add_new(list(items.values()))
        for draft in drafts.values():
            await tx.drafts.add(draft)
        for token in tokens.values():
            await tx.tokens.add(token)
        await tx.commit()
    async with uow.system() as tx:
        await tx.job_claims.claim("tick:old", NOW - 14 * DAY - SECOND)
        await tx.job_claims.claim("tick:kept", NOW - 14 * DAY)
        await tx.feed_state.put(FeedFetchState(url=source.url, etag='"followed"'))
        await tx.feed_state.put(FeedFetchState(url="https://left.example/rss", etag='"left"'))
        await tx.commit()
    return {"user": user, "source": source, "items": items, "drafts": drafts}


async def test_retention_deletes_exactly_what_the_rules_say(uow: UnitOfWorkFactory) -> None:
    world = await _items_drafts_tokens(uow)
    clock = FixedClock(NOW)

    report = await Cleanup(uow, clock)()
    pruned = await DueWork(uow, clock).prune_claims()

    assert report == CleanupReport(items=2, drafts=1, tokens=1, feeds=1)
    assert pruned == 1
    user, items, drafts = world["user"], world["items"], world["drafts"]
    async with uow.for_user(user.id) as tx:
        kept_items = {k for k, i in items.items() if await tx.items.get(i.id) is not None}
        kept_drafts = {k: await tx.drafts.get(d.id) for k, d in drafts.items()}
        assert await tx.users.get(user.id) is not None
        assert [s.id for s in await tx.sources.list_for_user(user.id)] == [world["source"].id]
        assert await tx.tokens.consume(token_hash("live"), TokenPurpose.UNSUBSCRIBE, NOW)
    assert kept_items == {"fresh", "used"}
    assert {k for k, d in kept_drafts.items() if d is not None} == {
        "pending", "approved_old", "rejected_old", "from_stale_item"
    }  # fmt: skip
    assert kept_drafts["from_stale_item"].source_item_id is None  # the draft outlives its item
    async with uow.system() as tx:
        assert not await tx.job_claims.claim("tick:kept", NOW), "a kept claim is still held"
        assert await tx.job_claims.claim("tick:old", NOW), "a pruned claim can be taken again"
        kept_feeds = await tx.feed_state.get_many([world["source"].url, "https://left.example/rss"])
    assert list(kept_feeds) == [world["source"].url]
