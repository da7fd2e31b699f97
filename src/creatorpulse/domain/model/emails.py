"""Emails we send: what each says (rendering is the mailer's job) and the delivery log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from uuid import UUID

import msgspec

from creatorpulse.domain.model.drafts import Draft


class EmailKind(enum.StrEnum):
    DAILY_DRAFTS = "daily_drafts"
    WELCOME = "welcome"
    VERIFICATION = "verification"
    PASSWORD_RESET = "password_reset"
    NOTIFICATION = "notification"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # claimed, not yet handed to the provider
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    SPAM = "spam"
    FAILED = "failed"


class EmailDelivery(msgspec.Struct, kw_only=True):
    """One row per email; a daily email is unique per (user, local date), claimed before sending."""

    id: UUID
    user_id: UUID
    email_type: EmailKind
    local_date: date | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    provider_message_id: str | None = None
    draft_ids: list[UUID] = msgspec.field(default_factory=list)
    attempts: int = 0
    created_at: datetime
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    error_message: str | None = None

    def mark_sent(self, message_id: str | None, now: datetime) -> None:
        self.status = DeliveryStatus.SENT
        self.provider_message_id = message_id
        self.sent_at = now
        self.error_message = None

    def mark_failed(self, reason: str) -> None:
        self.status = DeliveryStatus.FAILED
        self.error_message = reason[:500]

    def record_attempt(self) -> None:
        self.attempts += 1

    def mark_delivered(self, now: datetime) -> None:
        if self.status in (DeliveryStatus.PENDING, DeliveryStatus.SENT):
            self.status = DeliveryStatus.DELIVERED
            self.delivered_at = now

    @property
    def done(self) -> bool:
        return self.status is not DeliveryStatus.PENDING


class DraftInEmail(msgspec.Struct, frozen=True, kw_only=True):
    draft_id: UUID
    content: str
    source_name: str | None
    source_url: str | None
    engagement_score: float
    approve_url: str
    reject_url: str


class VerificationEmail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    verify_url: str


class WelcomeEmail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    start_url: str


class PasswordResetEmail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    reset_url: str


class SourceDisabledEmail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    source_name: str
    source_url: str
    last_error: str
    settings_url: str


class DailyDraftsEmail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    local_date: date
    drafts: list[DraftInEmail]
    unsubscribe_url: str
    settings_url: str


Email = (
    VerificationEmail | WelcomeEmail | PasswordResetEmail | SourceDisabledEmail | DailyDraftsEmail
)


class OutgoingEmail(msgspec.Struct, frozen=True, kw_only=True):
    """What a Mailer is handed: the message plus our delivery id for tracking."""

    delivery_id: UUID
    kind: EmailKind
    message: Email


def draft_links(base_url: str, token: str) -> tuple[str, str]:
    """The 👍 and 👎 confirmation pages for a draft's feedback token."""
    root = base_url.rstrip("/")
    return f"{root}/feedback/{token}/positive", f"{root}/feedback/{token}/negative"


def draft_in_email(draft: Draft, token: str, base_url: str, source_url: str | None) -> DraftInEmail:
    approve, reject = draft_links(base_url, token)
    return DraftInEmail(
        draft_id=draft.id,
        content=draft.content,
        source_name=draft.source_name,
        source_url=source_url,
        engagement_score=draft.engagement_score,
        approve_url=approve,
        reject_url=reject,
    )
