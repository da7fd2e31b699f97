"""Drafts, votes, the email delivery log and style-training jobs, in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from creatorpulse.adapters.memory.repositories import _Repo
from creatorpulse.domain.model.drafts import (
    Draft,
    DraftStamp,
    DraftStatus,
    DraftSummary,
    Feedback,
)
from creatorpulse.domain.model.emails import DeliveryStatus, EmailDelivery, EmailKind
from creatorpulse.domain.model.style_jobs import StyleJob
from creatorpulse.ports import storage


class MemoryDrafts(_Repo, storage.DraftRepository):
    async def add(self, *drafts: Draft) -> None:
        for draft in drafts:
            self._tx.put("drafts", draft.id, draft)

    async def get(self, draft_id: UUID) -> Draft | None:
        found: Draft | None = self._tx.get("drafts", draft_id)
        return found

    async def get_many(self, draft_ids: Sequence[UUID]) -> list[Draft]:
        found = (self._tx.get("drafts", draft_id) for draft_id in dict.fromkeys(draft_ids))
        return [draft for draft in found if draft is not None]

    async def get_by_token_hash(self, token_hash: str) -> Draft | None:
        rows = self._tx.rows("drafts")
        return next((d for d in rows if d.feedback_token_hash == token_hash), None)

    async def update(self, *drafts: Draft) -> None:
        for draft in drafts:
            if self._tx.exists("drafts", draft.id):
                self._tx.put("drafts", draft.id, draft)

    async def list_page(
        self, user_id: UUID, page: int, per_page: int
    ) -> tuple[list[DraftSummary], int]:
        mine = [d for d in self._tx.rows("drafts") if d.user_id == user_id]
        mine.sort(key=lambda d: (d.created_at, str(d.id)), reverse=True)
        start = (page - 1) * per_page
        return [DraftSummary.of(d) for d in mine[start : start + per_page]], len(mine)

    async def list_since(
        self, user_id: UUID, since: datetime, *, pending_since: datetime | None = None
    ) -> list[Draft]:
        pending_since = pending_since or since
        mine = [
            d for d in self._tx.rows("drafts")
            if d.user_id == user_id and d.created_at >= since
            and (d.status is not DraftStatus.PENDING or d.created_at >= pending_since)
        ]  # fmt: skip
        return sorted(mine, key=lambda d: (d.created_at, str(d.id)), reverse=True)

    async def stamps_since(self, user_ids: Sequence[UUID], since: datetime) -> list[DraftStamp]:
        wanted = set(user_ids)
        return [
            DraftStamp(user_id=d.user_id, created_at=d.created_at, email_sent_at=d.email_sent_at)
            for d in self._tx.rows("drafts", copies=False)
            if d.user_id in wanted and d.created_at >= since
        ]

    async def delete_expired(self, now: datetime) -> int:
        expired = [d.id for d in self._tx.rows("drafts", copies=False) if d.is_expired(now)]
        for draft_id in expired:
            self._tx.delete("feedback", draft_id)
        return sum(self._tx.delete("drafts", key) for key in expired)


class MemoryFeedback(_Repo, storage.FeedbackRepository):
    async def upsert(self, feedback: Feedback) -> Feedback:
        existing: Feedback | None = self._tx.get("feedback", feedback.draft_id)
        if existing is not None:
            existing.replace(feedback.feedback_type, feedback.feedback_source, feedback.updated_at)
            feedback = existing
        self._tx.put("feedback", feedback.draft_id, feedback)
        return feedback

    async def get_for_draft(self, draft_id: UUID) -> Feedback | None:
        found: Feedback | None = self._tx.get("feedback", draft_id)
        return found

    async def list_for_user(self, user_id: UUID) -> list[Feedback]:
        return [f for f in self._tx.rows("feedback") if f.user_id == user_id]


class MemoryDeliveries(_Repo, storage.DeliveryRepository):
    async def add(self, delivery: EmailDelivery) -> None:
        self._tx.put("deliveries", delivery.id, delivery)

    async def claim_daily(self, delivery: EmailDelivery) -> tuple[EmailDelivery, bool]:
        assert delivery.local_date is not None
        existing = await self.get_daily(delivery.user_id, delivery.local_date)
        if existing is not None:
            return existing, False
        self._tx.put("deliveries", delivery.id, delivery)
        return delivery, True

    async def get(self, delivery_id: UUID) -> EmailDelivery | None:
        found: EmailDelivery | None = self._tx.get("deliveries", delivery_id)
        return found

    async def list_daily(self, days: Sequence[tuple[UUID, date]]) -> list[EmailDelivery]:
        wanted = set(days)
        return [
            d for d in self._tx.rows("deliveries")
            if d.email_type is EmailKind.DAILY_DRAFTS and (d.user_id, d.local_date) in wanted
        ]  # fmt: skip

    async def get_daily(self, user_id: UUID, day: date) -> EmailDelivery | None:
        return next(
            (
                d for d in self._tx.rows("deliveries")
                if d.user_id == user_id and d.email_type is EmailKind.DAILY_DRAFTS
                and d.local_date == day
            ),
            None,
        )  # fmt: skip

    async def get_by_message_id(self, message_id: str) -> EmailDelivery | None:
        rows = self._tx.rows("deliveries")
        return next((d for d in rows if d.provider_message_id == message_id), None)

    async def update(self, delivery: EmailDelivery) -> None:
        if self._tx.exists("deliveries", delivery.id):
            self._tx.put("deliveries", delivery.id, delivery)

    async def last_sent_daily(self, user_id: UUID) -> EmailDelivery | None:
        sent = [
            d for d in self._tx.rows("deliveries")
            if d.user_id == user_id and d.email_type is EmailKind.DAILY_DRAFTS
            and d.sent_at is not None and d.status is not DeliveryStatus.FAILED
        ]  # fmt: skip
        return max(sent, key=lambda d: d.sent_at or d.created_at, default=None)

    async def list_for_user(self, user_id: UUID) -> list[EmailDelivery]:
        mine = [d for d in self._tx.rows("deliveries") if d.user_id == user_id]
        return sorted(mine, key=lambda d: d.created_at)


class MemoryStyleJobs(_Repo, storage.StyleJobRepository):
    async def add(self, job: StyleJob) -> None:
        self._tx.put("style_jobs", job.id, job)

    async def get(self, job_id: UUID) -> StyleJob | None:
        found: StyleJob | None = self._tx.get("style_jobs", job_id)
        return found

    async def update(self, job: StyleJob) -> None:
        if self._tx.exists("style_jobs", job.id):
            self._tx.put("style_jobs", job.id, job)

    async def latest_for_user(self, user_id: UUID) -> StyleJob | None:
        mine = [j for j in self._tx.rows("style_jobs") if j.user_id == user_id]
        return max(mine, key=lambda j: (j.created_at, str(j.id)), default=None)
