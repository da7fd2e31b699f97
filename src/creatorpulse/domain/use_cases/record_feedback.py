"""A 👍/👎 on a draft, from an email link or the dashboard: one vote per draft, the latest wins."""

from __future__ import annotations

from uuid import UUID

from creatorpulse.domain.model.drafts import (
    Draft,
    Feedback,
    FeedbackSource,
    parse_feedback_type,
)
from creatorpulse.domain.model.errors import NotFound
from creatorpulse.domain.model.text import token_hash
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.storage import UnitOfWorkFactory


class RecordFeedback:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def by_token(
        self, token: object, feedback_type: object, source: FeedbackSource = FeedbackSource.EMAIL
    ) -> Draft:
        vote = parse_feedback_type(feedback_type)
        missing = NotFound("this feedback link is unknown or expired", code="invalid_token")
        if not isinstance(token, str) or not token:
            raise missing
        async with self._uow.system() as tx:
            draft = await tx.drafts.get_by_token_hash(token_hash(token))
        if draft is None or not draft.feedback_open(self._clock.now()):
            raise missing
        return await self.by_draft(draft.user_id, draft.id, vote, source)

    async def by_draft(
        self,
        user_id: UUID,
        draft_id: UUID,
        feedback_type: object,
        source: FeedbackSource = FeedbackSource.DASHBOARD,
    ) -> Draft:
        vote = parse_feedback_type(feedback_type)
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            draft = await tx.drafts.get(draft_id)
            if draft is None:
                raise NotFound("draft not found")
            draft.apply_vote(vote, now)
            await tx.drafts.update(draft)
            await tx.feedback.upsert(
                Feedback(
                    id=self._ids.new_id(),
                    draft_id=draft.id,
                    user_id=user_id,
                    feedback_type=vote,
                    feedback_source=source,
                    created_at=now,
                    updated_at=now,
                )
            )
            await tx.commit()
        return draft
