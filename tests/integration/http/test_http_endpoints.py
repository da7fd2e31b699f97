"""Every endpoint of API-CONTRACT.md (and the extras users expect), through the real app: the
success envelope and the front end's shapes, then the failure statuses of the contract's table."""

from __future__ import annotations

from typing import Any

import pytest
from http_contract import (
    AUTH_FAILURES,
    POST_TEXT,
    RANDOM,
    assert_error,
    assert_ok,
    assert_shape,
)
from http_support import PASSWORD, Api, Creator, MakeApi

from creatorpulse.entrypoints.demo import sample_documents, sample_voices


async def test_every_endpoint_answers_the_contracts_envelope_and_shapes(api: Api) -> None:
    c = api.client
    registered = await c.post(
        "/v1/auth/register",
        json={"email": "Maya@Example.com", "password": PASSWORD, "timezone": "Europe/Paris"},
    )
    data = assert_ok(registered, 201, "AuthResponse")
    assert data["user"]["email"] == "maya@example.com"  # normalised (PRODUCT decision 14)
    assert data["user"]["timezone"] == "Europe/Paris"
    unverified = {"Authorization": f"Bearer {data['token']}"}
    assert_ok(await c.get("/v1/me", headers=unverified), 200)

    token = api.token_of("verification", "maya@example.com", "/verify-email")
    verified = await c.get("/v1/auth/verify-email", params={"token": token})
    assert_ok(verified, 200, "MessageResponse")
    data = assert_ok(await api.login("MAYA@example.com"), 200, "AuthResponse")
    assert data["expires_at"].endswith("Z")
    who = Creator(data["user"]["email"], data["user"]["id"], data["token"])
    h = who.headers
    me = assert_ok(await c.get("/v1/me", headers=h), 200)
    assert_shape(me, "User")
    assert me["id"] == who.id and me["email_verified"] is True

    # sources
    sources = await api.add_sample_sources(who)
    for source in sources:
        assert_shape(source, "Source")
        assert source["user_id"] == who.id and source["active"] is True
    listed = assert_ok(await c.get("/v1/sources", headers=h), 200, "SourcesResponse")
    assert {s["id"] for s in listed} == {s["id"] for s in sources}
    first = sources[0]["id"]
    renamed = await c.put(
        f"/v1/sources/{first}", json={"name": "Renamed", "active": False}, headers=h
    )
    assert assert_ok(renamed, 200, "SourceResponse")["name"] == "Renamed"
    status = assert_ok(await c.get(f"/v1/sources/{first}/status", headers=h), 200)
    assert_shape({"success": True, "data": status}, "SourceStatusResponse")
    assert status == {"status": "inactive", "last_error": None}
    await c.put(f"/v1/sources/{first}", json={"active": True}, headers=h)

    # style
    added = await c.post("/v1/style/posts/add", json={"content": POST_TEXT}, headers=h)
    post_id = assert_ok(added, 201, "AddStylePostResponse")["post_id"]
    posts = sample_voices()["maya"].posts
    upload = await c.post("/v1/style/upload", json={"posts": [*posts, posts[0]]}, headers=h)
    job = assert_ok(upload, 202, "StyleTrainingJobResponse")
    assert job["duplicates"], "a repeated post is reported, not silently dropped"
    done = await api.wait_for_job(who, job["job_id"])
    assert_shape({"success": True, "data": done}, "StyleTrainingStatusResponse")
    assert done["progress"] == 100 and done["processed_posts"] == done["total_posts"]
    latest = assert_ok(await c.get("/v1/style/status", headers=h), 200)
    assert_shape({"success": True, "data": latest}, "StyleTrainingStatusResponse")
    listed_posts = assert_ok(await c.get("/v1/style/posts", headers=h), 200)
    assert {"id", "content", "processed", "word_count", "character_count", "created_at"} <= set(
        listed_posts[0]
    )
    assert post_id in {p["id"] for p in listed_posts}
    assert_ok(await c.delete(f"/v1/style/posts/{post_id}", headers=h), 200, "MessageResponse")
    retrain = assert_ok(await c.post("/v1/style/retrain", headers=h), 202)
    assert_shape({"success": True, "data": retrain}, "StyleTrainingJobResponse")
    await api.wait_for_job(who, retrain["job_id"])

    # drafts
    generated = await c.post("/v1/drafts/generate", json={"force": True}, headers=h)
    outcome = assert_ok(generated, 201, "GenerateDraftsResponse")
    assert 3 <= outcome["drafts_generated"] <= 5
    page = assert_ok(await c.get("/v1/drafts", params={"per_page": 2}, headers=h), 200)
    assert_shape({"success": True, "data": page}, "DraftsResponse")
    assert page["per_page"] == 2 and page["page"] == 1 and len(page["data"]) == 2
    assert page["total"] == outcome["drafts_generated"]
    assert page["total_pages"] == -(-page["total"] // 2)
    draft = page["data"][0]
    assert draft["feedback_token"] is None and draft["status"] == "pending"
    one = assert_ok(await c.get(f"/v1/drafts/{draft['id']}", headers=h), 200, "DraftResponse")
    assert one == draft
    voted = await c.put(
        f"/v1/drafts/{draft['id']}/feedback",
        json={"feedback_type": "positive", "feedback_source": "dashboard", "extra": [1]},
        headers=h,
    )  # unknown fields are ignored, not refused
    assert_ok(voted, 200, "MessageResponse")
    after = assert_ok(await c.get(f"/v1/drafts/{draft['id']}", headers=h), 200)
    assert after["status"] == "approved"

    # settings and stats
    settings = assert_ok(await c.get("/v1/user/settings", headers=h), 200, "UserSettingsResponse")
    assert settings["timezone"] == "Europe/Paris"
    changed = await c.put(
        "/v1/user/settings",
        json={"timezone": "Asia/Tokyo", "delivery_time": "07:30", "email_notifications": False},
        headers=h,
    )
    settings = assert_ok(changed, 200, "UserSettingsResponse")
    assert settings["delivery_time"] == "07:30:00" and settings["email_notifications"] is False
    stats = assert_ok(await c.get("/v1/dashboard/stats", headers=h), 200, "DashboardStatsResponse")
    assert stats["total_drafts"] == stats["drafts_this_week"] == outcome["drafts_generated"]
    assert stats["positive_feedback"] == 1 and stats["active_sources"] == 3

    # sign out, then the same token is refused
    assert_ok(await c.post("/v1/auth/logout", headers=h), 200, "MessageResponse")
    assert_error(await c.get("/v1/sources", headers=h), 401, "authentication_error")

    # a source can go, and the account can go with everything in it
    h = (await api.creator("other@example.com")).headers
    extra = (await api.add_sample_sources(Creator("", "", h["Authorization"][7:])))[0]
    assert_ok(await c.delete(f"/v1/sources/{extra['id']}", headers=h), 200, "MessageResponse")
    assert_error(await c.get(f"/v1/sources/{extra['id']}/status", headers=h), 404)
    assert_ok(await c.delete("/v1/me", headers=h), 200, "MessageResponse")
    assert_error(await c.get("/v1/me", headers=h), 401)
    assert_error(await api.login("other@example.com"), 401)


async def test_password_reset_by_api_and_by_page(api: Api) -> None:
    await api.creator("maya@example.com")
    c = api.client
    assert_ok(await c.post("/v1/auth/reset-password", json={"email": "maya@example.com"}), 200)
    token = api.token_of("password_reset", "maya@example.com", "/reset-password")
    page = await c.get("/reset-password", params={"token": token})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'name="password"' in page.text and token in page.text
    short = await c.post("/v1/auth/reset-password/confirm", json={"token": token, "password": "x"})
    assert_error(short, 422, "validation_error")
    confirmed = await c.post(
        "/v1/auth/reset-password/confirm", json={"token": token, "password": "a brand new secret"}
    )
    assert_ok(confirmed, 200, "MessageResponse")
    assert_error(await api.login("maya@example.com"), 401)
    assert_ok(await api.login("maya@example.com", "a brand new secret"), 200, "AuthResponse")
    reused = await c.post(
        "/v1/auth/reset-password/confirm", json={"token": token, "password": "another secret!"}
    )
    assert reused.status_code in (404, 422) and reused.json()["success"] is False

    # the page form does the same with a fresh link
    await c.post("/v1/auth/reset-password", json={"email": "maya@example.com"})
    token = api.token_of("password_reset", "maya@example.com", "/reset-password")
    done = await c.post("/reset-password", data={"token": token, "password": "third secret here"})
    assert done.status_code == 200 and "Password changed" in done.text
    assert_ok(await api.login("maya@example.com", "third secret here"), 200)
    again = await c.post("/reset-password", data={"token": token, "password": "fourth secret!!"})
    assert again.status_code in (404, 422) and "did not work" in again.text


async def test_pages_behind_email_links(api: Api) -> None:
    c = api.client
    await api.register("maya@example.com")
    token = api.token_of("verification", "maya@example.com", "/verify-email")
    shown = await c.get("/verify-email", params={"token": token})
    assert shown.status_code == 200 and "text/html" in shown.headers["content-type"]
    assert '<form method="post" action="/verify-email">' in shown.text and "<button>" in shown.text
    assert_error(await api.login("maya@example.com"), 401)  # GET verified nothing
    confirmed = await c.post("/verify-email", data={"token": token})
    assert confirmed.status_code == 200 and "maya@example.com is verified" in confirmed.text
    assert_ok(await api.login("maya@example.com"), 200)
    stale = await c.post("/verify-email", data={"token": token})
    assert stale.status_code == 422 and "did not work" in stale.text
    assert_error(await c.get("/v1/auth/verify-email", params={"token": token}), 422)
    assert_error(await c.get("/v1/auth/verify-email"), 422)

    hostile = await c.get("/verify-email", params={"token": '"><script>alert(1)</script>'})
    assert "<script>" not in hostile.text and "&lt;script&gt;" in hostile.text
    assert "default-src 'none'" in hostile.headers["content-security-policy"]

    unknown = await c.get("/feedback/no-such-token/positive")
    assert (
        unknown.status_code == 200 and 'action="/feedback/no-such-token/positive"' in unknown.text
    )
    assert (await c.post("/feedback/no-such-token/positive")).status_code == 404
    assert (await c.get("/unsubscribe/no-such-token")).status_code == 200
    one_click = await c.post(
        "/unsubscribe/no-such-token",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 404


async def test_unsubscribe_link_get_shows_a_page_and_one_click_post_unsubscribes(api: Api) -> None:
    who = await api.creator_with_drafts("maya@example.com")
    await api.send_daily_email(who)
    [message] = api.emails("daily_drafts", who.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    path = link.removeprefix(api.settings.base_url)
    shown = await api.client.get(path)
    assert shown.status_code == 200 and f'action="{path}"' in shown.text
    settings = assert_ok(await api.client.get("/v1/user/settings", headers=who.headers), 200)
    assert settings["email_notifications"] is True, "a GET (a mail scanner) changes nothing"
    done = await api.client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # what a mail client sends for RFC 8058 one-click
    assert done.status_code == 200 and "unsubscribed" in done.text
    settings = assert_ok(await api.client.get("/v1/user/settings", headers=who.headers), 200)
    assert settings["email_notifications"] is False
    assert settings.get("mail_paused")
    again = await api.client.post(path, content=b"List-Unsubscribe=One-Click")
    assert again.status_code in (200, 404)


async def test_health_metrics_and_schema(api: Api) -> None:
    c = api.client
    live = await c.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = await c.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["database"] is True
    metrics = await c.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert "creatorpulse_http_requests_total" in metrics.text
    assert 'route="/health/live"' in metrics.text
    docs = await c.get("/schema")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    document = (await c.get("/schema/openapi.json")).json()
    paths = set(document["paths"])
    contract = {
        "/v1/auth/login", "/v1/auth/register", "/v1/auth/logout", "/v1/auth/reset-password",
        "/v1/auth/verify-email", "/v1/sources", "/v1/sources/{source_id}",
        "/v1/sources/{source_id}/status", "/v1/style/posts/add", "/v1/style/upload",
        "/v1/style/status", "/v1/style/retrain", "/v1/drafts", "/v1/drafts/generate",
        "/v1/drafts/{draft_id}", "/v1/drafts/{draft_id}/feedback", "/v1/user/settings",
        "/v1/dashboard/stats", "/v1/feedback/{token}", "/v1/auth/reset-password/confirm",
        "/v1/me", "/v1/style/posts", "/v1/style/posts/{post_id}",
    }  # fmt: skip
    assert contract <= paths, contract - paths
    assert document["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


async def test_metrics_ask_for_the_scrapers_token_when_one_is_set(make_api: MakeApi) -> None:
    api = await make_api(CREATORPULSE_METRICS_TOKEN="scrape-" + "m" * 20)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-" + "m" * 20}):
        assert_error(await api.client.get("/metrics", headers=headers), 401, "authentication_error")
    allowed = await api.client.get(
        "/metrics", headers={"Authorization": "Bearer scrape-" + "m" * 20}
    )
    assert allowed.status_code == 200 and "creatorpulse_http_requests_total" in allowed.text
    live = await api.client.get("/health/live")  # health stays open for the load balancer
    assert live.status_code == 200


# --- failures: the contract's status table ------------------------------------------------------
async def test_every_private_endpoint_answers_401_without_a_valid_token(api: Api) -> None:
    bad = ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"},
           {"Authorization": "Bearer not.a.jwt"})  # fmt: skip
    for method, path, body in AUTH_FAILURES:
        for headers in bad:
            answer = await api.client.request(method, path, json=body, headers=headers)
            assert_error(answer, 401, "authentication_error")


@pytest.fixture
async def maya(api: Api) -> Creator:
    who = await api.creator("maya@example.com")
    await api.add_sample_sources(who)
    return who


BAD_INPUT: list[tuple[str, str, Any]] = [
    # malformed JSON, wrong types, missing fields, bad enum values: 422, never 400
    ("POST", "/v1/auth/register", b"{not json"),
    ("POST", "/v1/auth/register", {"email": 42, "password": PASSWORD}),
    ("POST", "/v1/auth/register", {"password": PASSWORD}),
    ("POST", "/v1/auth/register", {"email": "not-an-email", "password": PASSWORD}),
    ("POST", "/v1/auth/register", {"email": "new@example.com", "password": "short"}),
    ("POST", "/v1/auth/register", {"email": "new@example.com", "password": "p" * 129}),
    ("POST", "/v1/auth/register", {"email": "new@example.com", "password": PASSWORD,
                                   "timezone": "Mars/Olympus"}),
    ("POST", "/v1/auth/register", [1, 2, 3]),
    ("POST", "/v1/auth/login", {"email": "maya@example.com"}),
    ("POST", "/v1/auth/login", b""),
    ("POST", "/v1/auth/reset-password", {"email": None}),
    ("POST", "/v1/auth/reset-password/confirm", {"token": "x"}),
    ("POST", "/v1/sources", {"type": "atom", "url": "https://example.com/f", "name": "x"}),
    ("POST", "/v1/sources", {"type": "rss", "url": "not a url", "name": "x"}),
    ("POST", "/v1/sources", {"type": "rss", "url": "https://example.com/f"}),
    ("POST", "/v1/sources", {"type": "rss", "url": "https://nowhere.example/f", "name": "x"}),
    ("POST", "/v1/sources", {"type": "rss", "url": "https://example.com/f", "name": ""}),
    ("POST", "/v1/sources", {"type": "twitter", "url": "@someone", "name": "x"}),
    ("PUT", "/v1/sources/{source}", {"active": "yes"}),
    ("PUT", "/v1/sources/{source}", {"name": ""}),
    ("POST", "/v1/style/posts/add", {"content": "too short"}),
    ("POST", "/v1/style/posts/add", {"content": 12}),
    ("POST", "/v1/style/upload", {"posts": []}),
    ("POST", "/v1/style/upload", {"posts": [POST_TEXT] * 101}),
    ("POST", "/v1/style/upload", {"posts": "one post"}),
    ("GET", "/v1/style/status?job_id=not-a-uuid", None),
    ("GET", "/v1/drafts?per_page=0", None),
    ("GET", "/v1/drafts?per_page=51", None),
    ("GET", "/v1/drafts?page=0", None),
    ("GET", "/v1/drafts?page=abc", None),
    ("POST", "/v1/drafts/generate", {"force": "please"}),
    ("POST", "/v1/drafts/generate", {"force": True}),  # insufficient style training
    ("PUT", f"/v1/drafts/{RANDOM}/feedback", {"feedback_type": "meh"}),
    ("PUT", f"/v1/drafts/{RANDOM}/feedback", {}),
    ("PUT", "/v1/user/settings", {"timezone": "Nowhere/City"}),
    ("PUT", "/v1/user/settings", {"delivery_time": "25:00:00"}),
    ("PUT", "/v1/user/settings", {"delivery_time": "03:00:00"}),
    ("PUT", "/v1/user/settings", {"email_notifications": "maybe"}),
    ("POST", "/v1/feedback/some-token", {"feedback_type": "meh"}),
    ("POST", "/v1/feedback/some-token", b"[]"),
]  # fmt: skip


async def test_bad_input_is_422_with_the_failing_fields(api: Api, maya: Creator) -> None:
    sources = assert_ok(await api.client.get("/v1/sources", headers=maya.headers), 200)
    headers = {**maya.headers, "Content-Type": "application/json"}
    wrong = []
    for method, template, body in BAD_INPUT:
        path = template.replace("{source}", sources[0]["id"])
        kwargs: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
        answer = await api.client.request(method, path, headers=headers, **kwargs)
        try:
            error = assert_error(answer, 422, "validation_error")
            assert error["details"] is not None
        except AssertionError as failure:
            wrong.append(f"{method} {path} {body!r:.60}: {failure}")
    assert not wrong, "\n".join(wrong)


NOT_FOUND = [
    ("GET", "/v1/drafts/not-a-uuid", None),
    ("GET", f"/v1/drafts/{RANDOM}", None),
    ("PUT", "/v1/drafts/123/feedback", {"feedback_type": "positive"}),
    ("PUT", f"/v1/drafts/{RANDOM}/feedback", {"feedback_type": "positive"}),
    ("PUT", "/v1/sources/not-a-uuid", {"name": "x"}),
    ("PUT", f"/v1/sources/{RANDOM}", {"name": "x"}),
    ("DELETE", f"/v1/sources/{RANDOM}", None),
    ("GET", "/v1/sources/zzz/status", None),
    ("GET", f"/v1/sources/{RANDOM}/status", None),
    ("DELETE", "/v1/style/posts/not-a-uuid", None),
    ("DELETE", f"/v1/style/posts/{RANDOM}", None),
    ("GET", f"/v1/style/status?job_id={RANDOM}", None),
    ("POST", "/v1/feedback/unknown-token", {"feedback_type": "positive"}),
    ("POST", "/v1/feedback/unknown-token/negative?source=email", None),
    ("GET", "/v1/nothing-here", None),
]


async def test_missing_resources_and_bad_ids_are_404(api: Api, maya: Creator) -> None:
    wrong = []
    for method, path, body in NOT_FOUND:
        answer = await api.client.request(method, path, json=body, headers=maya.headers)
        try:
            assert_error(answer, 404, "not_found")
        except AssertionError as failure:
            wrong.append(f"{method} {path}: {failure}")
    assert not wrong, "\n".join(wrong)


async def test_registering_an_existing_address_in_any_case_is_409(api: Api) -> None:
    await api.register("maya@example.com")
    for address in ("maya@example.com", "MAYA@EXAMPLE.COM", " Maya@Example.com "):
        answer = await api.client.post(
            "/v1/auth/register", json={"email": address, "password": PASSWORD}
        )
        assert_error(answer, 409, "conflict")


async def test_a_21st_source_is_422(api: Api, maya: Creator) -> None:
    document = sample_documents()[1][api.feeds[0].url]
    for n in range(17):  # maya follows the 3 sample feeds already
        url = f"https://feeds.example.com/copy-{n}.xml"
        api.fetcher.publish(url, document)
        answer = await api.client.post(
            "/v1/sources", json={"type": "rss", "url": url, "name": f"copy {n}"},
            headers=maya.headers,
        )  # fmt: skip
        assert_ok(answer, 201)
    api.fetcher.publish("https://feeds.example.com/one-too-many.xml", document)
    answer = await api.client.post(
        "/v1/sources",
        json={"type": "rss", "url": "https://feeds.example.com/one-too-many.xml", "name": "21"},
        headers=maya.headers,
    )
    assert_error(answer, 422, "validation_error")


async def test_wrong_method_and_huge_bodies_are_never_400_or_403(api: Api, maya: Creator) -> None:
    c = api.client
    wrong = await c.patch("/v1/sources", json={}, headers=maya.headers)
    assert wrong.status_code in (404, 405) and wrong.json()["success"] is False
    huge = await c.post(
        "/v1/style/upload", content=b'{"posts": ["' + b"a" * (3 * 1024 * 1024) + b'"]}',
        headers={**maya.headers, "Content-Type": "application/json"},
    )  # fmt: skip
    assert huge.status_code in (413, 422) and huge.json()["success"] is False
    form = await c.post(
        "/v1/auth/login", content=b"email=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert form.status_code not in (400, 403) and form.json()["success"] is False
