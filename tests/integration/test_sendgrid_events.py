"""SendGrid's signed Event Webhook: ECDSA P-256 verification and event parsing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from creatorpulse.adapters.mail.sendgrid_events import (
    MalformedEvents,
    parse_events,
    verify_signed_events,
)
from creatorpulse.domain.use_cases.delivery_events import DeliveryEventKind

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DELIVERY = UUID("2b1f0c3e-7d4a-4e1b-9a51-0c7f3f7d9e21")


def key_pair() -> tuple[ec.EllipticCurvePrivateKey, str]:
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(der).decode()


def sign(private: ec.EllipticCurvePrivateKey, timestamp: str, payload: bytes) -> str:
    """As SendGrid does: ECDSA SHA-256 over timestamp + raw body, DER, base64."""
    signature = private.sign(timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(signature).decode()


def stamp(at: datetime) -> str:
    return str(int(at.timestamp()))


PAYLOAD = json.dumps([{"email": "a@example.com", "event": "delivered"}]).encode()


def test_a_genuine_signature_is_accepted() -> None:
    private, public = key_pair()
    timestamp = stamp(NOW - timedelta(seconds=30))

    assert verify_signed_events(public, PAYLOAD, sign(private, timestamp, PAYLOAD), timestamp, NOW)


def test_a_tampered_body_is_refused() -> None:
    private, public = key_pair()
    timestamp = stamp(NOW)
    signature = sign(private, timestamp, PAYLOAD)

    assert not verify_signed_events(
        public, PAYLOAD.replace(b"a@", b"b@"), signature, timestamp, NOW
    )


def test_a_signature_by_another_key_is_refused() -> None:
    _, public = key_pair()
    intruder, _ = key_pair()
    timestamp = stamp(NOW)

    assert not verify_signed_events(
        public, PAYLOAD, sign(intruder, timestamp, PAYLOAD), timestamp, NOW
    )


def test_the_timestamp_is_part_of_what_is_signed() -> None:
    private, public = key_pair()
    signature = sign(private, stamp(NOW - timedelta(seconds=5)), PAYLOAD)

    assert not verify_signed_events(public, PAYLOAD, signature, stamp(NOW), NOW)


@pytest.mark.parametrize(
    "at", [NOW - timedelta(minutes=11), NOW + timedelta(minutes=5)], ids=["stale", "future"]
)
def test_replays_outside_the_window_are_refused(at: datetime) -> None:
    private, public = key_pair()
    timestamp = stamp(at)

    assert not verify_signed_events(
        public, PAYLOAD, sign(private, timestamp, PAYLOAD), timestamp, NOW
    )


@pytest.mark.parametrize(
    ("signature", "timestamp"),
    [("not base64!", stamp(NOW)), (base64.b64encode(b"junk").decode(), stamp(NOW)), ("", "soon")],
)
def test_garbage_signatures_and_timestamps_are_refused(signature: str, timestamp: str) -> None:
    _, public = key_pair()

    assert not verify_signed_events(public, PAYLOAD, signature, timestamp, NOW)


def test_a_public_key_that_is_not_p256_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="not base64 DER"):
        verify_signed_events("bm90IGEga2V5", PAYLOAD, "", stamp(NOW), NOW)


BATCH = [
    {
        "email": "a@example.com",
        "event": "processed",
        "sg_event_id": "e0",
        "delivery_id": str(DELIVERY),
    },
    {
        "email": "a@example.com",
        "timestamp": 1795597200,
        "event": "delivered",
        "sg_event_id": "e1",
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "delivery_id": str(DELIVERY),
        "response": "250 OK",
    },
    {"email": "a@example.com", "event": "open", "sg_event_id": "e2"},
    {"email": "a@example.com", "event": "click", "url": "https://x.example", "sg_event_id": "e3"},
    {
        "email": "b@example.com",
        "event": "bounce",
        "type": "bounce",
        "reason": "550 5.1.1 The email account does not exist",
        "sg_event_id": "e4",
        "sg_message_id": "msgB.filter0002",
        "delivery_id": "not-a-uuid",
    },
    {"email": "b@example.com", "event": "bounce", "type": "blocked", "sg_event_id": "e5"},
    {
        "email": "c@example.com",
        "event": "dropped",
        "reason": "Bounced Address",
        "sg_event_id": "e6",
    },
    {"email": "d@example.com", "event": "spamreport", "sg_event_id": "e7"},
    {"email": "e@example.com", "event": "unsubscribe", "sg_event_id": "e8"},
    {"email": "f@example.com", "event": "deferred", "sg_event_id": "e9"},
]


def test_the_events_we_act_on_are_mapped_and_the_rest_skipped() -> None:
    parsed = parse_events(json.dumps(BATCH).encode())

    assert [(p.event_id, p.event.kind) for p in parsed] == [
        ("e1", DeliveryEventKind.DELIVERED),
        ("e4", DeliveryEventKind.BOUNCE),
        ("e6", DeliveryEventKind.DROPPED),
        ("e7", DeliveryEventKind.SPAM_REPORT),
        ("e8", DeliveryEventKind.UNSUBSCRIBE),
    ]
    delivered, bounce, dropped = parsed[0], parsed[1], parsed[2]
    assert delivered.event.delivery_id == DELIVERY
    assert delivered.event.message_id == "14c5d75ce93"
    assert delivered.occurred_at == datetime.fromtimestamp(1795597200, UTC)
    assert bounce.event.delivery_id is None  # unreadable, so matched by message id instead
    assert bounce.event.message_id == "msgB"
    assert bounce.event.reason == "550 5.1.1 The email account does not exist"
    assert dropped.event.reason == "Bounced Address"


@pytest.mark.parametrize(
    "payload",
    [b"not json", b'{"event": "delivered"}', b"[1, 2]", b'[{"email": "a@example.com"}]', b""],
)
def test_a_malformed_payload_is_a_clear_error(payload: bytes) -> None:
    with pytest.raises(MalformedEvents):
        parse_events(payload)
