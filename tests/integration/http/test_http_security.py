"""What docs/security.md claims and no other test shows: security headers, request ids, logs
and answers free of secrets, generic 500s, fields a client may not set, hashes at rest, and
sign-outs honoured by every API process, sessions ended by a password reset."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import structlog
from http_contract import AUTH_FAILURES, assert_error, assert_ok
from http_support import BASE_URL, JWT_SECRET, PASSWORD, START, Api, MakeApi, Overrides
from litestar.testing import AsyncTestClient

from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.use_cases.manage_sources import SourceFetchers
from creatorpulse.entrypoints.demo import sample_feeds
from creatorpulse.entrypoints.http.app import create_app
from creatorpulse.entrypoints.http.deps import SessionCheck
from creatorpulse.entrypoints.logs import add_request_id
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.ports.feeds import FetchedFeed

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}
CSP_MUST_HAVE = ("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'")


def assert_hardened(answer: Any) -> None:
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (answer.request.url, name, answer.headers)
    csp = answer.headers.get("content-security-policy", "")
    assert all(d in csp for d in CSP_MUST_HAVE), (answer.request.url, csp)
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers.get("x-request-id", "")), answer.headers
    assert "set-cookie" not in answer.headers, "the API keeps no cookie-based session"
    if answer.headers.get("content-type", "").startswith("text/"):
        assert "charset=utf-8" in answer.headers["content-type"]


async def test_every_kind_of_answer_carries_the_security_headers(api: Api) -> None:
    who = await api.creator("maya@example.com")
    c = api.client
    answers = [
        await c.get("/health/live"),
        await c.get("/v1/sources", headers=who.headers),  # 200, signed in
        await c.get("/v1/me"),  # 401
        await c.get(f"/v1/drafts/{uuid.uuid4()}", headers=who.headers),  # 404 from a handler
        await c.post("/v1/auth/register", json={"email": "x"}),  # 422
        await c.get("/verify-email", params={"token": "abc"}),  # an HTML page
        await c.get("/metrics"),  # text/plain
    ]
    for answer in answers:
        assert_hardened(answer)
    assert all("strict-transport-security" not in a.headers for a in answers), "HSTS over http"
    trace = await c.request("TRACE", "/health/live", headers=who.headers)
    assert trace.status_code == 405 and who.token not in trace.text  # TRACE echoes nothing


async def test_the_reset_page_masks_the_password_and_lets_password_managers_fill_it(
    api: Api,
) -> None:
    page = await api.client.get("/reset-password", params={"token": "some-token"})
    [field] = re.findall(r'<input[^>]*name="password"[^>]*>', page.text)
    assert 'type="password"' in field and 'autocomplete="new-password"' in field
    assert "onpaste" not in page.text.lower() and "<script" not in page.text.lower()


async def test_hsts_for_a_year_when_the_service_is_served_over_https(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_BASE_URL="https://creatorpulse.example.com")
    hsts = (await api.client.get("/health/live")).headers["strict-transport-security"]
    assert int(re.fullmatch(r"max-age=(\d+).*", hsts)[1]) >= 365 * 24 * 3600  # type: ignore[index]


async def test_unmatched_paths_and_methods_carry_the_security_headers_too(api: Api) -> None:
    who = await api.creator("maya@example.com")
    answers = [
        await api.client.get("/no-such-page"),
        await api.client.get("/v1/drafts/not-a-uuid", headers=who.headers),
        await api.client.patch("/v1/sources", headers=who.headers),
    ]
    for answer in answers:
        assert answer.status_code in (404, 405)
        assert_hardened(answer)


async def test_request_ids_are_echoed_when_safe_and_replaced_otherwise(api: Api) -> None:
    with structlog.testing.capture_logs([add_request_id]) as logs:
        echoed = await api.client.get("/health/live", headers={"X-Request-ID": "edge-42.a_b"})
        injected = await api.client.get(
            "/health/live", headers={"X-Request-ID": "abc\tforged=1 " + "x" * 80}
        )
        fresh = [await api.client.get("/health/live") for _ in range(2)]
    assert echoed.headers["x-request-id"] == "edge-42.a_b"
    assert re.fullmatch(r"[0-9a-f]{32}", injected.headers["x-request-id"])
    assert fresh[0].headers["x-request-id"] != fresh[1].headers["x-request-id"]
    requests = [entry for entry in logs if entry["event"] == "request"]
    assert [entry["request_id"] for entry in requests] == [
        a.headers["x-request-id"] for a in (echoed, injected, *fresh)
    ]
    assert {(e["method"], e["route"], e["status"]) for e in requests} == {
        ("GET", "/health/live", 200)
    }


async def test_logs_and_answers_never_carry_passwords_tokens_or_keys(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    c = api.client
    secrets = [PASSWORD, JWT_SECRET, "Wr0ng-but-secret-password"]
    answers = []
    with structlog.testing.capture_logs([add_request_id]) as logs:
        registered = await c.post(
            "/v1/auth/register", json={"email": "maya@example.com", "password": PASSWORD}
        )
        answers.append(registered)
        verification = api.token_of("verification", "maya@example.com", "/verify-email")
        answers.append(await c.get("/verify-email", params={"token": verification}))
        answers.append(await c.post("/verify-email", data={"token": verification}))
        answers.append(await api.login("maya@example.com", "Wr0ng-but-secret-password"))
        signed_in = await api.login("maya@example.com")
        answers.append(signed_in)
        jwt = assert_ok(signed_in, 200)["token"]
        headers = {"Authorization": f"Bearer {jwt}"}
        answers.append(await c.get("/v1/me", headers=headers))
        answers.append(await c.post("/v1/auth/reset-password", json={"email": "maya@example.com"}))
        reset = api.token_of("password_reset", "maya@example.com", "/reset-password")
        answers.append(await c.get("/reset-password", params={"token": reset}))
        answers.append(
            await c.post(
                "/v1/auth/reset-password/confirm", json={"token": reset, "password": PASSWORD}
            )
        )
        # tokens in paths (feedback and unsubscribe links): unknown ones, logged the same way
        link_token = "link-token-" + "q" * 30
        answers.append(await c.post(f"/feedback/{link_token}/positive"))
        answers.append(await c.get(f"/unsubscribe/{link_token}"))
        answers.append(await c.post("/v1/auth/logout", headers=headers))
        answers.append(await c.get("/v1/me", headers=headers))  # revoked: 401
    secrets += [verification, reset, jwt, link_token]

    structured = repr(logs)
    stdlib = "\n".join(
        r.getMessage() for r in caplog.records if "testserver.local" not in r.getMessage()
    )  # the test client's own httpx lines show the URLs it was asked to fetch
    routes = {entry.get("route") for entry in logs if entry["event"] == "request"}
    assert {"/feedback/{token}/{vote}", "/unsubscribe/{token}", "/verify-email"} <= routes
    for secret in secrets:
        assert secret not in structured, f"a secret reached the structured logs: {secret[:8]}…"
        assert secret not in stdlib, f"a secret reached a library's logs: {secret[:8]}…"
    for answer in answers:
        assert PASSWORD not in answer.text and JWT_SECRET not in answer.text
        assert "$argon2" not in answer.text and "password_hash" not in answer.text
        assert reset not in answer.text or "/reset-password" in str(answer.request.url)
    assert_ok(answers[-2], 200)
    assert_error(answers[-1], 401, "authentication_error")


class FailingFeeds:
    """A feed fetcher that breaks the way a bug would: an exception no one expected."""

    async def fetch(self, url: str) -> FetchedFeed:
        raise RuntimeError(f"connection string postgresql://owner:hunter2@db/prod for {url}")


@pytest.fixture
async def failing_api(tmp_path: Path) -> AsyncIterator[Api]:
    """The real app, but adding a source hits a bug; the test's `Api` helpers still work."""
    clock = FixedClock(START)
    settings = Settings.from_env(
        {
            "CREATORPULSE_STORAGE": "memory", "CREATORPULSE_DATA_DIR": str(tmp_path / "data"),
            "CREATORPULSE_OUTBOX_DIR": str(tmp_path / "outbox"),
            "CREATORPULSE_BASE_URL": BASE_URL, "CREATORPULSE_RATE_LIMIT_FACTOR": "0",
            "JWT_SECRET": JWT_SECRET,
        }
    )  # fmt: skip
    app = create_app(settings, Overrides(clock, SourceFetchers(FailingFeeds())))
    index, feeds = sample_feeds(clock)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        yield Api(client, app, clock, settings.outbox_dir, index, feeds, settings)


async def test_an_unexpected_error_is_a_generic_500_logged_by_type_only(failing_api: Api) -> None:
    who = await failing_api.creator("maya@example.com")
    with structlog.testing.capture_logs([add_request_id]) as logs:
        answer = await failing_api.client.post(
            "/v1/sources", json={"type": "rss", "url": "https://example.com/f", "name": "x"},
            headers=who.headers,
        )  # fmt: skip
    error = assert_error(answer, 500, "server_error")
    assert error["message"] == "something went wrong on our side; please retry"
    for leak in ("hunter2", "postgresql://", "RuntimeError", "Traceback", 'File "'):
        assert leak not in answer.text
    assert_hardened(answer)
    [logged] = [entry for entry in logs if entry["event"] == "unhandled_error"]
    assert logged["error_type"] == "RuntimeError" and logged["path"] == "/v1/sources"
    assert logged["request_id"] == answer.headers["x-request-id"]
    assert "hunter2" not in repr(logs)


async def test_fields_a_client_may_not_set_are_ignored(api: Api) -> None:
    maya = await api.creator("maya@example.com")
    noor = await api.creator("noor@example.com")
    c = api.client
    sneaky = {
        "id": noor.id, "user_id": noor.id, "email": "evil@example.com", "active": False,
        "email_verified": False, "password_hash": "x", "mail_paused": None,
    }  # fmt: skip
    changed = await c.put(
        "/v1/user/settings", json={**sneaky, "timezone": "UTC"}, headers=maya.headers
    )
    assert_ok(changed, 200)
    me = assert_ok(await c.get("/v1/me", headers=maya.headers), 200)
    unchanged = {"id": maya.id, "email": "maya@example.com", "active": True, "email_verified": True}
    assert {key: me[key] for key in unchanged} == unchanged
    assert_ok(await api.login("maya@example.com"), 200)  # the password hash is untouched
    source = (await api.add_sample_sources(maya))[0]
    elsewhere = {"id": str(uuid.uuid4()), "user_id": noor.id, "type": "twitter",
                 "url": "http://169.254.169.254/latest/meta-data/", "error_count": -5}  # fmt: skip
    moved = await c.put(
        f"/v1/sources/{source['id']}", json={**elsewhere, "name": "renamed"}, headers=maya.headers
    )
    assert_ok(moved, 200)
    assert assert_ok(await c.get("/v1/sources", headers=noor.headers), 200) == []
    [mine] = [s for s in assert_ok(await c.get("/v1/sources", headers=maya.headers), 200)
              if s["id"] == source["id"]]  # fmt: skip
    assert mine == {**source, "name": "renamed", "updated_at": mine["updated_at"]}


async def test_only_hashes_of_passwords_and_emailed_tokens_are_stored(
    make_api: MakeApi, pg_clean: str
) -> None:
    api = await make_api(CREATORPULSE_STORAGE="postgres", DATABASE_URL=pg_clean)
    await api.register("maya@example.com")
    verification = api.token_of("verification", "maya@example.com", "/verify-email")
    await api.client.post("/v1/auth/reset-password", json={"email": "maya@example.com"})
    reset = api.token_of("password_reset", "maya@example.com", "/reset-password")
    with psycopg.connect(pg_clean) as conn:
        users = conn.execute("SELECT row_to_json(u)::text FROM users u").fetchall()
        tokens = conn.execute("SELECT row_to_json(t)::text FROM action_tokens t").fetchall()
        [(password_hash,)] = conn.execute("SELECT password_hash FROM users").fetchall()
    stored = repr(users) + repr(tokens)
    assert password_hash.startswith("$argon2id$")
    for raw in (PASSWORD, verification, reset):
        assert raw not in stored
    for raw in (verification, reset):
        assert hashlib.sha256(raw.encode()).hexdigest() in stored


@pytest.mark.parametrize("storage", ["memory", "postgres"])
async def test_a_password_reset_ends_the_sessions_signed_in_before_it(
    make_api: MakeApi, storage: str, request: pytest.FixtureRequest
) -> None:
    env = {}
    if storage == "postgres":
        env = {
            "CREATORPULSE_STORAGE": "postgres",
            "DATABASE_URL": request.getfixturevalue("pg_clean"),
        }
    api = await make_api(**env)
    who = await api.creator("maya@example.com")
    api.clock.advance(timedelta(minutes=5))  # a while later, the password is forgotten
    await api.client.post("/v1/auth/reset-password", json={"email": "maya@example.com"})
    reset = api.token_of("password_reset", "maya@example.com", "/reset-password")
    confirmed = await api.client.post(
        "/v1/auth/reset-password/confirm", json={"token": reset, "password": "a brand new secret"}
    )
    assert_ok(confirmed, 200)
    ended = assert_error(await api.client.get("/v1/me", headers=who.headers), 401)
    assert ended["details"] == {"code": "revoked_token"}
    fresh = await api.client.post(
        "/v1/auth/login", json={"email": who.email, "password": "a brand new secret"}
    )
    token = assert_ok(fresh, 200)["token"]
    me = await api.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_ok(me, 200)


async def test_a_sign_out_holds_on_every_api_process_sharing_the_database(
    make_api: MakeApi, pg_clean: str
) -> None:
    env = {"CREATORPULSE_STORAGE": "postgres", "DATABASE_URL": pg_clean,
           "DATABASE_APP_PASSWORD": "shared-app-role-password"}  # fmt: skip
    first, second = await make_api(**env), await make_api(**env)
    who = await first.creator("maya@example.com")
    other = {"Authorization": f"Bearer {assert_ok(await first.login(who.email), 200)['token']}"}
    assert_ok(await second.client.get("/v1/me", headers=who.headers), 200)
    assert_ok(await second.client.post("/v1/auth/logout", headers=who.headers), 200)
    assert_error(await first.client.get("/v1/me", headers=who.headers), 401, "authentication_error")
    assert_ok(await first.client.get("/v1/me", headers=other), 200)  # only that session ended


async def test_the_docs_page_may_load_the_script_it_names_and_nothing_inline(api: Api) -> None:
    page = await api.client.get("/schema")
    assert page.status_code == 200
    assert_hardened(page)
    directives = page.headers["content-security-policy"].split("; ")
    csp = {name: value for name, _, value in (d.partition(" ") for d in directives)}
    scripts = re.findall(r'<script[^>]*src="(https://[^/"]+)/', page.text)
    assert scripts and all(origin in csp["script-src"].split() for origin in scripts)
    assert "'unsafe-inline'" not in csp["script-src"] and "connect-src" in csp
    elsewhere = await api.client.get("/health/live")
    assert "cdn.jsdelivr.net" not in elsewhere.headers["content-security-policy"]


async def test_every_route_that_takes_a_session_checks_it_first(api: Api) -> None:
    """A route's session comes from `deps.inject`, which checks it before the route's body
    runs; one written without `inject` would show Litestar a `session` parameter to parse."""
    signed_in = set()
    for route in api.app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for hint in getattr(handler.fn, "__annotations__", {}).values():
                assert not re.search(r"\b(Verified|SignedIn)\b", str(hint)), handler
                marks = getattr(hint, "__metadata__", ())
                assert not [m for m in marks if isinstance(m, SessionCheck)], handler
            if getattr(handler.fn, "session_check", None) is not None:
                signed_in |= {(m, route.path) for m in handler.http_methods}
    listed = {(method, re.sub(r"/[0-9a-f-]{36}", "/{}", path)) for method, path, _ in AUTH_FAILURES}
    found = {(method, re.sub(r"\{[^}]+\}", "{}", path)) for method, path in signed_in}
    assert found == listed  # and each of those answers 401 without a valid token (endpoints)
