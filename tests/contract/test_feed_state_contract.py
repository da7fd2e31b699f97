"""Fetch state per address and the look-ups the fetch cycle needs, on every storage adapter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import NOW, make_item, make_source, make_user
from creatorpulse.domain.model.feed_state import FeedFetchState
from creatorpulse.domain.model.sources import SourceType
from creatorpulse.ports.storage import UnitOfWorkFactory

URL = "https://blog.example/feed.xml"


async def test_feed_state_round_trips_and_is_replaced(uow: UnitOfWorkFactory) -> None:
    state = FeedFetchState(url=URL, etag='"v1"', last_modified="Tue, 02 Jan 2024 10:00:00 GMT")
    state.record_success(
        etag='"v1"', last_modified=None, next_check_after=NOW + timedelta(hours=1), now=NOW
    )
    async with uow.system() as tx:
        assert await tx.feed_state.get(URL) is None
        await tx.feed_state.put(state)
        await tx.commit()
    state.record_failure("boom", retry_after=None, now=NOW + timedelta(hours=2))
    async with uow.system() as tx:
        assert await tx.feed_state.get(URL) == FeedFetchState(
            url=URL, etag='"v1"', next_check_after=NOW + timedelta(hours=1), checked_at=NOW
        )
        await tx.feed_state.put(state)
        await tx.commit()
    async with uow.system() as tx:
        assert await tx.feed_state.get_many([URL, "https://other.example/"]) == {URL: state}
        assert (await tx.feed_state.get_many([]), state.consecutive_failures) == ({}, 1)


async def test_a_users_scope_cannot_touch_feed_state(uow: UnitOfWorkFactory) -> None:
    user = make_user()
    async with uow.system() as tx:
        await tx.users.add(user)
        await tx.feed_state.put(FeedFetchState(url=URL))
        await tx.commit()
    with pytest.raises(PermissionError):
        async with uow.for_user(user.id) as tx:
            await tx.feed_state.get(URL)
    with pytest.raises(PermissionError):
        async with uow.for_user(user.id) as tx:
            await tx.feed_state.put(FeedFetchState(url="https://x.example/"))
            await tx.commit()
    async with uow.system() as tx:
        assert await tx.feed_state.get("https://x.example/") is None


async def test_get_many_sources_sees_only_the_scope(uow: UnitOfWorkFactory) -> None:
    alice, bob = make_user(), make_user()
    mine, theirs = make_source(alice.id), make_source(bob.id)
    async with uow.system() as tx:
        for user in (alice, bob):
            await tx.users.add(user)
        for source in (mine, theirs):
            await tx.sources.add(source)
        await tx.commit()
    async with uow.system() as tx:
        found = await tx.sources.get_many([theirs.id, mine.id, make_source(bob.id).id])
        assert {s.id for s in found} == {mine.id, theirs.id}
    async with uow.for_user(alice.id) as tx:
        assert [s.id for s in await tx.sources.get_many([mine.id, theirs.id])] == [mine.id]


async def test_recent_items_of_a_feed_come_from_every_follower_once(
    uow: UnitOfWorkFactory,
) -> None:
    alice, bob = make_user(), make_user()
    first, second = make_source(alice.id, URL), make_source(bob.id, URL)
    elsewhere = make_source(bob.id, "https://elsewhere.example/rss")
    shared = "A story both creators' copies of the feed kept this morning."
    old = make_item(first, "A story from the day before yesterday, long gone.")
    old.published_at = NOW - timedelta(days=2)
    items = [make_item(first, shared), make_item(second, shared), old]
    items += [make_item(second, "Only the second follower kept this later story.")]
    items += [make_item(elsewhere, "A story from another feed altogether.")]
    items[-2].published_at = NOW + timedelta(minutes=5)
    async with uow.system() as tx:
        for user in (alice, bob):
            await tx.users.add(user)
        for source in (first, second, elsewhere):
            await tx.sources.add(source)
        await tx.items.add_new(items)
        await tx.commit()
    since = NOW - timedelta(days=1)
    async with uow.system() as tx:
        found = await tx.items.recent_for_feed(SourceType.RSS, URL, since)
        assert [i.content for i in found] == [items[-2].content, shared]
        assert await tx.items.recent_for_feed(SourceType.TWITTER, URL, since) == []
        assert len(await tx.items.recent_for_feed(SourceType.RSS, URL, since, limit=1)) == 1
    async with uow.for_user(alice.id) as tx:
        assert [i.content for i in await tx.items.recent_for_feed(SourceType.RSS, URL, since)] == [
            shared
        ]
