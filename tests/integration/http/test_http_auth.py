"""Sign-in attacks, unverified sessions, account enumeration, failed-login throttling and CORS."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from http_contract import AUTH_FAILURES, assert_error, assert_ok
from http_support import BASE_URL, JWT_SECRET, PASSWORD, Api, MakeApi

from creatorpulse.ports.storage import UnitOfWorkFactory

ORIGIN = "https://app.example.com"


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _forge(claims: dict[str, Any], key: str = JWT_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512, our key
async def test_forged_expired_and_revoked_tokens_are_401(api: Api) -> None:
    who = await api.creator("maya@example.com")
    other = await api.creator("noor@example.com")
    good = _claims(who.token)
    header, payload, signature = who.token.split(".")
    tampered_payload = _b64({**good, "sub": other.id})
    forged = {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "alg none, no dot": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}",
        "another key": _forge(good, "another-secret-that-is-long-enough-1234567890"),
        "HS512 with our key": _forge(good, JWT_SECRET, "HS512"),
        "wrong audience": _forge({**good, "aud": "someone-else"}),
        "no audience": _forge({k: v for k, v in good.items() if k != "aud"}),
        "wrong issuer": _forge({**good, "iss": "https://evil.example.com"}),
        "no jti": _forge({k: v for k, v in good.items() if k != "jti"}),
        "short jti": _forge({**good, "jti": "abc"}),
        "no exp": _forge({k: v for k, v in good.items() if k != "exp"}),
        "sub not a uuid": _forge({**good, "sub": "admin"}),
        "unknown user": _forge({**good, "sub": str(uuid.uuid4())}),
        "issued in the future": _forge({**good, "iat": good["iat"] + 3600}),
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "garbage": "a.b.c",
    }
    for name, token in forged.items():
        answer = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, (name, answer.text)
        assert_error(answer, 401, "authentication_error")

    # still good before 24 h, refused once expired (our clock, not the wall clock)
    assert_ok(await api.client.get("/v1/me", headers=who.headers), 200)
    api.clock.advance(timedelta(hours=23, minutes=59))
    assert_ok(await api.client.get("/v1/sources", headers=who.headers), 200)
    api.clock.advance(timedelta(minutes=2))
    assert_error(await api.client.get("/v1/me", headers=who.headers), 401)
    assert_error(await api.client.get("/v1/sources", headers=who.headers), 401)

    # revoked by signing out: that token only, the user's other session keeps working
    first = {"Authorization": f"Bearer {assert_ok(await api.login(other.email), 200)['token']}"}
    second = {"Authorization": f"Bearer {assert_ok(await api.login(other.email), 200)['token']}"}
    assert_ok(await api.client.post("/v1/auth/logout", headers=first), 200)
    assert_error(await api.client.get("/v1/me", headers=first), 401)
    assert_error(await api.client.post("/v1/auth/logout", headers=first), 401)
    assert_ok(await api.client.get("/v1/me", headers=second), 200)


async def test_on_postgres_a_kept_session_check_ends_at_sign_out_and_deletion(
    make_api: MakeApi, pg_clean: str
) -> None:
    """PostgreSQL's store keeps session checks (SessionMemo): a kept one ends as promptly."""
    api = await make_api(CREATORPULSE_STORAGE="postgres", DATABASE_URL=pg_clean)
    uow: UnitOfWorkFactory = await api.app.state.dishka_container.get(UnitOfWorkFactory)
    who = await api.creator("maya@example.com")
    first = {"Authorization": f"Bearer {assert_ok(await api.login(who.email), 200)['token']}"}
    second = {"Authorization": f"Bearer {assert_ok(await api.login(who.email), 200)['token']}"}
    assert_ok(await api.client.get("/v1/me", headers=first), 200)
    memo = uow.sessions
    assert memo is not None
    for _ in range(500):  # listening for changes takes a moment after the first check
        if memo.live:
            break
        await asyncio.sleep(0.01)
    for headers in (first, second):
        assert_ok(await api.client.get("/v1/me", headers=headers), 200)
        token = headers["Authorization"].removeprefix("Bearer ")
        assert memo.get(uuid.UUID(who.id), _claims(token)["jti"]) is not None  # kept

    assert_ok(await api.client.post("/v1/auth/logout", headers=first), 200)
    ended = assert_error(await api.client.get("/v1/me", headers=first), 401)
    assert ended["details"] == {"code": "revoked_token"}
    assert_ok(await api.client.get("/v1/me", headers=second), 200)
    assert_ok(await api.client.delete("/v1/me", headers=second), 200)
    assert_error(await api.client.get("/v1/me", headers=second), 401)


async def test_the_token_carries_user_id_email_and_24_hours(api: Api) -> None:
    who = await api.creator("maya@example.com")
    # Signed with our key, for our audience and issuer; its expiry is checked against the
    # app's fixed clock by every request, not here against today's date.
    claims = jwt.decode(
        who.token, JWT_SECRET, algorithms=["HS256"], audience="creatorpulse-api", issuer=BASE_URL,
        options={"verify_exp": False},
    )  # fmt: skip
    assert claims["sub"] == who.id and claims["email"] == "maya@example.com"
    assert claims["exp"] - claims["iat"] == 24 * 3600


async def test_an_unverified_session_reaches_only_its_own_account(api: Api) -> None:
    unverified = await api.register("maya@example.com")
    me = assert_ok(await api.client.get("/v1/me", headers=unverified.headers), 200)
    assert me["email_verified"] is False
    for method, path, body in AUTH_FAILURES:
        if path == "/v1/me" or path == "/v1/auth/logout":
            continue  # its own account: read it, delete it, sign out
        answer = await api.client.request(method, path, json=body, headers=unverified.headers)
        error = assert_error(answer, 401, "authentication_error")
        assert error["details"] == {"code": "email_not_verified"}, (method, path)
    # logging in before verifying is refused too (the contract's login row)
    assert_error(await api.login("maya@example.com"), 401)
    assert_ok(await api.client.post("/v1/auth/logout", headers=unverified.headers), 200)


async def test_login_and_reset_never_reveal_whether_an_address_is_registered(api: Api) -> None:
    await api.creator("maya@example.com")
    wrong_password = await api.login("maya@example.com", "not-the-password")
    unknown = await api.login("nobody@example.com", "not-the-password")
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()
    assert_error(unknown, 401, "authentication_error")

    known = await api.client.post("/v1/auth/reset-password", json={"email": "maya@example.com"})
    nobody = await api.client.post("/v1/auth/reset-password", json={"email": "nobody@example.com"})
    assert known.status_code == nobody.status_code == 200
    assert known.json() == nobody.json()
    assert len(api.emails("password_reset")) == 1, "only the real account gets a link"


async def test_failed_logins_are_throttled_per_account_with_429(make_api: MakeApi) -> None:
    api = await make_api()  # contract rate limits off: this is the per-account throttle
    await api.creator("maya@example.com")
    for _ in range(10):
        assert_error(await api.login("maya@example.com", "wrong password!"), 401)
    blocked = await api.login("MAYA@example.com")  # even the right password, any case
    error = assert_error(blocked, 429, "rate_limit_error")
    assert set(error["details"] or {}) == {"limit", "remaining", "reset"}
    assert int(blocked.headers["Retry-After"]) >= 1
    # another account from the same address is not locked out by it
    await api.creator("noor@example.com")
    assert_ok(await api.login("noor@example.com"), 200)
    # an unknown address is throttled alike: the lock reveals nothing about registration
    for _ in range(10):
        assert_error(await api.login("ghost@example.com", "wrong password!"), 401)
    assert_error(await api.login("ghost@example.com", PASSWORD), 429, "rate_limit_error")


async def test_cors_preflight_allows_the_front_ends_origin_only(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_CORS_ORIGINS=f"{ORIGIN},http://localhost:3000")
    who = await api.creator("maya@example.com")
    for method in ("GET", "POST", "PUT", "DELETE"):
        preflight = await api.client.options(
            "/v1/sources",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code in (200, 204), preflight.text
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        allowed = {
            h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")
        }
        assert {"authorization", "content-type"} <= allowed
        assert method in preflight.headers["access-control-allow-methods"]
    actual = await api.client.get("/v1/sources", headers={**who.headers, "Origin": ORIGIN})
    assert actual.status_code == 200
    assert actual.headers["access-control-allow-origin"] == ORIGIN
    assert "x-ratelimit-remaining" in actual.headers["access-control-expose-headers"].lower()

    foreign = await api.client.options(
        "/v1/sources",
        headers={
            "Origin": "https://evil.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "access-control-allow-origin" not in foreign.headers
    simple = await api.client.get(
        "/v1/sources", headers={**who.headers, "Origin": "https://evil.example.com"}
    )
    assert "access-control-allow-origin" not in simple.headers


async def test_without_configured_origins_no_cors_headers_are_sent(api: Api) -> None:
    answer = await api.client.get("/health/live", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in answer.headers
