"""Read-only units of work and draft paging: the same assertions for in-memory and Postgres."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import NOW, make_chunk, make_draft, make_post, make_source, make_user
from creatorpulse.domain.model.drafts import DraftSummary
from creatorpulse.ports.storage import UnitOfWorkFactory


async def _add_users(uow: UnitOfWorkFactory, count: int):
    users = [make_user() for _ in range(count)]
    async with uow.system() as tx:
        for user in users:
            await tx.users.add(user)
        await tx.commit()
    return users


async def test_a_read_only_scope_sees_only_its_own_rows(uow: UnitOfWorkFactory) -> None:
    alice, bob = await _add_users(uow, 2)
    async with uow.for_user(bob.id) as tx:
        await tx.sources.add(make_source(bob.id))
        await tx.drafts.add(make_draft(bob.id))
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        assert await tx.users.get(bob.id) is None
        assert await tx.sources.list_for_user(bob.id) == []
        assert await tx.drafts.list_page(bob.id, 1, 10) == ([], 0)
        assert (await tx.users.get(alice.id)) == alice  # several statements, each still scoped
    async with uow.for_user(bob.id, read_only=True) as tx:
        assert len(await tx.sources.list_for_user(bob.id)) == 1
        assert (await tx.drafts.list_page(bob.id, 1, 10))[1] == 1


async def test_a_read_only_unit_of_work_cannot_commit(uow: UnitOfWorkFactory) -> None:
    [alice] = await _add_users(uow, 1)
    with pytest.raises(RuntimeError, match="read-only"):
        async with uow.for_user(alice.id, read_only=True) as tx:
            await tx.users.get(alice.id)
            await tx.commit()


async def test_a_draft_page_is_newest_first_with_the_total_even_past_the_end(
    uow: UnitOfWorkFactory,
) -> None:
    [alice] = await _add_users(uow, 1)
    drafts = [make_draft(alice.id, created_at=NOW - timedelta(minutes=n)) for n in range(12)]
    async with uow.for_user(alice.id) as tx:
        for draft in drafts:
            await tx.drafts.add(draft)
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        second, total = await tx.drafts.list_page(alice.id, 2, 5)
        past_the_end = await tx.drafts.list_page(alice.id, 4, 5)
    assert [d.id for d in second] == [d.id for d in drafts[5:10]]
    assert second[0] == DraftSummary.of(drafts[5])  # every field it shows, not only the id
    assert total == 12
    assert past_the_end == ([], 12)


async def test_a_read_only_unit_of_work_finds_the_nearest_style_chunks(
    uow: UnitOfWorkFactory,
) -> None:
    [alice] = await _add_users(uow, 1)
    post = make_post(alice.id)
    near, far = (
        make_chunk(alice.id, post.id, [1.0] + [0.0] * 767),
        make_chunk(alice.id, post.id, [0.0, 1.0] + [0.0] * 766),
    )
    async with uow.for_user(alice.id) as tx:
        await tx.style_posts.add(post)
        await tx.style_chunks.replace_for_post(post.id, [far, near])
        await tx.commit()
    async with uow.for_user(alice.id, read_only=True) as tx:
        found = await tx.style_chunks.nearest(alice.id, [0.6, 0.8] + [0.0] * 766, 2)
    assert [(chunk.id, round(similarity, 6)) for chunk, similarity in found] == [
        (far.id, 0.8),
        (near.id, 0.6),
    ]
