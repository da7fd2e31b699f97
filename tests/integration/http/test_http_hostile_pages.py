"""The pages behind email links, given hostile tokens in their query strings and paths: never a
5xx, and every reflected value comes back as the same text inside its attribute (escaped, so
no markup of ours is broken and none of theirs runs) — form actions percent-encoded too."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

from http_support import Api

HOSTILE = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "' autofocus onfocus='alert(1)",
    "javascript:alert(1)",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "'; DROP TABLE users; --",
    "a?b=c#frag&amp;",
    "../../v1/me",
    "nul\x00byte",
    "rtl\u202eltr zero\u200bwidth 👩\u200d👩\u200d👧",
    "\ud7ff\ue000\ufffd",
    "x" * 5000,
]


class Page(HTMLParser):
    """The tags a browser would build from the page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _page(answer: object) -> Page:
    status, text = answer.status_code, answer.text  # type: ignore[attr-defined]
    assert status < 500, f"{status}: {text[:300]}"
    page = Page(text)
    assert not page.all("script") and not page.all("svg") and not page.all("img"), text[:500]
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
    return page


async def test_email_link_pages_escape_what_they_reflect(api: Api) -> None:
    for value in HOSTILE:
        await _visit(api, value)


async def _visit(api: Api, value: str) -> None:
    c = api.client
    for path in ("/verify-email", "/reset-password"):
        page = _page(await c.get(path, params={"token": value}))
        hidden = [i["value"] for i in page.all("input") if i.get("name") == "token"]
        assert hidden == [value], (path, hidden)

    token, vote = quote(value, safe=""), "positive"
    for where in (f"/feedback/{token}/{vote}", f"/feedback/abc/{token}", f"/unsubscribe/{token}"):
        answer = await c.get(where)
        if answer.status_code == 404:  # a path that no longer names the route: not ours to show
            continue
        actions = [f["action"] for f in _page(answer).all("form")]
        assert actions == [where], (where, actions)
        _page(await c.post(where))

    _page(await c.post("/verify-email", data={"token": value}))
    _page(await c.post("/reset-password", data={"token": value, "password": value}))
