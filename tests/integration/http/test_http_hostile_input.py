"""Hostile text in every field the API stores and echoes, and hostile bodies, on both storages:
each value is stored and read back exactly (style posts: as their documented normal form) or
refused with a 422 naming the field — never a 5xx."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import AsyncIterator
from typing import Any

import pytest
from http_contract import POST_TEXT, assert_error, assert_ok
from http_support import Api, Creator, MakeApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = {
    "zero-width": "zero\u200bwidth\ufeffjoined",
    "right-to-left override": "invoice\u202egpj.exe",
    "combining marks": "cafe\u0301 Z\u0351\u0310\u0334algo",
    "emoji sequences": "family 👩\u200d👩\u200d👧\u200d👦 flags 🇫🇷🇯🇵 🏳️\u200d🌈",
    "SQL": "Robert'); DROP TABLE users; -- 100% _wild_ back\\slash \\' \\\\",
    "templates": "{{7*7}} ${7*7} <%= 7*7 %> {% raw %} #{7*7} %s %(x)s",
    "HTML": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "quotes": "\"double\" 'single' `back`",
}
REFUSED = {"NUL": "before\x00after"}
ENGLISH = "Shipping small changes every day taught me more about users than any plan did:"


def _posted(value: str) -> str:
    """A style post as stored: NFC, no zero-width characters (the documented normal form)."""
    text = unicodedata.normalize("NFC", value)
    return "".join(c for c in text if c not in "\u200b\u200c\u200d\u2060\ufeff")


def _names(error: dict[str, Any]) -> set[str]:
    return {f["field"] for f in (error["details"] or {}).get("fields", [])}


@pytest.fixture(params=["memory", "postgres"])
async def hostile(request: pytest.FixtureRequest, make_api: MakeApi) -> AsyncIterator[Api]:
    if request.param == "postgres":
        url = request.getfixturevalue("pg_clean")
        yield await make_api(CREATORPULSE_STORAGE="postgres", DATABASE_URL=url)
    else:
        yield await make_api()


async def _source(api: Api, who: Creator, name: str) -> Any:
    feed = api.feeds[0]
    body = {"type": "rss", "url": feed.url, "name": name}
    return await api.client.post("/v1/sources", json=body, headers=who.headers)


async def test_hostile_text_is_stored_and_echoed_exactly(hostile: Api) -> None:
    api, c = hostile, hostile.client
    who = await api.creator("hostile@example.com")
    h = who.headers
    for kind, value in HOSTILE.items():
        added = assert_ok(await _source(api, who, value), 201)
        assert added["name"] == value, kind
        listed = assert_ok(await c.get("/v1/sources", headers=h), 200)
        assert [s["name"] for s in listed] == [value], kind
        renamed = f"{value} (renamed)"
        updated = await c.put(f"/v1/sources/{added['id']}", json={"name": renamed}, headers=h)
        assert assert_ok(updated, 200)["name"] == renamed, kind
        assert_ok(await c.delete(f"/v1/sources/{added['id']}", headers=h), 200)

        post = f"{ENGLISH} {value}"
        assert_ok(await c.post("/v1/style/posts/add", json={"content": post}, headers=h), 201)
    batch = [f"{ENGLISH} {value} (uploaded)" for value in HOSTILE.values()]
    assert_ok(await c.post("/v1/style/upload", json={"posts": batch}, headers=h), 202)
    stored = {p["content"] for p in assert_ok(await c.get("/v1/style/posts", headers=h), 200)}
    expected = {_posted(f"{ENGLISH} {v}") for v in HOSTILE.values()} | set(map(_posted, batch))
    assert stored == expected


async def test_text_postgres_cannot_hold_is_refused_naming_the_field(hostile: Api) -> None:
    api, c = hostile, hostile.client
    who = await api.creator("refused@example.com")
    h = who.headers
    added = assert_ok(await _source(api, who, "a fine name"), 201)
    other = api.feeds[1].url
    for kind, value in REFUSED.items():
        sends = [
            ("POST", "/v1/sources", {"type": "rss", "url": other, "name": value}, "name"),
            ("PUT", f"/v1/sources/{added['id']}", {"name": value}, "name"),
            ("POST", "/v1/style/posts/add", {"content": f"{ENGLISH} {value}"}, "content"),
            ("PUT", "/v1/user/settings", {"timezone": value}, "timezone"),
            ("POST", "/v1/auth/register",
             {"email": "y@example.com", "password": "long enough", "timezone": value}, "timezone"),
        ]  # fmt: skip
        for method, path, body, field in sends:
            answer = await c.request(method, path, json=body, headers=h)
            error = assert_error(answer, 422, "validation_error")
            assert field in _names(error), f"{kind} {method} {path}: {error}"
        upload = {"posts": [f"{POST_TEXT} {kind}", f"{ENGLISH} {value}"]}
        report = assert_ok(await c.post("/v1/style/upload", json=upload, headers=h), 202)
        assert [r["field"] for r in report["rejected"]] == ["posts[1]"], report  # the rest go on
    names = [s["name"] for s in assert_ok(await c.get("/v1/sources", headers=h), 200)]
    assert names == ["a fine name"]
    posts = [p["content"] for p in assert_ok(await c.get("/v1/style/posts", headers=h), 200)]
    assert posts == [f"{POST_TEXT} {kind}" for kind in REFUSED]


async def test_validated_text_fields_refuse_hostile_values_by_name(hostile: Api) -> None:
    api, c = hostile, hostile.client
    who = await api.creator("validated@example.com")
    for value in [*HOSTILE.values(), *REFUSED.values()]:
        for path, body, field in [
            ("/v1/user/settings", {"timezone": value}, "timezone"),
            ("/v1/user/settings", {"delivery_time": value}, "delivery_time"),
            ("/v1/drafts/{id}/feedback", {"feedback_type": value}, "feedback_type"),
        ]:
            answer = await c.put(path.replace("{id}", who.id), json=body, headers=who.headers)
            if field == "feedback_type":
                assert answer.status_code in (404, 422), answer.text  # no such draft either way
                continue
            assert field in _names(assert_error(answer, 422)), (value, answer.text)
        registered = await c.post("/v1/auth/register", json={"email": value, "password": "x" * 9})
        assert "email" in _names(assert_error(registered, 422)), (value, registered.text)
        signed_in = await api.login(f"{value}@example.com", value * 3)
        assert signed_in.status_code in (401, 422), signed_in.text
        reset = await c.post("/v1/auth/reset-password", json={"email": value})
        assert reset.status_code in (200, 422), reset.text
        for query in ("/v1/auth/verify-email", "/v1/style/status"):
            param = "token" if "verify" in query else "job_id"
            answer = await c.get(query, params={param: value}, headers=who.headers)
            assert answer.status_code in (404, 422), answer.text


async def test_numbers_past_any_column_are_refused_by_name(hostile: Api) -> None:
    who = await hostile.creator("numbers@example.com")
    for field, value in [
        ("page", 2**63),
        ("page", 10**32),
        ("per_page", 2**63),
        ("page", -(2**63)),
    ]:
        answer = await hostile.client.get("/v1/drafts", params={field: value}, headers=who.headers)
        assert field in _names(assert_error(answer, 422, "validation_error")), answer.text


MALFORMED = {
    "lone surrogate": b'{"type": "rss", "url": "https://x.example/f", "name": "\\ud800"}',
    "lone low surrogate": b'{"type": "rss", "url": "https://x.example/f", "name": "\\udc00x"}',
    "invalid UTF-8": b'{"type": "rss", "url": "https://x.example/f", "name": "\xff\xfe"}',
    "truncated UTF-8": b'{"type": "rss", "url": "https://x.example/f", "name": "\xc3"}',
    "10k levels of arrays": b"[" * 10_000 + b"]" * 10_000,
    "10k levels of objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "truncated JSON": b'{"type": "rss", "url": ',
    "empty body": b"",
}


async def test_malformed_bodies_are_refused_clearly(hostile: Api) -> None:
    who = await hostile.creator("malformed@example.com")
    headers = {**who.headers, "content-type": "application/json"}
    for why, body in MALFORMED.items():
        answer = await hostile.client.post("/v1/sources", content=body, headers=headers)
        assert answer.status_code == 422, (why, answer.text)
        assert_error(answer, 422, "validation_error")
    assert assert_ok(await hostile.client.get("/v1/sources", headers=who.headers), 200) == []


async def test_a_body_that_is_not_json_is_refused(hostile: Api) -> None:
    who = await hostile.creator("form@example.com")
    body = json.dumps({"type": "rss", "url": hostile.feeds[0].url, "name": "x"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        headers = {**who.headers, "content-type": content_type}
        answer = await hostile.client.post("/v1/sources", content=body, headers=headers)
        assert answer.status_code in (415, 422), (content_type, answer.text)
        assert_error(answer, answer.status_code, "validation_error")
    form = {**who.headers, "content-type": "application/x-www-form-urlencoded"}
    answer = await hostile.client.post("/v1/sources", content="type=rss&name=x", headers=form)
    assert_error(answer, answer.status_code, "validation_error")


async def test_an_oversized_body_is_refused_with_the_envelope(hostile: Api) -> None:
    who = await hostile.creator("big@example.com")
    name = "x" * (2 * 1024 * 1024)
    body = {"type": "rss", "url": hostile.feeds[0].url, "name": name}
    answer = await hostile.client.post("/v1/sources", json=body, headers=who.headers)
    assert_error(answer, 413, "validation_error")


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_body_is_not_read_into_memory(api: Api, declared: bool) -> None:
    """Straight through ASGI, so we see how much of a 64 MiB stream the app asks for."""
    chunk, chunks = b"x" * 65_536, 1024
    asked = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": chunk, "more_body": asked < chunks}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"host", b"testserver.local"), (b"content-type", b"application/json")]
    if declared:
        headers.append((b"content-length", str(len(chunk) * chunks).encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/auth/login", "raw_path": b"/v1/auth/login",
        "query_string": b"", "root_path": "", "headers": headers, "state": {},
        "client": ("127.0.0.1", 50000), "server": ("testserver.local", 80),
    }  # fmt: skip
    await api.app(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 413, sent
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body["success"] is False and body["error"]["error"] == "validation_error", body
    assert asked * len(chunk) <= 2 * 1024 * 1024 + len(chunk), f"read {asked} chunks"


@pytest.fixture
async def renamed(hostile: Api) -> tuple[Api, Creator, str]:
    """A creator with one source, shared by every example of a property (set up once)."""
    who = await hostile.creator("names@example.com")
    return hostile, who, assert_ok(await _source(hostile, who, "first"), 201)["id"]


def _any_name(examples: int) -> Any:
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(name=st.text(max_size=120))
    async def run(renamed: tuple[Api, Creator, str], name: str) -> None:
        """Any text as a source's name: stored with its whitespace collapsed, or refused."""
        api, who, source_id = renamed
        answer = await api.client.put(
            f"/v1/sources/{source_id}", json={"name": name}, headers=who.headers
        )
        collapsed = " ".join(name.split())
        if any(0xD800 <= ord(c) <= 0xDFFF for c in name):  # not JSON a client could mean
            assert_error(answer, 422, "validation_error")
        elif "\x00" in name or not collapsed or len(collapsed) > 100:
            assert "name" in _names(assert_error(answer, 422, "validation_error")), answer.text
        else:
            assert assert_ok(answer, 200)["name"] == collapsed
            listed = assert_ok(await api.client.get("/v1/sources", headers=who.headers), 200)
            assert [s["name"] for s in listed] == [collapsed]

    return run


test_any_text_is_a_name_or_refused = _any_name(30)
test_any_text_is_a_name_or_refused_thoroughly = pytest.mark.slow(_any_name(1000))
