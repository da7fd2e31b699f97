"""POST /webhooks/sendgrid through the real app: signed, fresh, idempotent, and it pauses mail."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from test_sendgrid_events import key_pair, sign

from creatorpulse.adapters.mail.sendgrid_events import SIGNATURE_HEADER, TIMESTAMP_HEADER
from creatorpulse.entrypoints.http.app import create_app
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases


@pytest.fixture
def keys():
    return key_pair()


@pytest.fixture
async def client(tmp_path: Path, keys):
    _, public = keys
    settings = Settings.from_env({
        "CREATORPULSE_DATA_DIR": str(tmp_path), "CREATORPULSE_STORAGE": "memory",
        "SENDGRID_WEBHOOK_PUBLIC_KEY": public, "CREATORPULSE_RATE_LIMIT_FACTOR": "0",
    })  # fmt: skip
    async with AsyncTestClient(create_app(settings)) as client:
        yield client


async def _user_with_verification(client: AsyncTestClient) -> tuple[str, str, uuid.UUID]:
    answer = await client.post(
        "/v1/auth/register", json={"email": "ana@example.com", "password": "a long password"}
    )
    body = answer.json()["data"]
    cases: UseCases = await client.app.state.dishka_container.get(UseCases)
    user_id = uuid.UUID(body["user"]["id"])
    async with cases.ports.uow.for_user(user_id) as tx:
        [verification] = await tx.deliveries.list_for_user(user_id)
    return body["token"], str(user_id), verification.id


def _post(client: AsyncTestClient, private, events: list[dict], *, at: float | None = None):
    payload = json.dumps(events).encode()
    stamp = str(int(at if at is not None else time.time()))
    headers = {
        SIGNATURE_HEADER: sign(private, stamp, payload), TIMESTAMP_HEADER: stamp,
        "content-type": "application/json",
    }  # fmt: skip
    return client.post("/webhooks/sendgrid", content=payload, headers=headers)


async def test_delivered_then_bounce_pauses_mail_and_settings_say_so(client, keys) -> None:
    private, _ = keys
    token, _, delivery_id = await _user_with_verification(client)
    delivered = {
        "event": "delivered", "sg_event_id": "e1", "delivery_id": str(delivery_id),
        "sg_message_id": "x.filter", "email": "ana@example.com", "timestamp": 1,
    }  # fmt: skip
    answer = await _post(client, private, [delivered])
    assert answer.status_code == 200 and answer.json() == {"received": 1, "applied": 1}
    again = await _post(client, private, [delivered])  # SendGrid retries batches
    assert again.json() == {"received": 1, "applied": 0}

    bounce = delivered | {"event": "bounce", "sg_event_id": "e2", "reason": "550 no such user"}
    assert (await _post(client, private, [bounce])).json()["applied"] == 1
    # The account is unverified, so read its state through the use cases.
    cases: UseCases = await client.app.state.dishka_container.get(UseCases)
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    async with cases.ports.uow.system() as tx:
        user = await tx.users.get(uuid.UUID(me.json()["data"]["id"]))
    assert user is not None
    assert user.mail_paused is not None and user.mail_paused.value == "bounced"


@pytest.mark.parametrize("problem", ["unsigned", "forged", "stale", "future"])
async def test_unsigned_or_stale_requests_get_401_and_change_nothing(
    client, keys, problem: str
) -> None:
    private, _ = keys
    _, _, delivery_id = await _user_with_verification(client)
    event = [{"event": "bounce", "sg_event_id": "e9", "delivery_id": str(delivery_id)}]
    payload = json.dumps(event).encode()
    now = time.time()
    if problem == "unsigned":
        answer = await client.post("/webhooks/sendgrid", content=payload)
    elif problem == "forged":
        other, _ = key_pair()
        stamp = str(int(now))
        answer = await client.post(
            "/webhooks/sendgrid", content=payload,
            headers={SIGNATURE_HEADER: sign(other, stamp, payload), TIMESTAMP_HEADER: stamp},
        )  # fmt: skip
    else:
        answer = await _post(
            client, private, event, at=now - 3600 if problem == "stale" else now + 3600
        )
    assert answer.status_code == 401
    assert answer.json()["error"]["error"] == "authentication_error"
    cases: UseCases = await client.app.state.dishka_container.get(UseCases)
    async with cases.ports.uow.system() as tx:
        delivery = await tx.deliveries.get(delivery_id)
        user = await tx.users.get(delivery.user_id)  # type: ignore[union-attr]
    assert user is not None and user.mail_paused is None


async def test_a_malformed_batch_is_a_clear_422(client, keys) -> None:
    private, _ = keys
    stamp = str(int(time.time()))
    payload = b'{"not": "a list"}'
    answer = await client.post(
        "/webhooks/sendgrid", content=payload,
        headers={SIGNATURE_HEADER: sign(private, stamp, payload), TIMESTAMP_HEADER: stamp},
    )  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["error"]["error"] == "validation_error"
