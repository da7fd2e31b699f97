"""Isolation that holds against our own bugs: a user's transaction never reaches another's rows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import msgspec
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import NOW, make_chunk, make_draft, make_item, make_post, make_source, make_user
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.embedded import as_role
from creatorpulse.domain.model.drafts import DraftStatus, Feedback, FeedbackSource, FeedbackType
from creatorpulse.domain.model.emails import EmailDelivery, EmailKind
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.ports.storage import UnitOfWorkFactory

UNSUB = TokenPurpose.UNSUBSCRIBE
LATER = NOW + timedelta(days=999)
TABLES = (
    "users", "action_tokens", "sources", "user_style_posts", "style_vectors", "source_content",
    "generated_drafts", "draft_feedback", "email_delivery_log",
)  # fmt: skip


class World(msgspec.Struct):
    """Everything one user owns, so an attack can name each of its rows."""

    user: Any
    source: Any
    post: Any
    item: Any
    draft: Any
    delivery: Any
    token: str


async def _populate(uow: UnitOfWorkFactory) -> World:
    user = make_user()
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.commit()
    source, post = make_source(user.id), make_post(user.id)
    item, draft = (
        make_item(source),
        make_draft(user.id, feedback_token_hash=token_hash(f"draft-{user.id}")),
    )
    delivery = EmailDelivery(
        id=uuid.uuid4(), user_id=user.id, email_type=EmailKind.DAILY_DRAFTS,
        local_date=date(2026, 11, 25), provider_message_id=f"msg-{user.id}", created_at=NOW,
    )  # fmt: skip
    secret = f"token-{user.id}"
    async with uow.for_user(user.id) as tx:
        await tx.sources.add(source)
        await tx.items.add_new([item])
        await tx.style_posts.add(post)
        await tx.style_chunks.replace_for_post(post.id, [make_chunk(user.id, post.id, [0.5] * 768)])
        await tx.drafts.add(draft)
        await tx.feedback.upsert(
            Feedback(
                id=uuid.uuid4(), draft_id=draft.id, user_id=user.id,
                feedback_type=FeedbackType.POSITIVE, feedback_source=FeedbackSource.EMAIL,
                created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        await tx.deliveries.add(delivery)
        await tx.tokens.add(
            ActionToken.issue(
                token_hash=token_hash(secret), purpose=TokenPurpose.UNSUBSCRIBE,
                user_id=user.id, now=NOW,
            )
        )  # fmt: skip
        await tx.commit()
    return World(user, source, post, item, draft, delivery, secret)


async def _snapshot(uow: UnitOfWorkFactory, w: World) -> bytes:
    uid = w.user.id
    async with uow.system() as tx:
        state = [
            await tx.users.get(uid),
            await tx.sources.list_for_user(uid),
            await tx.style_posts.list_for_user(uid),
            await tx.style_chunks.count_for_user(uid),
            await tx.items.get(w.item.id),
            await tx.drafts.list_page(uid, 1, 50),
            await tx.feedback.list_for_user(uid),
            await tx.deliveries.list_for_user(uid),
        ]
    return msgspec.json.encode(state)


def _attacks(victim: World, attacker_id: uuid.UUID) -> list[tuple[str, Any]]:
    """Every repository method, aimed at the victim's rows from the attacker's transaction."""
    v, uid = victim, victim.user.id
    forged_user = msgspec.structs.replace(v.user, email="owned@evil.example", active=False)
    forged_source = msgspec.structs.replace(v.source, name="owned", active=False)
    forged_draft = msgspec.structs.replace(v.draft, status=DraftStatus.REJECTED)
    forged_delivery = msgspec.structs.replace(v.delivery, status="failed")
    processed_post = msgspec.structs.replace(v.post, processed=True)
    post, draft_token = v.post.id, token_hash(f"draft-{uid}")
    return [
        ("users.get", lambda tx: tx.users.get(uid)),
        ("users.get_by_email", lambda tx: tx.users.get_by_email(v.user.email)),
        ("users.update", lambda tx: tx.users.update(forged_user)),
        ("users.delete", lambda tx: tx.users.delete(uid)),
        ("users.list_active", lambda tx: tx.users.list_active()),
        ("tokens.consume", lambda tx: tx.tokens.consume(token_hash(v.token), UNSUB, NOW)),
        ("tokens.delete_expired", lambda tx: tx.tokens.delete_expired(LATER)),
        ("sources.get", lambda tx: tx.sources.get(v.source.id)),
        ("sources.update", lambda tx: tx.sources.update(forged_source)),
        ("sources.delete", lambda tx: tx.sources.delete(v.source.id)),
        ("sources.list_for_user", lambda tx: tx.sources.list_for_user(uid)),
        ("sources.count_for_user", lambda tx: tx.sources.count_for_user(uid)),
        ("sources.list_active", lambda tx: tx.sources.list_active()),
        ("style_posts.get", lambda tx: tx.style_posts.get(v.post.id)),
        ("style_posts.update", lambda tx: tx.style_posts.update(processed_post)),
        ("style_posts.delete", lambda tx: tx.style_posts.delete(v.post.id)),
        ("style_posts.list_for_user", lambda tx: tx.style_posts.list_for_user(uid)),
        ("style_posts.count_for_user", lambda tx: tx.style_posts.count_for_user(uid)),
        ("style_posts.hashes_for_user", lambda tx: tx.style_posts.hashes_for_user(uid)),
        ("style_posts.count_processed_each",
         lambda tx: tx.style_posts.count_processed_each([uid])),
        ("style_chunks.nearest", lambda tx: tx.style_chunks.nearest(uid, [0.5] * 768, 5)),
        ("style_chunks.replace_for_post", lambda tx: tx.style_chunks.replace_for_post(post, ())),
        ("style_chunks.count_for_user", lambda tx: tx.style_chunks.count_for_user(uid)),
        ("items.get", lambda tx: tx.items.get(v.item.id)),
        ("items.list_recent", lambda tx: tx.items.list_recent(uid, NOW - timedelta(days=9))),
        ("items.mark_processed", lambda tx: tx.items.mark_processed([v.item.id])),
        ("items.delete_expired", lambda tx: tx.items.delete_expired(LATER)),
        ("items.add_new", lambda tx: tx.items.add_new([make_item(v.source, "Injected text.")])),
        ("drafts.get", lambda tx: tx.drafts.get(v.draft.id)),
        ("drafts.get_many", lambda tx: tx.drafts.get_many([v.draft.id])),
        ("drafts.stamps_since", lambda tx: tx.drafts.stamps_since([uid], NOW - timedelta(days=9))),
        ("drafts.get_by_token_hash", lambda tx: tx.drafts.get_by_token_hash(draft_token)),
        ("drafts.update", lambda tx: tx.drafts.update(forged_draft)),
        ("drafts.update, several", lambda tx: tx.drafts.update(forged_draft, forged_draft)),
        ("drafts.add, several",
         lambda tx: tx.drafts.add(make_draft(uid), make_draft(uid))),
        ("drafts.list_page", lambda tx: tx.drafts.list_page(uid, 1, 50)),
        ("drafts.list_since", lambda tx: tx.drafts.list_since(uid, NOW - timedelta(days=9))),
        ("drafts.delete_expired", lambda tx: tx.drafts.delete_expired(LATER)),
        ("feedback.get_for_draft", lambda tx: tx.feedback.get_for_draft(v.draft.id)),
        ("feedback.list_for_user", lambda tx: tx.feedback.list_for_user(uid)),
        ("deliveries.get", lambda tx: tx.deliveries.get(v.delivery.id)),
        ("deliveries.get_daily", lambda tx: tx.deliveries.get_daily(uid, date(2026, 11, 25))),
        ("deliveries.list_daily",
         lambda tx: tx.deliveries.list_daily([(uid, date(2026, 11, 25))])),
        ("deliveries.get_by_message_id", lambda tx: tx.deliveries.get_by_message_id(f"msg-{uid}")),
        ("deliveries.update", lambda tx: tx.deliveries.update(forged_delivery)),
        ("deliveries.last_sent_daily", lambda tx: tx.deliveries.last_sent_daily(uid)),
        ("deliveries.list_for_user", lambda tx: tx.deliveries.list_for_user(uid)),
    ]  # fmt: skip


def _leaks(name: str, result: Any, victim: World) -> bool:
    """Whether a result names one of the victim's rows, or counts the victim's rows."""
    if name.endswith("count_for_user"):
        return bool(result)
    text = msgspec.json.encode(result, enc_hook=str).decode()
    ids = [victim.user.id, victim.source.id, victim.post.id, victim.draft.id, victim.delivery.id]
    return any(str(i) in text for i in ids) or victim.post.content_hash in text


def _sample_world() -> World:
    user = make_user()
    source = make_source(user.id)
    delivery = EmailDelivery(
        id=uuid.uuid4(), user_id=user.id, email_type=EmailKind.WELCOME, created_at=NOW
    )
    return World(
        user, source, make_post(user.id), make_item(source), make_draft(user.id), delivery, "t"
    )


ATTACK_NAMES = [name for name, _ in _attacks(_sample_world(), uuid.uuid4())]


async def _run_attacks(uow: UnitOfWorkFactory, names: list[str]) -> None:
    victim, attacker = await _populate(uow), await _populate(uow)
    before = await _snapshot(uow, victim)
    attacks = dict(_attacks(victim, attacker.user.id))
    for name in names:
        try:
            async with uow.for_user(attacker.user.id) as tx:
                result = await attacks[name](tx)
                await tx.commit()
        except PermissionError:
            continue  # refused outright: as good as invisible
        assert not _leaks(name, result, victim), f"{name} leaked {result!r}"
    assert await _snapshot(uow, victim) == before


@pytest.mark.parametrize("adapter", ["memory", "postgres"])
def test_every_repository_method_is_blind_to_other_users(adapter: str, request) -> None:
    owner_url = request.getfixturevalue("pg_owner_url") if adapter == "postgres" else None

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(ATTACK_NAMES), min_size=1, max_size=12))
    def attack(names: list[str]) -> None:
        async def scenario() -> None:
            if owner_url is None:
                await _run_attacks(MemoryUnitOfWorkFactory(), names)
                return
            database = Database(owner_url, max_connections=2)
            factory = await database.open()
            try:
                await _run_attacks(factory, names)
            finally:
                await database.close()

        asyncio.run(scenario())

    attack()
    # And every method at least once, in one go.
    if owner_url is not None:
        asyncio.run(_all_at_once(owner_url))
    else:
        asyncio.run(_run_attacks(MemoryUnitOfWorkFactory(), ATTACK_NAMES))


async def _all_at_once(owner_url: str) -> None:
    database = Database(owner_url, max_connections=2)
    try:
        await _run_attacks(await database.open(), ATTACK_NAMES)
    finally:
        await database.close()


async def test_raw_sql_as_the_service_role_sees_no_other_users_rows(pg_clean: str) -> None:
    database = Database(pg_clean, max_connections=2)
    uow = await database.open()
    alice, bob = await _populate(uow), await _populate(uow)
    await database.close()
    app_url = as_role(pg_clean, "creatorpulse_app")
    async with await psycopg.AsyncConnection.connect(app_url) as conn:
        role = await (await conn.execute(
            "SELECT rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = current_user"
        )).fetchone()  # fmt: skip
        assert role == (False, False, False)
        for table in TABLES:
            # No app.user_id at all: no rows, never all rows.
            count = await (await conn.execute(f"SELECT count(*) FROM {table}")).fetchone()
            assert count == (0,), table
        await conn.rollback()
        await conn.execute("SELECT set_config('app.user_id', %s, true)", (str(alice.user.id),))
        for table in TABLES:
            column = "id" if table == "users" else "user_id"
            theirs = await (await conn.execute(
                f"SELECT count(*) FROM {table} WHERE {column} = %s", (bob.user.id,)
            )).fetchone()  # fmt: skip
            mine = await (await conn.execute(f"SELECT count(*) FROM {table}")).fetchone()
            assert theirs == (0,), table
            assert mine is not None and mine[0] >= 1, table
        changed = await conn.execute(
            "UPDATE sources SET name = 'owned' WHERE user_id = %s", (bob.user.id,)
        )
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute(
                "INSERT INTO sources (id, user_id, type, url, name) "
                "VALUES (%s, %s, 'rss', 'https://x.example', 'x')",
                (uuid.uuid4(), bob.user.id),
            )
        await conn.rollback()
        await conn.execute("SET LOCAL ROLE creatorpulse_system")
        everyone = await (await conn.execute("SELECT count(*) FROM users")).fetchone()
        assert everyone == (2,)


async def test_style_nearest_reads_only_within_the_scope_it_is_given(pg_clean: str) -> None:
    """The search function (migration 0011) sets its own scope: it never reaches past it, and
    without one it finds nothing, as any other statement of the service role."""
    database = Database(pg_clean, max_connections=2)
    uow = await database.open()
    alice, bob = await _populate(uow), await _populate(uow)
    await database.close()
    query = "SELECT count(*) FROM style_nearest(%s, %s, %s::vector, 5)"
    vector = "[" + ",".join(["0.5"] * 768) + "]"
    async with await psycopg.AsyncConnection.connect(
        as_role(pg_clean, "creatorpulse_app"), autocommit=True
    ) as conn:
        for scope, owner, found in (
            (alice.user.id, alice.user.id, 1),
            (alice.user.id, bob.user.id, 0),
            (None, bob.user.id, 0),
        ):
            row = await (await conn.execute(query, (scope, owner, vector))).fetchone()
            assert row == (found,), (scope, owner)
        # The scope lasted the call: the connection is unscoped again.
        row = await (await conn.execute("SELECT current_setting('app.user_id', true)")).fetchone()
        assert row is not None and row[0] in (None, "")


async def test_a_reused_connection_carries_no_user_over(pg_clean: str) -> None:
    database = Database(pg_clean, max_connections=1)  # one connection: every tx reuses it
    uow = await database.open()
    user = await _populate(uow)
    with pytest.raises(psycopg.errors.UndefinedTable):
        async with uow.for_user(user.user.id) as tx:
            await tx.users._execute("SELECT * FROM no_such_table")  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        async with uow.system() as tx:
            raise RuntimeError("a failed system transaction")
    assert database._pool is not None
    async with database._pool.connection() as conn:
        row = await (await conn.execute(
            "SELECT current_setting('app.user_id', true), current_user"
        )).fetchone()  # fmt: skip
        assert row is not None and row[0] in (None, "") and row[1] == "creatorpulse_app"
        count = await (await conn.execute("SELECT count(*) FROM sources")).fetchone()
        assert count == (0,)
    await database.close()


async def test_a_deleted_user_leaves_no_row_in_any_table(pg_clean: str) -> None:
    database = Database(pg_clean, max_connections=2)
    uow = await database.open()
    gone, stays = await _populate(uow), await _populate(uow)
    async with uow.for_user(gone.user.id) as tx:
        await tx.users.delete(gone.user.id)
        await tx.commit()
    await database.close()
    async with await psycopg.AsyncConnection.connect(pg_clean) as conn:
        for table in TABLES:
            column = "id" if table == "users" else "user_id"
            for world, expected in ((gone, 0), (stays, 1)):
                row = await (await conn.execute(
                    f"SELECT count(*) > 0 FROM {table} WHERE {column} = %s", (world.user.id,)
                )).fetchone()  # fmt: skip
                assert row == (bool(expected),), (table, expected)
