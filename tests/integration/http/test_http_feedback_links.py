"""The 👍/👎 links of the daily email (PRODUCT decision 10): GET and HEAD only show a page, a POST
records the vote, a later vote replaces the earlier one (one feedback row per draft)."""

from __future__ import annotations

from typing import Any

from http_contract import assert_error, assert_ok
from http_support import Api, Creator


async def _draft_links(api: Api, who: Creator) -> dict[str, dict[str, str]]:
    """{draft token: {"positive": path, "negative": path}} from the daily email in the outbox."""
    await api.send_daily_email(who)
    links: dict[str, dict[str, str]] = {}
    for link in api.links("daily_drafts", who.email):
        path = link.removeprefix(api.settings.base_url)
        if path.startswith("/feedback/"):
            _, _, token, vote = path.split("/")
            links.setdefault(token, {})[vote] = path
    return links


async def _statuses(api: Api, who: Creator) -> dict[str, int]:
    page = assert_ok(await api.client.get("/v1/drafts?per_page=50", headers=who.headers), 200)
    counts: dict[str, int] = {}
    for draft in page["data"]:
        counts[draft["status"]] = counts.get(draft["status"], 0) + 1
    return counts


async def _votes(api: Api, who: Creator) -> dict[str, Any]:
    stats = assert_ok(await api.client.get("/v1/dashboard/stats", headers=who.headers), 200)
    return {"positive": stats["positive_feedback"], "negative": stats["negative_feedback"]}


async def test_get_and_head_change_nothing_post_records_and_a_later_vote_replaces(
    api: Api,
) -> None:
    who = await api.creator_with_drafts("maya@example.com")
    links = await _draft_links(api, who)
    assert len(links) >= 3 and all(set(v) == {"positive", "negative"} for v in links.values())
    token, paths = next(iter(links.items()))
    total = sum((await _statuses(api, who)).values())

    # a mail scanner prefetching every link: nothing changes
    for path in (paths["positive"], paths["negative"]):
        for _ in range(2):
            shown = await api.client.get(path)
            assert shown.status_code == 200 and "text/html" in shown.headers["content-type"]
            assert f'<form method="post" action="{path}">' in shown.text
            head = await api.client.head(path)
            assert head.status_code in (200, 405)
    assert await _statuses(api, who) == {"pending": total}
    assert await _votes(api, who) == {"positive": 0, "negative": 0}

    # the button: one vote recorded
    voted = await api.client.post(paths["positive"])
    assert voted.status_code == 200 and "approved" in voted.text
    assert await _statuses(api, who) == {"pending": total - 1, "approved": 1}
    assert await _votes(api, who) == {"positive": 1, "negative": 0}
    again = await api.client.post(paths["positive"])  # a double click
    assert again.status_code == 200
    assert await _votes(api, who) == {"positive": 1, "negative": 0}

    # changing one's mind: the later vote replaces the earlier one
    changed = await api.client.post(paths["negative"])
    assert changed.status_code == 200 and "rejected" in changed.text
    assert await _statuses(api, who) == {"pending": total - 1, "rejected": 1}
    assert await _votes(api, who) == {"positive": 0, "negative": 1}

    # the front end's JSON forms of the same link
    second, second_paths = list(links.items())[1]
    answer = await api.client.post(f"/v1/feedback/{second}", json={"feedback_type": "positive"})
    assert_ok(answer, 200, "MessageResponse")
    answer = await api.client.post(f"/v1/feedback/{second}/negative?source=email")
    assert_ok(answer, 200, "MessageResponse")
    assert await _votes(api, who) == {"positive": 0, "negative": 2}
    assert second_paths and token != second

    # a bad vote in the path changes nothing either
    bad = await api.client.post(f"/feedback/{token}/meh")
    assert bad.status_code == 422
    assert_error(await api.client.post(f"/v1/feedback/{token}/meh"), 422, "validation_error")
    assert await _votes(api, who) == {"positive": 0, "negative": 2}


async def test_a_link_stops_working_when_its_account_is_deleted(api: Api) -> None:
    who = await api.creator_with_drafts("maya@example.com")
    links = await _draft_links(api, who)
    token = next(iter(links))
    assert_ok(await api.client.delete("/v1/me", headers=who.headers), 200)
    assert (await api.client.post(f"/feedback/{token}/positive")).status_code == 404
    answer = await api.client.post(f"/v1/feedback/{token}", json={"feedback_type": "positive"})
    assert_error(answer, 404, "not_found")
