"""Drafts, votes and the email delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from creatorpulse.adapters.postgres.rows import PgRepository, fields
from creatorpulse.domain.model.drafts import (
    DRAFT_EXPIRY,
    Draft,
    DraftStamp,
    DraftStatus,
    DraftSummary,
    Feedback,
)
from creatorpulse.domain.model.emails import EmailDelivery
from creatorpulse.domain.model.style_jobs import StyleJob
from creatorpulse.ports import storage

_PAGE = (  # the columns named, so their order is this statement's, whatever the function's
    "SELECT total, id, user_id, content, source_item_id, source_name, status, email_sent_at, "
    "character_count, engagement_score, created_at, updated_at "
    "FROM drafts_page(%s, %s, %s, %s)"
)
_STATUS = {status.value: status for status in DraftStatus}
DRAFT = (
    "id, user_id, content, source_content_id AS source_item_id, source_name, status, "
    "feedback_token_hash, email_sent_at, character_count, engagement_score::float8 "
    "AS engagement_score, generation_metadata AS metadata, created_at, updated_at"
)
DELIVERY = (
    "id, user_id, email_type, local_date, status, sendgrid_message_id AS provider_message_id, "
    "draft_ids, attempts, created_at, sent_at, delivered_at, error_message"
)
FEEDBACK = "id, draft_id, user_id, feedback_type, feedback_source, created_at, updated_at"


# Drafts, one or several (a day's, an email's), in one statement, a column array each: one
# statement's work for the client and the server instead of one per draft. Binary
# parameters: in text, every quote of the drafts' texts and JSON metadata is escaped by a
# regex with a Python callback per match (~1,000 a creator).
_INSERT_DRAFTS = (
    "INSERT INTO generated_drafts (id, user_id, content, source_content_id, source_name, "
    "status, feedback_token_hash, email_sent_at, character_count, engagement_score, "
    "generation_metadata, created_at, updated_at) SELECT * FROM unnest(%(id)b::uuid[], "
    "%(user_id)b::uuid[], %(content)b::text[], %(source_item_id)b::uuid[], "
    "%(source_name)b::text[], %(status)b::text[], %(feedback_token_hash)b::text[], "
    "%(email_sent_at)b::timestamptz[], %(character_count)b::int[], "
    "%(engagement_score)b::numeric[], %(metadata)b::jsonb[], %(created_at)b::timestamptz[], "
    "%(updated_at)b::timestamptz[])"
)

_UPDATE_DRAFTS = (
    "UPDATE generated_drafts d SET status = v.status, feedback_token_hash = v.token_hash, "
    "email_sent_at = v.sent_at, source_content_id = v.item_id, updated_at = v.updated_at "
    "FROM unnest(%(id)b::uuid[], %(status)b::text[], %(feedback_token_hash)b::text[], "
    "%(email_sent_at)b::timestamptz[], %(source_item_id)b::uuid[], "
    "%(updated_at)b::timestamptz[]) AS v(id, status, token_hash, sent_at, item_id, updated_at) "
    "WHERE d.id = v.id"
)
_DRAFT_COLUMNS = (
    "id", "user_id", "content", "source_item_id", "source_name", "status",
    "feedback_token_hash", "email_sent_at", "character_count", "engagement_score", "metadata",
    "created_at", "updated_at",
)  # fmt: skip


def _draft_columns(drafts: Sequence[Draft]) -> dict[str, list[Any]]:
    """The drafts' parameters as one list per column, in the drafts' order."""
    rows = [fields(d) | {"metadata": Jsonb(d.metadata)} for d in drafts]
    return {column: [row[column] for row in rows] for column in _DRAFT_COLUMNS}


class PgDrafts(PgRepository, storage.DraftRepository):
    async def add(self, *drafts: Draft) -> None:
        if drafts:
            await self._execute(_INSERT_DRAFTS, _draft_columns(drafts))

    async def get(self, draft_id: UUID) -> Draft | None:
        query = f"SELECT {DRAFT} FROM generated_drafts WHERE id = %s"
        return await self._one(Draft, query, (draft_id,))

    async def get_many(self, draft_ids: Sequence[UUID]) -> list[Draft]:
        query = f"SELECT {DRAFT} FROM generated_drafts WHERE id = ANY(%s)"
        return await self._all(Draft, query, (list(draft_ids),))

    async def get_by_token_hash(self, token_hash: str) -> Draft | None:
        query = f"SELECT {DRAFT} FROM generated_drafts WHERE feedback_token_hash = %s"
        return await self._one(Draft, query, (token_hash,))

    async def update(self, *drafts: Draft) -> None:
        if drafts:  # one statement, as in add
            await self._execute(_UPDATE_DRAFTS, _draft_columns(drafts))

    async def list_page(
        self, user_id: UUID, page: int, per_page: int
    ) -> tuple[list[DraftSummary], int]:
        # One statement that sets the scope itself (migrations 0014, 0016): the count always
        # comes back, with the page's rows if there are any (past the last page, one row of
        # NULL draft columns). Tuples built straight into summaries: dict rows and a
        # msgspec.convert of them took ~25 µs a page of ten, this ~3.
        rows = await self._scoped_rows(
            _PAGE, (user_id, per_page, (page - 1) * per_page), row_factory=tuple_row
        )
        drafts = [
            DraftSummary(
                id=r[1], user_id=r[2], content=r[3], source_item_id=r[4], source_name=r[5],
                status=_STATUS[r[6]], email_sent_at=r[7], character_count=r[8],
                engagement_score=r[9], created_at=r[10], updated_at=r[11],
            )
            for r in rows if r[1] is not None
        ]  # fmt: skip
        return drafts, rows[0][0]

    async def list_since(
        self, user_id: UUID, since: datetime, *, pending_since: datetime | None = None
    ) -> list[Draft]:
        return await self._all(
            Draft,
            f"SELECT {DRAFT} FROM generated_drafts WHERE user_id = %(user)s "
            "AND created_at >= %(since)s AND (status <> 'pending' OR created_at >= %(pending)s) "
            "ORDER BY created_at DESC, id DESC",
            {"user": user_id, "since": since, "pending": pending_since or since},
        )

    async def stamps_since(self, user_ids: Sequence[UUID], since: datetime) -> list[DraftStamp]:
        return await self._all(
            DraftStamp,
            "SELECT user_id, created_at, email_sent_at FROM generated_drafts "
            "WHERE user_id = ANY(%s) AND created_at >= %s",
            (list(user_ids), since),
        )

    async def delete_expired(self, now: datetime) -> int:
        return await self._execute(
            "DELETE FROM generated_drafts WHERE status = 'pending' AND created_at <= %s",
            (now - DRAFT_EXPIRY,),
        )


class PgFeedback(PgRepository, storage.FeedbackRepository):
    async def upsert(self, feedback: Feedback) -> Feedback:
        stored = await self._one(
            Feedback,
            f"INSERT INTO draft_feedback ({FEEDBACK}) VALUES (%(id)s, %(draft_id)s, %(user_id)s, "
            "%(feedback_type)s, %(feedback_source)s, %(created_at)s, %(updated_at)s) "
            "ON CONFLICT (draft_id) DO UPDATE SET feedback_type = EXCLUDED.feedback_type, "
            "feedback_source = EXCLUDED.feedback_source, updated_at = EXCLUDED.updated_at "
            f"RETURNING {FEEDBACK}",
            fields(feedback),
        )
        assert stored is not None
        return stored

    async def get_for_draft(self, draft_id: UUID) -> Feedback | None:
        query = f"SELECT {FEEDBACK} FROM draft_feedback WHERE draft_id = %s"
        return await self._one(Feedback, query, (draft_id,))

    async def list_for_user(self, user_id: UUID) -> list[Feedback]:
        query = f"SELECT {FEEDBACK} FROM draft_feedback WHERE user_id = %s ORDER BY created_at"
        return await self._all(Feedback, query, (user_id,))


class PgDeliveries(PgRepository, storage.DeliveryRepository):
    _INSERT = (
        "INSERT INTO email_delivery_log (id, user_id, email_type, local_date, status, "
        "sendgrid_message_id, draft_ids, attempts, created_at, sent_at, delivered_at, "
        "error_message) VALUES (%(id)s, %(user_id)s, %(email_type)s, %(local_date)s, "
        "%(status)s, %(provider_message_id)s, %(draft_ids)s, %(attempts)s, %(created_at)s, "
        "%(sent_at)s, %(delivered_at)s, %(error_message)s)"
    )

    async def add(self, delivery: EmailDelivery) -> None:
        await self._execute(self._INSERT, fields(delivery))

    async def claim_daily(self, delivery: EmailDelivery) -> tuple[EmailDelivery, bool]:
        assert delivery.local_date is not None
        # A concurrent claimer blocks on the unique index until we commit, then does nothing.
        created = await self._rows(
            self._INSERT + " ON CONFLICT (user_id, local_date) WHERE email_type = 'daily_drafts' "
            "DO NOTHING RETURNING id",
            fields(delivery),
        )
        if created:
            return delivery, True
        existing = await self.get_daily(delivery.user_id, delivery.local_date)
        assert existing is not None
        return existing, False

    async def get(self, delivery_id: UUID) -> EmailDelivery | None:
        query = f"SELECT {DELIVERY} FROM email_delivery_log WHERE id = %s"
        return await self._one(EmailDelivery, query, (delivery_id,))

    async def get_daily(self, user_id: UUID, day: date) -> EmailDelivery | None:
        return await self._one(
            EmailDelivery,
            f"SELECT {DELIVERY} FROM email_delivery_log WHERE user_id = %s "
            "AND email_type = 'daily_drafts' AND local_date = %s",
            (user_id, day),
        )

    async def list_daily(self, days: Sequence[tuple[UUID, date]]) -> list[EmailDelivery]:
        return await self._all(
            EmailDelivery,
            f"SELECT {DELIVERY} FROM email_delivery_log WHERE email_type = 'daily_drafts' "
            "AND (user_id, local_date) IN (SELECT * FROM unnest(%s::uuid[], %s::date[]))",
            ([user for user, _ in days], [day for _, day in days]),
        )

    async def get_by_message_id(self, message_id: str) -> EmailDelivery | None:
        query = f"SELECT {DELIVERY} FROM email_delivery_log WHERE sendgrid_message_id = %s"
        return await self._one(EmailDelivery, query, (message_id,))

    async def update(self, delivery: EmailDelivery) -> None:
        await self._execute(
            "UPDATE email_delivery_log SET status = %(status)s, "
            "sendgrid_message_id = %(provider_message_id)s, draft_ids = %(draft_ids)s, "
            "attempts = %(attempts)s, sent_at = %(sent_at)s, delivered_at = %(delivered_at)s, "
            "error_message = %(error_message)s WHERE id = %(id)s",
            fields(delivery),
        )

    async def last_sent_daily(self, user_id: UUID) -> EmailDelivery | None:
        return await self._one(
            EmailDelivery,
            f"SELECT {DELIVERY} FROM email_delivery_log WHERE user_id = %s "
            "AND email_type = 'daily_drafts' AND sent_at IS NOT NULL AND status <> 'failed' "
            "ORDER BY sent_at DESC LIMIT 1",
            (user_id,),
        )

    async def list_for_user(self, user_id: UUID) -> list[EmailDelivery]:
        query = f"SELECT {DELIVERY} FROM email_delivery_log WHERE user_id = %s ORDER BY created_at"
        return await self._all(EmailDelivery, query, (user_id,))


JOB = "id, user_id, retrain, status, total_posts, processed_posts, message, created_at, updated_at"


class PgStyleJobs(PgRepository, storage.StyleJobRepository):
    async def add(self, job: StyleJob) -> None:
        await self._execute(
            f"INSERT INTO style_jobs ({JOB}) VALUES (%(id)s, %(user_id)s, %(retrain)s, "
            "%(status)s, %(total_posts)s, %(processed_posts)s, %(message)s, %(created_at)s, "
            "%(updated_at)s)",
            fields(job),
        )

    async def get(self, job_id: UUID) -> StyleJob | None:
        return await self._one(StyleJob, f"SELECT {JOB} FROM style_jobs WHERE id = %s", (job_id,))

    async def update(self, job: StyleJob) -> None:
        await self._execute(
            "UPDATE style_jobs SET status = %(status)s, total_posts = %(total_posts)s, "
            "processed_posts = %(processed_posts)s, message = %(message)s, "
            "updated_at = %(updated_at)s WHERE id = %(id)s",
            fields(job),
        )

    async def latest_for_user(self, user_id: UUID) -> StyleJob | None:
        return await self._one(
            StyleJob,
            f"SELECT {JOB} FROM style_jobs WHERE user_id = %s ORDER BY created_at DESC, id DESC "
            "LIMIT 1",
            (user_id,),
        )
