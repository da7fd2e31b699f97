"""Issue 4's "done when", as one creator's day through the HTTP API on embedded PostgreSQL."""

from __future__ import annotations

from http_contract import assert_ok, assert_shape
from http_support import PASSWORD, Creator, MakeApi

from creatorpulse.entrypoints.demo import sample_voices


async def test_a_creators_day_through_the_api_on_postgres(make_api: MakeApi, pg_clean: str) -> None:
    api = await make_api(CREATORPULSE_STORAGE="postgres", DATABASE_URL=pg_clean)
    c = api.client
    ready = (await c.get("/health/ready")).json()
    assert ready == {"status": "ok", "database": True, "queue": True}

    # register, then the verification email's link: GET shows a button, POST verifies
    registered = await c.post(
        "/v1/auth/register",
        json={"email": "Maya@Example.com", "password": PASSWORD, "timezone": "Europe/London"},
    )
    assert_ok(registered, 201, "AuthResponse")
    [link] = [u for u in api.links("verification", "maya@example.com") if "/verify-email" in u]
    assert link.startswith(api.settings.base_url + "/verify-email?token=")
    page = await c.get(link.removeprefix(api.settings.base_url))
    assert page.status_code == 200 and "<button>Verify my email</button>" in page.text
    token = api.token_of("verification", "maya@example.com", "/verify-email")
    verified = await c.post("/verify-email", data={"token": token})
    assert verified.status_code == 200 and "is verified" in verified.text

    # sign in
    signed_in = assert_ok(await api.login("maya@example.com"), 200, "AuthResponse")
    who = Creator(signed_in["user"]["email"], signed_in["user"]["id"], signed_in["token"])
    h = who.headers

    # a source (the sample feeds, served by the static fetcher)
    feed = api.feeds[0]
    source = await c.post(
        "/v1/sources", json={"type": "rss", "url": feed.url, "name": feed.name}, headers=h
    )
    assert_ok(source, 201, "SourceResponse")
    for other in api.feeds[1:]:
        await c.post(
            "/v1/sources", json={"type": "rss", "url": other.url, "name": other.name}, headers=h
        )

    # 10+ style posts, then poll the job until it completes
    posts = sample_voices()["maya"].posts
    assert len(posts) >= 10
    upload = assert_ok(await c.post("/v1/style/upload", json={"posts": posts}, headers=h), 202)
    status = await api.wait_for_job(who, upload["job_id"])
    assert status["processed_posts"] == status["total_posts"] >= 10
    listed = assert_ok(await c.get("/v1/style/posts", headers=h), 200)
    assert len(listed) >= 10 and all(p["processed"] for p in listed)

    # generate and list
    generated = assert_ok(await c.post("/v1/drafts/generate", headers=h), 201)
    assert 3 <= generated["drafts_generated"] <= 5
    page_1 = assert_ok(await c.get("/v1/drafts?per_page=10", headers=h), 200, "DraftsResponse")
    drafts = page_1["data"]
    assert len(drafts) == page_1["total"] == generated["drafts_generated"]
    assert all(d["status"] == "pending" and d["feedback_token"] is None for d in drafts)

    # vote on the dashboard
    first = drafts[0]["id"]
    voted = await c.put(
        f"/v1/drafts/{first}/feedback",
        json={"feedback_type": "positive", "feedback_source": "dashboard"}, headers=h,
    )  # fmt: skip
    assert_ok(voted, 200)
    assert assert_ok(await c.get(f"/v1/drafts/{first}", headers=h), 200)["status"] == "approved"

    # the daily email, and a vote through its link (page first, then its button)
    await api.send_daily_email(who)
    negatives = [
        u.removeprefix(api.settings.base_url)
        for u in api.links("daily_drafts", "maya@example.com")
        if u.endswith("/negative")
    ]
    assert negatives
    shown = await c.get(negatives[0])
    assert shown.status_code == 200 and "<form" in shown.text
    recorded = await c.post(negatives[0])
    assert recorded.status_code == 200 and "rejected" in recorded.text
    after = assert_ok(await c.get("/v1/drafts?per_page=10", headers=h), 200)["data"]
    statuses = sorted(d["status"] for d in after)
    assert statuses.count("rejected") >= 1
    assert all(d["email_sent_at"] for d in after)
    stats = assert_ok(await c.get("/v1/dashboard/stats", headers=h), 200)
    assert_shape({"success": True, "data": stats}, "DashboardStatsResponse")
    assert stats["positive_feedback"] + stats["negative_feedback"] in (1, 2)
    assert stats["active_sources"] == 3
