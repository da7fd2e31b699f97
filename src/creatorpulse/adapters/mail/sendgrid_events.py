"""SendGrid's signed Event Webhook: verify the signature, then read the events we act on."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from creatorpulse.domain.use_cases.delivery_events import DeliveryEvent, DeliveryEventKind

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
_KINDS = {
    "delivered": DeliveryEventKind.DELIVERED,
    "bounce": DeliveryEventKind.BOUNCE,
    "dropped": DeliveryEventKind.DROPPED,
    "spamreport": DeliveryEventKind.SPAM_REPORT,
    "unsubscribe": DeliveryEventKind.UNSUBSCRIBE,
    "group_unsubscribe": DeliveryEventKind.UNSUBSCRIBE,
}


class MalformedEvents(ValueError):
    """The webhook body is not SendGrid's JSON array of event objects."""


class ParsedEvent(msgspec.Struct, frozen=True, kw_only=True):
    event: DeliveryEvent
    event_id: str | None  # sg_event_id: SendGrid may post the same event twice
    occurred_at: datetime | None = None


def load_public_key(public_key_b64: str) -> ec.EllipticCurvePublicKey:
    """The verification key SendGrid shows: base64 of a DER SubjectPublicKeyInfo (P-256)."""
    try:
        key = load_der_public_key(base64.b64decode(public_key_b64.strip(), validate=True))
    except (ValueError, binascii.Error) as error:
        raise ValueError(f"the webhook public key is not base64 DER: {error}") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("the webhook public key is not an ECDSA P-256 key")
    return key


def verify_signed_events(
    public_key_b64: str,
    payload: bytes,
    signature_b64: str,
    timestamp: str,
    now: datetime,
    max_age: timedelta = timedelta(minutes=10),
    max_skew: timedelta = timedelta(minutes=1),
) -> bool:
    """True when SendGrid signed timestamp + raw body and the timestamp is recent.

    A stale timestamp (older than `max_age`) or one from the future (beyond `max_skew` of clock
    difference) is refused so a captured request cannot be replayed later.
    """
    key = load_public_key(public_key_b64)
    stripped = timestamp.strip()
    if not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 12):
        return False
    age = now - datetime.fromtimestamp(int(stripped), UTC)
    if age > max_age or age < -max_skew:
        return False
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
        key.verify(signature, stripped.encode() + payload, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _message_id(raw: Any) -> str | None:
    """sg_message_id is the X-Message-Id we stored, followed by '.filter…' routing parts."""
    if not isinstance(raw, str):
        return None
    return raw.split(".", 1)[0] or None


def _delivery_id(raw: Any) -> UUID | None:
    try:
        return UUID(str(raw)) if raw is not None else None
    except ValueError:
        return None


def _occurred_at(raw: Any) -> datetime | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return datetime.fromtimestamp(raw, UTC)
    return None


def _parse(record: dict[str, Any]) -> ParsedEvent | None:
    name = record.get("event")
    if not isinstance(name, str):
        raise MalformedEvents("an event has no 'event' name")
    kind = _KINDS.get(name)
    # "blocked" bounces are temporary refusals by the receiving server, not a dead address.
    if kind is None or (kind is DeliveryEventKind.BOUNCE and record.get("type") == "blocked"):
        return None
    reason = record.get("reason") or record.get("response")
    event = DeliveryEvent(
        kind=kind,
        delivery_id=_delivery_id(record.get("delivery_id")),
        message_id=_message_id(record.get("sg_message_id")),
        reason=str(reason)[:500] if reason else None,
    )
    event_id = record.get("sg_event_id")
    return ParsedEvent(
        event=event,
        event_id=str(event_id) if event_id else None,
        occurred_at=_occurred_at(record.get("timestamp")),
    )


def parse_events(payload: bytes) -> list[ParsedEvent]:
    """The events we act on, in order; opens, clicks, deferrals and the like are skipped."""
    try:
        records = msgspec.json.decode(payload, type=list[dict[str, Any]])
    except msgspec.DecodeError as error:
        raise MalformedEvents(f"not a JSON array of event objects: {error}") from error
    return [parsed for record in records if (parsed := _parse(record)) is not None]
