"""The rendered emails: every draft and link present, outside text escaped exactly once."""

from __future__ import annotations

import html
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest

from creatorpulse.adapters.mail.render import RenderedEmail, render
from creatorpulse.domain.model.emails import (
    DailyDraftsEmail,
    DraftInEmail,
    PasswordResetEmail,
    SourceDisabledEmail,
    VerificationEmail,
)

BASE = "https://app.example.com"
HOSTILE = (
    'Hot take: <script>alert(1)</script> & "quotes" aren\'t safe 🚀\n'
    "Second line with <b>bold</b> & more\n\nThird paragraph ✅"
)
CONTENTS = [
    "Shipping small is a habit, not a phase.\nHere is what I learned this week.",
    HOSTILE,
    "Three things about AI agents nobody tells you: 1) 2) 3) — thread 🧵",
    "Plain ASCII post about R&D budgets at 50% + growth / year?",
]


def sample_daily() -> DailyDraftsEmail:
    drafts = [
        DraftInEmail(
            draft_id=UUID(int=i + 1),
            content=content,
            source_name=[None, "Ben's <Bites> & Co", "Import AI", "Stratechery"][i],
            source_url=[
                None,
                "https://bensbites.example/post?a=1&b=2",
                "javascript:alert(1)",
                "https://stratechery.example/2025/x",
            ][i],
            engagement_score=[8.4, 7.0, 9.25, 6.0][i],
            approve_url=f'{BASE}/feedback/tok{i}&x="1"/positive',
            reject_url=f"{BASE}/feedback/tok{i}/negative",
        )
        for i, content in enumerate(CONTENTS)
    ]
    return DailyDraftsEmail(
        to="creator@example.com",
        local_date=date(2025, 11, 25),
        drafts=drafts,
        unsubscribe_url=f"{BASE}/unsubscribe/unsub-token",
        settings_url=f"{BASE}/settings",
    )


class _Hrefs(HTMLParser):
    """The browser's view of the links: attribute values unescaped, as a click would use them."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]


def hrefs_of(rendered: RenderedEmail) -> _Hrefs:
    parser = _Hrefs()
    parser.feed(rendered.html)
    parser.close()
    return parser


@pytest.fixture
def daily() -> RenderedEmail:
    return render(sample_daily())


def test_subject_counts_drafts_and_names_the_local_day(daily: RenderedEmail) -> None:
    assert daily.subject == "Your 4 LinkedIn drafts for Tue 25 Nov"


def test_every_draft_appears_escaped_once_in_html_and_verbatim_in_text(
    daily: RenderedEmail,
) -> None:
    for content in CONTENTS:
        assert content in daily.text
        escaped = "<br>".join(html.escape(line, quote=True) for line in content.split("\n"))
        assert escaped in daily.html
    assert "&amp;amp;" not in daily.html
    assert "&amp;quot;" not in daily.html


def test_no_script_smuggled_into_html(daily: RenderedEmail) -> None:
    assert "<script" not in daily.html.lower()
    assert "<b>bold" not in daily.html
    parsed = hrefs_of(daily)
    assert parsed.scripts == 0
    assert not any(href.lower().startswith("javascript:") for href in parsed.hrefs)


def test_feedback_links_are_hrefs_in_html_and_present_in_text(daily: RenderedEmail) -> None:
    hrefs = hrefs_of(daily).hrefs
    for draft in sample_daily().drafts:
        assert draft.approve_url in hrefs
        assert draft.reject_url in hrefs
        assert f"👍 Use this: {draft.approve_url}" in daily.text
        assert f"👎 Not for me: {draft.reject_url}" in daily.text
    assert "👍 Use this" in daily.html and "👎 Not for me" in daily.html


def test_sources_are_linked_only_when_their_url_is_a_web_address(daily: RenderedEmail) -> None:
    hrefs = hrefs_of(daily).hrefs
    assert "https://bensbites.example/post?a=1&b=2" in hrefs
    assert "https://stratechery.example/2025/x" in hrefs
    assert html.escape("Ben's <Bites> & Co") in daily.html
    assert "Import AI" in daily.html
    assert "javascript:alert(1)" not in daily.text


def test_scores_shown_out_of_ten(daily: RenderedEmail) -> None:
    for score in ("8.4/10", "7.0/10", "9.2/10", "6.0/10"):
        assert score in daily.html
        assert score in daily.text


def test_linkedin_links_decode_back_to_each_draft(daily: RenderedEmail) -> None:
    shares = [h for h in hrefs_of(daily).hrefs if h.startswith("https://www.linkedin.com/feed/")]
    assert len(shares) == len(CONTENTS)
    for share, content in zip(shares, CONTENTS, strict=True):
        query = parse_qs(urlsplit(share).query, keep_blank_values=True)
        assert query["shareActive"] == ["true"]
        assert query["text"] == [content]
        assert f"Open in LinkedIn: {share}" in daily.text


def test_one_click_unsubscribe_headers_and_footer_links(daily: RenderedEmail) -> None:
    assert daily.headers == {
        "List-Unsubscribe": f"<{BASE}/unsubscribe/unsub-token>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    hrefs = hrefs_of(daily).hrefs
    assert f"{BASE}/unsubscribe/unsub-token" in hrefs
    assert f"{BASE}/settings" in hrefs
    assert f"{BASE}/unsubscribe/unsub-token" in daily.text
    assert f"{BASE}/settings" in daily.text


def test_html_is_a_600px_table_layout_that_declares_dark_mode(daily: RenderedEmail) -> None:
    assert "max-width:600px" in daily.html
    assert 'role="presentation"' in daily.html
    assert 'name="color-scheme" content="light dark"' in daily.html


def test_single_draft_subject_is_singular() -> None:
    one = sample_daily()
    rendered = render(
        DailyDraftsEmail(
            to=one.to,
            local_date=date(2026, 3, 1),
            drafts=one.drafts[:1],
            unsubscribe_url=one.unsubscribe_url,
            settings_url=one.settings_url,
        )
    )
    assert rendered.subject == "Your 1 LinkedIn draft for Sun 1 Mar"


@pytest.mark.parametrize(
    ("message", "url", "subject"),
    [
        (
            VerificationEmail(to="a@example.com", verify_url=f"{BASE}/verify/t?a=1&b=2"),
            f"{BASE}/verify/t?a=1&b=2",
            "Confirm your email address",
        ),
        (
            PasswordResetEmail(to="a@example.com", reset_url=f"{BASE}/reset/t"),
            f"{BASE}/reset/t",
            "Reset your CreatorPulse password",
        ),
        (
            SourceDisabledEmail(
                to="a@example.com",
                source_name="Feed <img src=x onerror=alert(1)>\nBcc: x@evil.example",
                source_url="https://feed.example/rss",
                last_error="HTTP 404 <not found>",
                settings_url=f"{BASE}/sources",
            ),
            f"{BASE}/sources",
            "We paused your source Feed <img src=x onerror=alert(1)> Bcc: x@evil.example",
        ),
    ],
)
def test_account_emails_carry_their_link_and_escape_outside_text(
    message: VerificationEmail | PasswordResetEmail | SourceDisabledEmail, url: str, subject: str
) -> None:
    rendered = render(message)
    assert rendered.subject == subject
    assert "\n" not in rendered.subject
    assert url in hrefs_of(rendered).hrefs
    assert url in rendered.text
    assert "<img" not in rendered.html
    assert "<not found>" not in rendered.html
    assert rendered.headers == {}
    assert "max-width:600px" in rendered.html
