"""Each message type becomes a subject, a plain-text body, an HTML body and its extra headers."""

from __future__ import annotations

from datetime import date
from typing import assert_never
from urllib.parse import quote, urlsplit

import msgspec

from creatorpulse.adapters.mail.layout import (
    MUTED,
    POSITIVE,
    Safe,
    button,
    card,
    esc,
    heading,
    is_web_url,
    link,
    multiline,
    page,
    paragraph,
)
from creatorpulse.domain.model.emails import (
    DailyDraftsEmail,
    DraftInEmail,
    Email,
    PasswordResetEmail,
    SourceDisabledEmail,
    VerificationEmail,
    WelcomeEmail,
)

LINKEDIN_SHARE = "https://www.linkedin.com/feed/?shareActive=true&text="
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class RenderedEmail(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str
    headers: dict[str, str] = msgspec.field(default_factory=dict)


def render(message: Email) -> RenderedEmail:
    match message:
        case DailyDraftsEmail():
            return _daily(message)
        case VerificationEmail():
            return _verification(message)
        case WelcomeEmail():
            return _welcome(message)
        case PasswordResetEmail():
            return _password_reset(message)
        case SourceDisabledEmail():
            return _source_disabled(message)
        case _:
            assert_never(message)


def linkedin_share_url(content: str) -> str:
    return LINKEDIN_SHARE + quote(content, safe="")


def one_line(text: str) -> str:
    """Header values must not break lines; outside text (a source's name) might."""
    return " ".join(text.split())


def short_date(day: date) -> str:
    """'Tue 25 Nov', whatever the process locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


# --- daily drafts -------------------------------------------------------------------------


def _daily(message: DailyDraftsEmail) -> RenderedEmail:
    count = len(message.drafts)
    noun = "draft" if count == 1 else "drafts"
    subject = f"Your {count} LinkedIn {noun} for {short_date(message.local_date)}"
    intro = "Pick the ones that sound like you: 👍 keeps a draft, 👎 teaches us what to skip."
    # Each draft's share link is quoted once (~0.2 ms) for both bodies.
    shared = [(d, linkedin_share_url(d.content)) for d in message.drafts]
    cards = "".join(_draft_html(i, count, d, share) for i, (d, share) in enumerate(shared, 1))
    body = Safe(heading(subject) + paragraph(esc(intro)) + cards)
    footer = _footer_html(message.settings_url, message.unsubscribe_url)
    texts = [subject, "", intro, ""]
    texts += [_draft_text(i, count, d, share) for i, (d, share) in enumerate(shared, 1)]
    texts.append(_footer_text(message.settings_url, message.unsubscribe_url))
    return RenderedEmail(
        subject=subject,
        text="\n".join(texts),
        html=page(title=subject, preheader=intro, body=body, footer=footer),
        headers={
            "List-Unsubscribe": f"<{message.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _source_label(draft: DraftInEmail) -> str | None:
    if draft.source_name:
        return draft.source_name
    if is_web_url(draft.source_url):
        return urlsplit(draft.source_url).hostname
    return None


def _draft_html(index: int, count: int, draft: DraftInEmail, share_url: str) -> Safe:
    meta = f"Draft {index} of {count}"
    label = _source_label(draft)
    if label is not None:
        source = link(draft.source_url, esc(label)) if is_web_url(draft.source_url) else esc(label)
        meta_html = Safe(f"{esc(meta)} · from {source}")
    else:
        meta_html = esc(meta)
    score = esc(f"Engagement score {draft.engagement_score:.1f}/10")
    actions = Safe(
        button(draft.approve_url, "👍 Use this", background=POSITIVE)
        + button(draft.reject_url, "👎 Not for me", background=MUTED, outline=True)
        + button(share_url, "Open in LinkedIn", outline=True)
    )
    content = paragraph(
        Safe(f'<span style="word-break:break-word;">{multiline(draft.content)}</span>')
    )
    return card(
        Safe(
            paragraph(Safe(f"{meta_html}<br>{score}"), muted=True, size=13)
            + content
            + f"<div>{actions}</div>"
        )
    )


def _draft_text(index: int, count: int, draft: DraftInEmail, share_url: str) -> str:
    label = _source_label(draft)
    lines = [f"--- Draft {index} of {count} ---"]
    if label is not None:
        suffix = f" ({draft.source_url})" if is_web_url(draft.source_url) else ""
        lines.append(f"From: {label}{suffix}")
    lines += [
        f"Engagement score: {draft.engagement_score:.1f}/10",
        "",
        draft.content,
        "",
        f"👍 Use this: {draft.approve_url}",
        f"👎 Not for me: {draft.reject_url}",
        f"Open in LinkedIn: {share_url}",
        "",
    ]
    return "\n".join(lines)


def _footer_html(settings_url: str, unsubscribe_url: str) -> Safe:
    links = Safe(
        f"{link(settings_url, esc('Email settings'))} · "
        f"{link(unsubscribe_url, esc('Unsubscribe from daily drafts'))}"
    )
    why = esc("You get this email because daily drafts are switched on for your account.")
    return paragraph(Safe(f"{why}<br>{links}"), muted=True, size=12)


def _footer_text(settings_url: str, unsubscribe_url: str) -> str:
    return (
        "--\nYou get this email because daily drafts are switched on for your account.\n"
        f"Email settings: {settings_url}\n"
        f"Unsubscribe from daily drafts: {unsubscribe_url}\n"
    )


# --- account and notifications ---------------------------------------------------------


def _simple(
    *, subject: str, lines: list[str], action: tuple[str, str], closing: str
) -> RenderedEmail:
    """One heading, a few sentences, one button, a closing line: the transactional shape."""
    label, url = action
    subject = one_line(subject)
    body = Safe(
        heading(subject)
        + "".join(paragraph(esc(line)) for line in lines)
        + f'<div style="margin:0 0 16px 0;">{button(url, label)}</div>'
        + paragraph(
            esc("If the button does not work, paste this link into your browser:"),
            muted=True,
            size=13,
        )
        + paragraph(
            Safe(f'<span style="word-break:break-all;">{esc(url)}</span>'), muted=True, size=13
        )
    )
    footer = paragraph(esc(closing), muted=True, size=12)
    text = "\n\n".join([subject, *lines, f"{label}: {url}", f"--\n{closing}\n"])
    return RenderedEmail(
        subject=subject,
        text=text,
        html=page(title=subject, preheader=lines[0], body=card(body), footer=footer),
    )


def _verification(message: VerificationEmail) -> RenderedEmail:
    return _simple(
        subject="Confirm your email address",
        lines=["Welcome to CreatorPulse! Confirm this address to start getting daily drafts."],
        action=("Confirm my email", message.verify_url),
        closing="If you did not sign up for CreatorPulse, you can ignore this email.",
    )


def _welcome(message: WelcomeEmail) -> RenderedEmail:
    return _simple(
        subject="Welcome to CreatorPulse",
        lines=[
            "Your address is confirmed. Three steps and your first drafts arrive tomorrow:",
            "1. Add the feeds and X accounts you read.",
            "2. Paste 10 or more of your own LinkedIn posts, so the drafts sound like you.",
            "3. Pick your delivery time. Vote 👍 or 👎 on each draft to steer the next ones.",
        ],
        action=("Set up my sources", message.start_url),
        closing="You can change your delivery time or unsubscribe at any moment in settings.",
    )


def _password_reset(message: PasswordResetEmail) -> RenderedEmail:
    return _simple(
        subject="Reset your CreatorPulse password",
        lines=["Someone asked to reset the password of your account. Choose a new one here."],
        action=("Choose a new password", message.reset_url),
        closing="If you did not ask for this, ignore this email: your password stays the same.",
    )


def _source_disabled(message: SourceDisabledEmail) -> RenderedEmail:
    return _simple(
        subject=f"We paused your source {message.source_name}",
        lines=[
            f"{message.source_name} ({message.source_url}) failed several times in a row, "
            "so we stopped fetching it.",
            f"Last error: {message.last_error}",
            "Check the address and switch it back on in your settings.",
        ],
        action=("Open source settings", message.settings_url),
        closing="Your other sources keep running as usual.",
    )
