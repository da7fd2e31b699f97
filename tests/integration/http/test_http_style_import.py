"""Issue 8's creator path through the API: import a LinkedIn export, read the profile, and see
why each draft says what it says, before and after voting."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from http_contract import assert_ok
from http_support import Api

from creatorpulse.entrypoints.demo import sample_voices


def linkedin_export(posts: list[str]) -> bytes:
    """A data-export archive as LinkedIn builds it: Shares.csv among other files."""
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
    for n, text in enumerate(posts):
        writer.writerow([f"2025-01-{n + 1:02d} 09:00:00", "https://www.linkedin.com/feed/update/x",
                         text, "", "", "MEMBER_NETWORK"])  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Profile.csv", "First Name,Last Name\nMaya,Example\n")
        archive.writestr("Shares.csv", table.getvalue())
    return out.getvalue()


async def _explanation(api: Api, headers: dict[str, str], draft_id: str) -> dict[str, Any]:
    answer = await api.client.get(f"/v1/drafts/{draft_id}/explanation", headers=headers)
    found: dict[str, Any] = assert_ok(answer, 200)
    return found


async def test_import_profile_drafts_explained_and_what_votes_changed(api: Api) -> None:
    who = await api.creator("maya@example.com")
    h = who.headers
    await api.add_sample_sources(who)
    posts = sample_voices()["maya"].posts

    imported = await api.client.post(
        "/v1/style/import", headers=h,
        files={"file": ("Basic_LinkedInDataExport.zip", linkedin_export([*posts, posts[0], "Hi."]),
                        "application/zip")},
    )  # fmt: skip
    report = assert_ok(imported, 202)
    assert (report["found"], report["added"], report["duplicates"]) == (
        len(posts) + 2,
        len(posts),
        1,
    )
    assert [r["field"] for r in report["rejected"]] and report["job_id"]
    await api.wait_for_job(who, report["job_id"])

    profile = assert_ok(await api.client.get("/v1/style/profile", headers=h), 200)
    assert profile["measures"]["posts"] == len(posts)
    assert any("emoji" in line for line in profile["voice"])

    assert await api.generate(who) >= 3
    drafts = assert_ok(await api.client.get("/v1/drafts", headers=h), 200)["data"]
    first = await _explanation(api, h, drafts[0]["id"])
    meta, summary = first["metadata"], first["summary"]
    assert meta["source_url"] and meta["style_examples"] and meta["score"]["features"]
    assert meta["parameters"]["form"] == "one-line provocation"  # maya writes one-liners
    assert summary[0].startswith(f"Written about an item from {drafts[0]['source_name']}")
    assert any("of your posts as examples" in line for line in summary)
    assert any(line.startswith("Engagement score") for line in summary)
    assert "No votes yet" in summary[-1]

    for draft, vote in zip(drafts, ["positive", "negative", "positive"], strict=False):
        answer = await api.client.put(
            f"/v1/drafts/{draft['id']}/feedback", headers=h,
            json={"feedback_type": vote, "feedback_source": "dashboard"},
        )  # fmt: skip
        assert_ok(answer, 200)
    learned = assert_ok(await api.client.get("/v1/style/profile", headers=h), 200)
    assert learned["preferences"]["votes"] == 3 and learned["learned"] != profile["learned"]

    assert await api.generate(who) >= 1
    listed = assert_ok(await api.client.get("/v1/drafts?per_page=50", headers=h), 200)["data"]
    newest = [d for d in listed if d["id"] not in {old["id"] for old in drafts}]
    after = await _explanation(api, h, newest[0]["id"])
    assert after["metadata"]["preferences"]["votes"] == 3
    assert after["metadata"]["liked_examples"]
    assert "after 3 votes" in after["summary"][-1]
    assert any("drafts you liked" in line for line in after["summary"])

    other = await api.creator("tom@example.com")
    hidden = await api.client.get(
        f"/v1/drafts/{drafts[0]['id']}/explanation", headers=other.headers
    )
    assert hidden.status_code == 404
