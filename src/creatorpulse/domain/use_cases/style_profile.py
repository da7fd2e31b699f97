"""What we learned about a creator: their voice from their posts, their taste from their votes."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec

from creatorpulse.domain.model.preferences import Preferences
from creatorpulse.domain.model.voice import StyleProfile, describe
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory

LEARNING_WINDOW = timedelta(days=90)


class StyleProfileView(msgspec.Struct, kw_only=True):
    voice: list[str]
    learned: list[str]
    profile: StyleProfile
    preferences: Preferences


class ReadStyleProfile:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, user_id: UUID) -> StyleProfileView:
        async with self._uow.for_user(user_id) as tx:
            posts = [p.content for p in await tx.style_posts.list_for_user(user_id)]
            now = self._clock.now()
            voted = await tx.drafts.list_since(user_id, now - LEARNING_WINDOW, pending_since=now)
        profile = StyleProfile.from_posts(posts)
        preferences = Preferences.from_drafts(voted)
        return StyleProfileView(
            voice=describe(profile), learned=preferences.describe(), profile=profile,
            preferences=preferences,
        )  # fmt: skip
