"""The daily email: claimed once per user and local day, then sent, then marked sent."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from creatorpulse.domain.model.drafts import MAX_DRAFTS, RECENT_ITEMS
from creatorpulse.domain.model.emails import (
    DailyDraftsEmail,
    DeliveryStatus,
    EmailDelivery,
    EmailKind,
    OutgoingEmail,
    draft_in_email,
)
from creatorpulse.domain.model.errors import NotFound, UpstreamError
from creatorpulse.domain.model.schedule import email_due, local_date
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator, TokenGenerator
from creatorpulse.ports.mailer import Mailer
from creatorpulse.ports.storage import UnitOfWork, UnitOfWorkFactory


class SendDailyEmail:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        mailer: Mailer,
        clock: Clock,
        ids: IdGenerator,
        tokens: TokenGenerator,
        base_url: str,
    ) -> None:
        self._uow, self._mailer, self._clock = uow, mailer, clock
        self._ids, self._tokens, self._base_url = ids, tokens, base_url.rstrip("/")

    async def __call__(self, user_id: UUID, *, force: bool = False) -> EmailDelivery | None:
        """Send today's email if due; None when there is nothing to send.

        `force` ignores the time of day, never the one-email-per-local-day rule.
        Raises UpstreamError(transient=True) when a retry may succeed; the claim stays.
        """
        # One attempt at a time per creator: a second worker (a redelivery, an overlapping
        # sweep) must not mint new tokens and send again while the first is mid-send.
        async with self._uow.exclusive(f"daily-email:{user_id}") as mine:
            if not mine:
                return None
            return await self._attempt(user_id, force=force)

    async def _attempt(self, user_id: UUID, *, force: bool) -> EmailDelivery | None:
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            user, existing = await self._today(tx, user_id, now)
            tried = existing is not None and not existing.done and existing.attempts > 0
            unconfirmed = existing if tried else None
            prepared = None if unconfirmed else await self._prepare(tx, user, existing, now, force)
        if unconfirmed is not None:
            # An attempt may have sent this claim and crashed before marking it: ask the mailer
            # before sending again (rare, so the day is read once more afterwards).
            accepted = await self._mailer.sent_message_id(unconfirmed.id)
            if accepted is not None:
                return await self._finish(user_id, unconfirmed.id, accepted)
            async with self._uow.for_user(user_id) as tx:
                user, existing = await self._today(tx, user_id, now)
                prepared = await self._prepare(tx, user, existing, now, force)
        if not isinstance(prepared, _Prepared):
            return prepared
        delivery = prepared.delivery
        try:
            message_id = await self._mailer.send(
                OutgoingEmail(
                    delivery_id=delivery.id, kind=EmailKind.DAILY_DRAFTS, message=prepared.message
                )
            )
        except UpstreamError as error:
            if error.transient:
                raise
            return await self._finish(user_id, delivery.id, None, failure=error.message)
        return await self._finish(user_id, delivery.id, message_id)

    @staticmethod
    async def _today(
        tx: UnitOfWork, user_id: UUID, now: datetime
    ) -> tuple[User, EmailDelivery | None]:
        user = await tx.users.get(user_id)
        if user is None:
            raise NotFound("user not found")
        return user, await tx.deliveries.get_daily(user_id, local_date(now, user.timezone))

    async def _prepare(
        self, tx: UnitOfWork, user: User, existing: EmailDelivery | None, now: datetime,
        force: bool,
    ) -> _Prepared | EmailDelivery | None:  # fmt: skip
        """Claim today's email and mint its tokens (committed), or say why there is none."""
        due = force or email_due(now, user.delivery_time, user.timezone)
        if not user.receives_daily_email or not due:
            return None
        if existing is not None and existing.done:
            return existing
        recent = await tx.drafts.list_since(user.id, now - RECENT_ITEMS)
        unsent = [d for d in recent if d.email_sent_at is None]
        if existing is None and not unsent:
            return None
        chosen = sorted(unsent, key=lambda d: d.engagement_score, reverse=True)[:MAX_DRAFTS]
        if existing is not None:  # a retry: send the drafts the claim named
            wanted = set(existing.draft_ids)
            chosen = [d for d in recent if d.id in wanted]
        day = local_date(now, user.timezone)
        delivery, _ = await tx.deliveries.claim_daily(
            existing
            or EmailDelivery(
                id=self._ids.new_id(),
                user_id=user.id,
                email_type=EmailKind.DAILY_DRAFTS,
                local_date=day,
                draft_ids=[d.id for d in chosen],
                created_at=now,
            )
        )
        # Fresh tokens on every attempt: earlier attempts' emails never left.
        in_email = []
        for draft in chosen:
            token = self._tokens.new_token()
            draft.attach_feedback_token(token_hash(token), now)
            in_email.append(draft_in_email(draft, token, self._base_url, _source_url(draft)))
        await tx.drafts.update(*chosen)
        unsubscribe = self._tokens.new_token()
        await tx.tokens.add(
            ActionToken.issue(
                token_hash=token_hash(unsubscribe),
                purpose=TokenPurpose.UNSUBSCRIBE,
                user_id=user.id,
                now=now,
            )
        )
        delivery.record_attempt()
        await tx.deliveries.update(delivery)
        await tx.commit()
        message = DailyDraftsEmail(
            to=user.email,
            local_date=day,
            drafts=in_email,
            unsubscribe_url=f"{self._base_url}/unsubscribe/{unsubscribe}",
            settings_url=f"{self._base_url}/settings",
        )
        return _Prepared(delivery, message)

    async def _finish(
        self, user_id: UUID, delivery_id: UUID, message_id: str | None, failure: str | None = None
    ) -> EmailDelivery:
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            delivery = await tx.deliveries.get(delivery_id)
            if delivery is None:
                raise NotFound("delivery not found")
            if failure is not None:
                delivery.mark_failed(failure)
            elif delivery.status is DeliveryStatus.PENDING:
                delivery.mark_sent(message_id, now)
                drafts = await tx.drafts.get_many(delivery.draft_ids)
                for draft in drafts:
                    draft.mark_emailed(now)
                await tx.drafts.update(*drafts)
            await tx.deliveries.update(delivery)
            await tx.commit()
        return delivery


class _Prepared(NamedTuple):
    delivery: EmailDelivery
    message: DailyDraftsEmail


def _source_url(draft: object) -> str | None:
    metadata = getattr(draft, "metadata", {}) or {}
    url = metadata.get("source_url")
    return url if isinstance(url, str) else None
