"""The contract's rate limits: headers on every answer, 429 with details, per user when signed in,
per client address otherwise, and CREATORPULSE_RATE_LIMIT_FACTOR scaling them (0 = off)."""

from __future__ import annotations

import time

import httpx
import jwt
from http_contract import RANDOM, assert_error, assert_ok
from http_support import PASSWORD, Api, MakeApi


def _from(api: Api, address: str) -> httpx.AsyncClient:
    """Another client address in front of the same running app."""
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


async def test_answers_carry_the_rate_limit_headers(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="1")
    who = await api.creator("maya@example.com")
    before = time.time()
    remaining = []
    for _ in range(3):
        answer = await api.client.get("/v1/sources", headers=who.headers)
        assert answer.headers["X-RateLimit-Limit"] == "100"
        remaining.append(int(answer.headers["X-RateLimit-Remaining"]))
        reset = int(answer.headers["X-RateLimit-Reset"])
        assert before <= reset <= time.time() + 61
    assert remaining == [99, 98, 97]
    failed = await api.client.get(f"/v1/drafts/{RANDOM}", headers=who.headers)
    assert failed.status_code == 404 and failed.headers["X-RateLimit-Limit"] == "100"


async def test_the_sixth_login_in_a_minute_is_429_with_details(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="1")
    await api.creator("maya@example.com")  # one login spent
    for n in range(4):
        answer = await api.login("maya@example.com")
        assert_ok(answer, 200)
        assert answer.headers["X-RateLimit-Limit"] == "5"
        assert answer.headers["X-RateLimit-Remaining"] == str(3 - n)
    sixth = await api.login("maya@example.com")
    error = assert_error(sixth, 429, "rate_limit_error")
    details = error["details"]
    assert details is not None and details["limit"] == 5 and details["remaining"] == 0
    assert details["reset"] == int(sixth.headers["X-RateLimit-Reset"]) >= time.time()
    assert sixth.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(sixth.headers["Retry-After"]) <= 60
    # answered inside the middleware stack: the edge still stamps and counts it as a 429
    assert sixth.headers["x-request-id"] and sixth.headers["x-content-type-options"] == "nosniff"
    metrics = (await api.client.get("/metrics")).text
    assert 'route="/v1/auth/login",status="429"' in metrics

    # per client address when signed out: another address still signs in
    async with _from(api, "10.0.0.2") as elsewhere:
        answer = await elsewhere.post(
            "/v1/auth/login", json={"email": "maya@example.com", "password": PASSWORD}
        )
        assert_ok(answer, 200)
        assert answer.headers["X-RateLimit-Remaining"] == "4"


async def test_a_forged_subject_does_not_buy_a_fresh_bucket(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="1")
    statuses = []
    for n in range(7):  # a bearer token with a new unsigned "sub" on every try
        fake = jwt.encode({"sub": f"attacker-{n}"}, "not-our-key-but-long-enough-0123456789")
        answer = await api.client.post(
            "/v1/auth/login",
            json={"email": "maya@example.com", "password": "guess"},
            headers={"Authorization": f"Bearer {fake}"},
        )
        statuses.append(answer.status_code)
    assert statuses == [401] * 5 + [429] * 2


async def test_signed_in_users_do_not_share_a_bucket(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="1")
    maya = await api.creator("maya@example.com")
    noor = await api.creator("noor@example.com")
    for _ in range(5):  # 422 (no style training yet) still counts
        answer = await api.client.post("/v1/drafts/generate", headers=maya.headers)
        assert_error(answer, 422)
    assert_error(await api.client.post("/v1/drafts/generate", headers=maya.headers), 429)
    # same address, other user: a bucket of their own
    answer = await api.client.post("/v1/drafts/generate", headers=noor.headers)
    assert_error(answer, 422)
    assert answer.headers["X-RateLimit-Remaining"] == "4"
    # a valid token signed for maya but presented from elsewhere is still maya's bucket
    async with _from(api, "10.0.0.9") as elsewhere:
        answer = await elsewhere.post("/v1/drafts/generate", headers=maya.headers)
        assert_error(answer, 429, "rate_limit_error")


async def test_the_factor_scales_every_limit_and_zero_turns_them_off(make_api: MakeApi) -> None:
    doubled = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="2")
    answer = await doubled.login("nobody@example.com")
    assert answer.headers["X-RateLimit-Limit"] == "10"

    off = await make_api(CREATORPULSE_RATE_LIMIT_FACTOR="0")
    for _ in range(8):
        answer = await off.client.post(
            "/v1/auth/reset-password", json={"email": "nobody@example.com"}
        )
        assert_ok(answer, 200)
        assert "X-RateLimit-Limit" not in answer.headers


async def test_api_processes_beside_nats_count_limits_together(
    make_api: MakeApi, pg_clean: str
) -> None:
    # Two apps on one database, as two `creatorpulse api` processes behind a load balancer.
    env = {"CREATORPULSE_STORAGE": "postgres", "DATABASE_URL": pg_clean,
           "CREATORPULSE_RATE_LIMIT_FACTOR": "1"}  # fmt: skip
    first = await make_api(shared_limits=True, **env)
    second = await make_api(shared_limits=True, **env)
    await first.creator("maya@example.com")  # one login spent, on the first
    for api in (second, first, second, first):
        assert_ok(await api.login("maya@example.com"), 200)
    error = assert_error(await second.login("maya@example.com"), 429, "rate_limit_error")
    assert error["details"] is not None and error["details"]["limit"] == 5


async def test_api_processes_beside_nats_throttle_failed_sign_ins_together(
    make_api: MakeApi, pg_clean: str
) -> None:
    # contract limits off: ten wrong passwords spread over two apps lock the account on both
    env = {"CREATORPULSE_STORAGE": "postgres", "DATABASE_URL": pg_clean}
    first = await make_api(shared_limits=True, **env)
    second = await make_api(shared_limits=True, **env)
    await first.creator("noor@example.com")
    for n in range(10):
        assert_error(await (first if n % 2 else second).login("noor@example.com", "wrong!!"), 401)
    assert_error(await first.login("noor@example.com"), 429, "rate_limit_error")
    assert_error(await second.login("noor@example.com"), 429, "rate_limit_error")


async def test_serve_counts_limits_in_its_own_process(make_api: MakeApi, pg_clean: str) -> None:
    env = {"CREATORPULSE_STORAGE": "postgres", "DATABASE_URL": pg_clean,
           "CREATORPULSE_RATE_LIMIT_FACTOR": "1"}  # fmt: skip
    first, second = await make_api(**env), await make_api(**env)
    await first.creator("maya@example.com")
    for _ in range(4):
        assert_ok(await first.login("maya@example.com"), 200)
    assert_error(await first.login("maya@example.com"), 429, "rate_limit_error")
    assert_ok(await second.login("maya@example.com"), 200)  # its own windows
