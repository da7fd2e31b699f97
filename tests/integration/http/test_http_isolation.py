"""A creator aiming any resource route at another creator's real ids gets 404 (never 403, never
the data), and the owner's rows are unchanged afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from http_contract import assert_error, assert_ok
from http_support import Api, Creator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@dataclass
class World:
    api: Api
    owner: Creator
    intruder: Creator
    ids: dict[str, str]  # the owner's: source, post, draft, job


@pytest.fixture
async def world(api: Api) -> World:
    owner = await api.creator_with_drafts("owner@example.com")
    intruder = await api.creator("intruder@example.com")
    h = owner.headers
    source = assert_ok(await api.client.get("/v1/sources", headers=h), 200)[0]["id"]
    post = assert_ok(await api.client.get("/v1/style/posts", headers=h), 200)[0]["id"]
    draft = assert_ok(await api.client.get("/v1/drafts", headers=h), 200)["data"][0]["id"]
    job = assert_ok(await api.client.post("/v1/style/retrain", headers=h), 202)["job_id"]
    await api.wait_for_job(owner, job)
    return World(api, owner, intruder, {"source": source, "post": post, "draft": draft, "job": job})


ROUTES: list[tuple[str, str, str, Any]] = [
    ("PUT", "/v1/sources/{id}", "source", {"name": "mine now", "active": False}),
    ("DELETE", "/v1/sources/{id}", "source", None),
    ("GET", "/v1/sources/{id}/status", "source", None),
    ("DELETE", "/v1/style/posts/{id}", "post", None),
    ("GET", "/v1/drafts/{id}", "draft", None),
    ("PUT", "/v1/drafts/{id}/feedback", "draft", {"feedback_type": "negative"}),
    ("GET", "/v1/style/status?job_id={id}", "job", None),
]


async def _owner_view(w: World) -> Any:
    h, c = w.owner.headers, w.api.client
    return (
        assert_ok(await c.get("/v1/sources", headers=h), 200),
        assert_ok(await c.get("/v1/style/posts", headers=h), 200),
        assert_ok(await c.get("/v1/drafts?per_page=50", headers=h), 200),
        assert_ok(await c.get(f"/v1/style/status?job_id={w.ids['job']}", headers=h), 200),
    )


@settings(
    max_examples=30, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(
    route=st.sampled_from(ROUTES),
    extra_fields=st.dictionaries(st.sampled_from(["user_id", "id", "feedback_source"]),
                                 st.sampled_from(["x", 1, None])),
)  # fmt: skip
async def test_every_resource_route_answers_404_for_another_users_ids(
    world: World, route: tuple[str, str, str, Any], extra_fields: dict[str, Any]
) -> None:
    method, template, kind, body = route
    before = await _owner_view(world)
    path = template.replace("{id}", world.ids[kind])
    if body is not None:
        body = {**body, **extra_fields}
    answer = await world.api.client.request(method, path, json=body, headers=world.intruder.headers)
    assert_error(answer, 404, "not_found")
    assert await _owner_view(world) == before


async def test_the_owner_still_reaches_every_route(world: World) -> None:
    """The ids are real: the same requests from their owner succeed."""
    for method, template, kind, body in ROUTES:
        if method == "DELETE":
            continue
        path = template.replace("{id}", world.ids[kind])
        answer = await world.api.client.request(
            method, path, json=body, headers=world.owner.headers
        )
        assert_ok(answer, 200)
