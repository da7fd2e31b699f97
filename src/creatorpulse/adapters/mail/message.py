"""The RFC 5322 message every mailer that speaks MIME hands over: the outbox and SMTP."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from uuid import UUID

from creatorpulse.adapters.mail.render import render
from creatorpulse.domain.model.emails import OutgoingEmail

MESSAGE_ID_DOMAIN = "creatorpulse.local"


def message_id(delivery_id: UUID) -> str:
    return f"<{delivery_id}@{MESSAGE_ID_DOMAIN}>"


def build_message(email: OutgoingEmail, sender: str, now: datetime) -> EmailMessage:
    """Plain text first, HTML as the preferred alternative; Message-ID is our delivery id."""
    rendered = render(email.message)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = email.message.to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(email.delivery_id)
    msg["X-CreatorPulse-Delivery-Id"] = str(email.delivery_id)
    msg["X-CreatorPulse-Kind"] = str(email.kind)
    for header, value in rendered.headers.items():
        msg[header] = value
    msg.set_content(rendered.text, charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg
