"""What a creator reads back: their drafts, one draft, and their dashboard figures."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec

from creatorpulse.domain.model.drafts import Draft, DraftSummary, FeedbackType
from creatorpulse.domain.model.errors import InvalidInput, NotFound, ValidationIssue
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory

MAX_PER_PAGE = 50
MAX_PAGE = 1_000_000  # far past any creator's drafts; keeps OFFSET within a bigint


class DraftPage(msgspec.Struct, kw_only=True):
    drafts: list[DraftSummary]
    total: int
    page: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return -(-self.total // self.per_page)


class DashboardStats(msgspec.Struct, kw_only=True):
    total_drafts: int
    drafts_this_week: int
    positive_feedback: int
    negative_feedback: int
    feedback_rate: float
    active_sources: int


def _page_issues(page: object, per_page: object) -> list[ValidationIssue]:
    """What is wrong with a page's number and size (not bools, which are ints in Python)."""
    return [
        ValidationIssue(field, "out_of_range", f"must be a whole number from 1 to {high}")
        for field, raw, high in (("page", page, MAX_PAGE), ("per_page", per_page, MAX_PER_PAGE))
        if type(raw) is not int or not 1 <= raw <= high
    ]


class ReadDrafts:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def page(self, user_id: UUID, page: object = 1, per_page: object = 10) -> DraftPage:
        if issues := _page_issues(page, per_page):
            raise InvalidInput(issues)
        assert isinstance(page, int)  # for mypy: _page_issues found none
        assert isinstance(per_page, int)
        async with self._uow.for_user(user_id, read_only=True) as tx:
            drafts, total = await tx.drafts.list_page(user_id, page, per_page)
        return DraftPage(drafts=drafts, total=total, page=page, per_page=per_page)

    async def one(self, user_id: UUID, draft_id: UUID) -> Draft:
        async with self._uow.for_user(user_id, read_only=True) as tx:
            draft = await tx.drafts.get(draft_id)
        if draft is None:
            raise NotFound("draft not found")
        return draft

    async def stats(self, user_id: UUID) -> DashboardStats:
        week_ago = self._clock.now() - timedelta(days=7)
        async with self._uow.for_user(user_id, read_only=True) as tx:
            _, total = await tx.drafts.list_page(user_id, 1, 1)
            this_week = len(await tx.drafts.stamps_since([user_id], week_ago))  # no texts
            votes = await tx.feedback.list_for_user(user_id)
            sources = await tx.sources.list_for_user(user_id)
        positive = sum(v.feedback_type is FeedbackType.POSITIVE for v in votes)
        return DashboardStats(
            total_drafts=total,
            drafts_this_week=this_week,
            positive_feedback=positive,
            negative_feedback=len(votes) - positive,
            feedback_rate=round(len(votes) / total, 3) if total else 0.0,
            active_sources=sum(s.active for s in sources),
        )
