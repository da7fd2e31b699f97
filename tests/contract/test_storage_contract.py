"""What every storage adapter must do: the same assertions for in-memory and Postgres."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from builders import NOW, make_chunk, make_draft, make_item, make_post, make_source, make_user
from creatorpulse.domain.model.drafts import DraftStatus, Feedback, FeedbackSource, FeedbackType
from creatorpulse.domain.model.emails import EmailDelivery, EmailKind
from creatorpulse.domain.model.errors import Conflict
from creatorpulse.domain.model.style_jobs import StyleJob, StyleJobStatus
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.ports.storage import UnitOfWorkFactory


async def _add_user(uow: UnitOfWorkFactory, email: str | None = None):
    user = make_user(email)
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.commit()
    return user


async def test_nothing_is_kept_without_commit(uow: UnitOfWorkFactory) -> None:
    user = make_user()
    async with uow.system() as tx:
        await tx.users.add(user)
    async with uow.system() as tx:
        assert await tx.users.get(user.id) is None


async def test_an_error_in_the_block_keeps_nothing(uow: UnitOfWorkFactory) -> None:
    user = make_user()
    with pytest.raises(RuntimeError):
        async with uow.system() as tx:
            await tx.users.add(user)
            raise RuntimeError("boom")
    async with uow.system() as tx:
        assert await tx.users.get(user.id) is None


async def test_email_is_unique(uow: UnitOfWorkFactory) -> None:
    await _add_user(uow, "same@example.com")
    with pytest.raises(Conflict):
        async with uow.system() as tx:
            await tx.users.add(make_user("same@example.com"))
            await tx.commit()


async def test_a_user_scope_sees_only_its_own_rows(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    bobs_source = make_source(bob.id)
    async with uow.for_user(bob.id) as tx:
        await tx.sources.add(bobs_source)
        await tx.commit()
    async with uow.for_user(alice.id) as tx:
        assert await tx.users.get(bob.id) is None
        assert await tx.users.get_by_email(bob.email) is None
        assert await tx.sources.get(bobs_source.id) is None
        assert await tx.sources.list_for_user(bob.id) == []
        assert await tx.sources.delete(bobs_source.id) is False
        assert await tx.sources.list_active() == []
    async with uow.for_user(bob.id) as tx:
        assert [s.id for s in await tx.sources.list_for_user(bob.id)] == [bobs_source.id]


async def test_a_user_scope_cannot_write_another_users_row(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    with pytest.raises(PermissionError):  # adapters report an RLS refusal as PermissionError
        async with uow.for_user(alice.id) as tx:
            await tx.sources.add(make_source(bob.id))
            await tx.commit()
    async with uow.for_user(bob.id) as tx:
        assert await tx.sources.list_for_user(bob.id) == []


async def test_style_post_duplicates_are_refused_per_user(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    text = "The same words can belong to two people, but not twice to one person."
    async with uow.for_user(alice.id) as tx:
        await tx.style_posts.add(make_post(alice.id, text))
        await tx.commit()
    async with uow.for_user(bob.id) as tx:
        await tx.style_posts.add(make_post(bob.id, text))
        await tx.commit()
    with pytest.raises(Conflict):
        async with uow.for_user(alice.id) as tx:
            await tx.style_posts.add(make_post(alice.id, text.upper()))
            await tx.commit()


async def test_nearest_chunks_best_first_and_only_mine(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    axis = [[1.0 if i == k else 0.0 for i in range(768)] for k in range(3)]
    mixed = [(a + b) / 2**0.5 for a, b in zip(axis[0], axis[1], strict=True)]
    async with uow.for_user(alice.id) as tx:
        post = make_post(alice.id)
        await tx.style_posts.add(post)
        chunks = [make_chunk(alice.id, post.id, v) for v in (axis[1], mixed, axis[0])]
        await tx.style_chunks.replace_for_post(post.id, chunks)
        await tx.commit()
    async with uow.for_user(bob.id) as tx:
        post_b = make_post(bob.id)
        await tx.style_posts.add(post_b)
        await tx.style_chunks.replace_for_post(post_b.id, [make_chunk(bob.id, post_b.id, axis[0])])
        await tx.commit()
    async with uow.for_user(alice.id) as tx:
        found = await tx.style_chunks.nearest(alice.id, axis[0], 5)
    assert [c.id for c, _ in found] == [chunks[2].id, chunks[1].id, chunks[0].id]
    assert [round(s, 4) for _, s in found] == [1.0, 0.7071, 0.0]
    async with uow.for_user(alice.id) as tx:
        each = await tx.style_chunks.nearest_each(alice.id, [axis[1], axis[0], axis[2]], 2)
        assert await tx.style_chunks.nearest_each(alice.id, [], 2) == []
    tied = [c.id for c in sorted(chunks, key=lambda c: str(c.id))[:2]]  # axis[2]: all at 0.0
    assert [[c.id for c, _ in found] for found in each] == [
        [chunks[0].id, chunks[1].id],
        [chunks[2].id, chunks[1].id],
        tied,
    ]
    assert [[round(s, 4) for _, s in found] for found in each] == [
        [1.0, 0.7071],
        [1.0, 0.7071],
        [0.0, 0.0],
    ]


async def test_deleting_a_style_post_removes_its_chunks(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)
    async with uow.for_user(user.id) as tx:
        post = make_post(user.id)
        await tx.style_posts.add(post)
        await tx.style_chunks.replace_for_post(post.id, [make_chunk(user.id, post.id, [1.0] * 768)])
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        assert await tx.style_posts.delete(post.id)
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        assert await tx.style_chunks.count_for_user(user.id) == 0


async def test_items_dedupe_per_source_not_globally(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    sources = {alice.id: make_source(alice.id), bob.id: make_source(bob.id)}
    for uid, source in sources.items():
        async with uow.for_user(uid) as tx:
            await tx.sources.add(source)
            first = await tx.items.add_new([make_item(source), make_item(source)])
            again = await tx.items.add_new([make_item(source)])
            await tx.commit()
        assert (len(first), len(again)) == (1, 0)
    async with uow.for_user(alice.id) as tx:
        recent = await tx.items.list_recent(alice.id, NOW - timedelta(hours=24))
    assert [i.source_id for i in recent] == [sources[alice.id].id]


async def test_a_days_drafts_are_stored_together(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)
    drafts = [make_draft(user.id) for _ in range(4)]
    async with uow.for_user(user.id) as tx:
        await tx.drafts.add(*drafts)
        await tx.drafts.add()  # nothing to store is not an error
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        stored = [await tx.drafts.get(d.id) for d in drafts]
    assert stored == drafts


async def test_an_emails_drafts_are_read_and_changed_together(uow: UnitOfWorkFactory) -> None:
    user, other = await _add_user(uow), await _add_user(uow)
    drafts = [make_draft(user.id) for _ in range(3)]
    theirs = make_draft(other.id)
    async with uow.for_user(user.id) as tx:
        await tx.drafts.add(*drafts)
        await tx.commit()
    async with uow.for_user(other.id) as tx:
        await tx.drafts.add(theirs)
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        found = await tx.drafts.get_many([drafts[0].id, drafts[2].id, theirs.id, uuid.uuid4()])
        assert sorted(d.id for d in found) == sorted([drafts[0].id, drafts[2].id])
        assert await tx.drafts.get_many([]) == []
        for n, draft in enumerate(found):
            draft.attach_feedback_token(f"{n:064x}", NOW + timedelta(minutes=1))
            draft.mark_emailed(NOW + timedelta(minutes=1))
        await tx.drafts.update(*found, make_draft(user.id))  # one never stored: no row appears
        await tx.drafts.update()
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        stored = {d.id: d for d in await tx.drafts.list_since(user.id, NOW - timedelta(days=1))}
    assert len(stored) == 3
    for draft in found:
        assert stored[draft.id].feedback_token_hash == draft.feedback_token_hash
        assert stored[draft.id].email_sent_at == NOW + timedelta(minutes=1)
    assert stored[drafts[1].id].email_sent_at is None


async def test_learning_reads_every_vote_but_only_the_recent_unvoted(
    uow: UnitOfWorkFactory,
) -> None:
    user = await _add_user(uow)
    old_vote = make_draft(user.id, created_at=NOW - timedelta(days=60), status=DraftStatus.APPROVED)
    old_pending = make_draft(user.id, created_at=NOW - timedelta(days=60))
    recent_pending = make_draft(user.id, created_at=NOW - timedelta(days=2))
    too_old = make_draft(user.id, created_at=NOW - timedelta(days=100), status=DraftStatus.REJECTED)
    async with uow.for_user(user.id) as tx:
        await tx.drafts.add(old_vote, old_pending, recent_pending, too_old)
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        since = NOW - timedelta(days=90)
        learning = await tx.drafts.list_since(
            user.id, since, pending_since=NOW - timedelta(days=14)
        )
        everything = await tx.drafts.list_since(user.id, since)
        votes_only = await tx.drafts.list_since(user.id, since, pending_since=NOW)
    assert [d.id for d in learning] == [recent_pending.id, old_vote.id]
    assert {d.id for d in everything} == {old_vote.id, old_pending.id, recent_pending.id}
    assert [d.id for d in votes_only] == [old_vote.id]


async def test_feedback_upsert_keeps_one_row_with_the_latest_vote(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)
    draft = make_draft(user.id)
    async with uow.for_user(user.id) as tx:
        await tx.drafts.add(draft)
        for vote in (FeedbackType.POSITIVE, FeedbackType.NEGATIVE):
            await tx.feedback.upsert(
                Feedback(
                    id=uuid.uuid4(), draft_id=draft.id, user_id=user.id, feedback_type=vote,
                    feedback_source=FeedbackSource.EMAIL, created_at=NOW, updated_at=NOW,
                )
            )  # fmt: skip
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        rows = await tx.feedback.list_for_user(user.id)
    assert [r.feedback_type for r in rows] == [FeedbackType.NEGATIVE]


async def test_daily_email_claim_is_unique_per_user_and_local_date(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)

    def claim(day: date) -> EmailDelivery:
        return EmailDelivery(
            id=uuid.uuid4(), user_id=user.id, email_type=EmailKind.DAILY_DRAFTS,
            local_date=day, created_at=NOW,
        )  # fmt: skip

    first, second = claim(date(2026, 11, 25)), claim(date(2026, 11, 25))
    async with uow.for_user(user.id) as tx:
        held, created = await tx.deliveries.claim_daily(first)
        await tx.commit()
    assert created and held.id == first.id
    async with uow.for_user(user.id) as tx:
        held, created = await tx.deliveries.claim_daily(second)
        _, other_created = await tx.deliveries.claim_daily(claim(date(2026, 11, 26)))
        await tx.commit()
    assert (created, held.id) == (False, first.id)
    assert other_created


async def test_single_use_tokens_are_consumed_once(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)
    token = ActionToken.issue(
        token_hash="ab" * 32, purpose=TokenPurpose.VERIFY_EMAIL, user_id=user.id, now=NOW
    )
    async with uow.system() as tx:
        await tx.tokens.add(token)
        await tx.commit()
    async with uow.system() as tx:
        assert await tx.tokens.consume("ab" * 32, TokenPurpose.RESET_PASSWORD, NOW) is None
        assert await tx.tokens.consume("ab" * 32, TokenPurpose.VERIFY_EMAIL, NOW) is not None
        await tx.commit()
    async with uow.system() as tx:
        assert await tx.tokens.consume("ab" * 32, TokenPurpose.VERIFY_EMAIL, NOW) is None


async def test_a_signed_out_token_is_refused_until_it_would_have_expired(
    uow: UnitOfWorkFactory,
) -> None:
    alice, bob = await _add_user(uow), await _add_user(uow)
    hour = timedelta(hours=1)
    async with uow.for_user(alice.id) as tx:
        await tx.revocations.add("alice-session-0001", NOW + hour, NOW)
        await tx.revocations.add(
            "alice-session-0001", NOW + 5 * hour, NOW
        )  # twice: the first one holds
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert await tx.users.get_session(alice.id, "alice-session-0001", NOW) == (alice, True)
        assert await tx.users.get_session(alice.id, "alice-session-0002", NOW) == (alice, False)
        assert await tx.users.get_session(alice.id, "alice-session-0001", NOW + hour) == (
            alice,
            False,
        )
    # Bob's scope sees no account of Alice's; whether a token id is signed out is no one's data.
    async with uow.for_user(bob.id, read_only=True) as tx:
        assert await tx.users.get_session(alice.id, "alice-session-0001", NOW) == (None, True)
        assert await tx.users.get_session(bob.id, "alice-session-0001", NOW) == (bob, True)
    # The next sign-out forgets revocations that ran out meanwhile.
    async with uow.for_user(bob.id) as tx:
        await tx.revocations.add("bob-session-00001", NOW + 3 * hour, NOW + 2 * hour)
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert await tx.users.get_session(alice.id, "alice-session-0001", NOW) == (alice, False)
        assert await tx.users.get_session(alice.id, "bob-session-00001", NOW) == (alice, True)


async def test_deleting_a_user_leaves_no_row_behind(uow: UnitOfWorkFactory) -> None:
    user, other = await _add_user(uow), await _add_user(uow)
    for uid in (user.id, other.id):
        async with uow.for_user(uid) as tx:
            source = make_source(uid)
            await tx.sources.add(source)
            await tx.items.add_new([make_item(source)])
            post = make_post(uid)
            await tx.style_posts.add(post)
            await tx.style_chunks.replace_for_post(post.id, [make_chunk(uid, post.id, [1.0] * 768)])
            draft = make_draft(uid)
            await tx.drafts.add(draft)
            await tx.commit()
    async with uow.for_user(user.id) as tx:
        await tx.users.delete(user.id)
        await tx.commit()
    async with uow.system() as tx:
        assert await tx.users.get(user.id) is None
        assert await tx.sources.list_for_user(user.id) == []
        assert await tx.style_posts.count_for_user(user.id) == 0
        assert await tx.style_chunks.count_for_user(user.id) == 0
        assert await tx.drafts.list_page(user.id, 1, 50) == ([], 0)
        assert len(await tx.sources.list_for_user(other.id)) == 1


async def test_style_jobs_are_stored_and_the_latest_is_found(uow: UnitOfWorkFactory) -> None:
    user = await _add_user(uow)
    jobs = [
        StyleJob(
            id=uuid.uuid4(),
            user_id=user.id,
            total_posts=10,
            created_at=NOW + timedelta(minutes=n),
            updated_at=NOW,
        )
        for n in range(2)
    ]
    async with uow.for_user(user.id) as tx:
        for job in jobs:
            await tx.style_jobs.add(job)
        jobs[1].complete(10, 10, NOW)
        await tx.style_jobs.update(jobs[1])
        await tx.commit()
    async with uow.for_user(user.id) as tx:
        latest = await tx.style_jobs.latest_for_user(user.id)
        first = await tx.style_jobs.get(jobs[0].id)
    assert latest is not None and latest.id == jobs[1].id
    assert (latest.status, latest.progress) == (StyleJobStatus.COMPLETED, 100)
    assert first is not None and first.status is StyleJobStatus.PENDING


async def test_an_exclusive_key_has_one_holder_at_a_time(uow: UnitOfWorkFactory) -> None:
    async with (
        uow.exclusive("daily-email:a") as first,
        uow.exclusive("daily-email:a") as second,
        uow.exclusive("other") as third,
    ):
        assert (first, second, third) == (True, False, True)
    async with uow.exclusive("daily-email:a") as again:
        assert again, "released when the holder's block ended"


async def test_counts_for_the_metrics_match_the_lists(uow: UnitOfWorkFactory) -> None:
    users = [make_user(), make_user(), make_user(email_verified=False), make_user(active=False)]
    async with uow.system() as tx:
        for user in users:
            await tx.users.add(user)
        await tx.sources.add(make_source(users[0].id, error_count=2))
        await tx.sources.add(make_source(users[0].id, "https://example.com/b.xml"))
        await tx.sources.add(make_source(users[1].id, error_count=1, active=False))
        await tx.commit()
    async with uow.system() as tx:
        assert await tx.users.count_active() == len(await tx.users.list_active()) == 2
        assert await tx.sources.count_failing() == 1  # the inactive one's errors do not count


async def test_the_sweeps_read_many_creators_in_one_go(uow: UnitOfWorkFactory) -> None:
    alice, bob, carol = [await _add_user(uow) for _ in range(3)]
    day = date(2026, 11, 25)
    for user, posts in ((alice, 3), (bob, 1)):
        async with uow.for_user(user.id) as tx:
            for n in range(posts):
                post = make_post(user.id)
                if n > 0 or user is bob:  # alice: 2 of her 3 processed; bob: his 1
                    post.mark_processed(NOW)
                await tx.style_posts.add(post)
            await tx.drafts.add(
                make_draft(user.id, created_at=NOW - timedelta(hours=2)),
                make_draft(user.id, created_at=NOW - timedelta(days=3)),
            )
            await tx.deliveries.claim_daily(
                EmailDelivery(
                    id=uuid.uuid4(), user_id=user.id, email_type=EmailKind.DAILY_DRAFTS,
                    local_date=day if user is alice else day - timedelta(days=1), created_at=NOW,
                )
            )  # fmt: skip
            await tx.commit()
    everyone = [alice.id, bob.id, carol.id]
    async with uow.system() as tx:
        counts = await tx.style_posts.count_processed_each(everyone)
        stamps = await tx.drafts.stamps_since(everyone, NOW - timedelta(days=1))
        claims = await tx.deliveries.list_daily([(u, day) for u in everyone])
        assert await tx.style_posts.count_processed_each([]) == {}
        assert await tx.drafts.stamps_since([], NOW - timedelta(days=1)) == []
        assert await tx.deliveries.list_daily([]) == []
    assert counts == {alice.id: 2, bob.id: 1}
    assert sorted((s.user_id, s.created_at) for s in stamps) == sorted(
        (u, NOW - timedelta(hours=2)) for u in (alice.id, bob.id)
    )
    assert [(c.user_id, c.local_date) for c in claims] == [(alice.id, day)]
