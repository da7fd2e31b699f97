"""Outgoing emails the mailer tests hand to each provider."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from creatorpulse.domain.model.emails import (
    DailyDraftsEmail,
    DraftInEmail,
    EmailKind,
    OutgoingEmail,
    VerificationEmail,
)

SENDER = "CreatorPulse <drafts@creatorpulse.example>"
DELIVERY = UUID("2b1f0c3e-7d4a-4e1b-9a51-0c7f3f7d9e21")
UNSUBSCRIBE = "https://app.example.com/unsubscribe/u1"
DRAFT = 'Ship small, ship often 🚀\n<script>alert(1)</script> & "quotes"'


def daily(delivery_id: UUID = DELIVERY) -> OutgoingEmail:
    draft = DraftInEmail(
        draft_id=UUID(int=1),
        content=DRAFT,
        source_name="Import AI",
        source_url="https://importai.example/1",
        engagement_score=8.4,
        approve_url="https://app.example.com/feedback/t1/positive",
        reject_url="https://app.example.com/feedback/t1/negative",
    )
    message = DailyDraftsEmail(
        to="creator@example.com",
        local_date=date(2025, 11, 25),
        drafts=[draft],
        unsubscribe_url=UNSUBSCRIBE,
        settings_url="https://app.example.com/settings",
    )
    return OutgoingEmail(delivery_id=delivery_id, kind=EmailKind.DAILY_DRAFTS, message=message)


def verification(delivery_id: UUID = DELIVERY) -> OutgoingEmail:
    message = VerificationEmail(to="new@example.com", verify_url="https://app.example.com/v/tok")
    return OutgoingEmail(delivery_id=delivery_id, kind=EmailKind.VERIFICATION, message=message)
