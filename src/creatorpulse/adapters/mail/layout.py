"""The HTML shell every email shares: a 600px table layout with inline styles.

Every function here takes text that is already escaped (`Safe`) or escapes it itself, so each
piece of outside text is escaped exactly once, at the edge where it enters the markup.
"""

from __future__ import annotations

import html
from typing import NewType, TypeGuard
from urllib.parse import urlsplit

Safe = NewType("Safe", str)

FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
PAGE_BG = "#f2f4f7"
CARD_BG = "#ffffff"
BORDER = "#d0d5dd"
TEXT = "#1d2939"
MUTED = "#5d6b82"
ACCENT = "#0a66c2"
POSITIVE = "#067647"
ON_COLOUR = "#ffffff"

# Clients that honour <style> (Apple Mail, iOS, Outlook.com via [data-ogsc]) get a true dark
# palette; the rest keep the light one, whose pairs stay readable when a client inverts them.
_DARK_MODE = """<style>
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .cp-page { background-color: #101828 !important; }
  .cp-card { background-color: #1d2939 !important; border-color: #344054 !important; }
  .cp-text { color: #f2f4f7 !important; }
  .cp-muted { color: #98a2b3 !important; }
  .cp-link { color: #7cb4f0 !important; }
}
[data-ogsc] .cp-text { color: #f2f4f7 !important; }
[data-ogsc] .cp-muted { color: #98a2b3 !important; }
[data-ogsc] .cp-link { color: #7cb4f0 !important; }
</style>"""


def esc(text: str) -> Safe:
    return Safe(html.escape(text, quote=True))


def multiline(text: str) -> Safe:
    """Escape, then keep the author's line breaks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Safe("<br>".join(html.escape(line, quote=True) for line in lines))


def is_web_url(url: str | None) -> TypeGuard[str]:
    """Only http(s) links from outside (feeds) become hrefs; `javascript:` and friends never do."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(url: str, label: Safe, colour: str = ACCENT) -> Safe:
    return Safe(
        f'<a href="{esc(url)}" class="cp-link" target="_blank" rel="noopener" '
        f'style="color:{colour};text-decoration:underline;">{label}</a>'
    )


def paragraph(content: Safe, *, muted: bool = False, size: int = 16) -> Safe:
    colour, css = (MUTED, "cp-muted") if muted else (TEXT, "cp-text")
    return Safe(
        f'<p class="{css}" style="margin:0 0 16px 0;font-family:{FONT};font-size:{size}px;'
        f'line-height:1.5;color:{colour};">{content}</p>'
    )


def heading(text: str) -> Safe:
    return Safe(
        f'<h1 class="cp-text" style="margin:0 0 16px 0;font-family:{FONT};font-size:22px;'
        f'line-height:1.3;font-weight:700;color:{TEXT};">{esc(text)}</h1>'
    )


def button(url: str, label: str, *, background: str = ACCENT, outline: bool = False) -> Safe:
    """A table-cell button: the coloured cell survives Outlook, the link fills it."""
    fill, ink = (CARD_BG, background) if outline else (background, ON_COLOUR)
    return Safe(
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        'style="display:inline-table;margin:0 8px 8px 0;"><tr>'
        f'<td bgcolor="{fill}" style="border-radius:6px;border:1px solid {background};'
        f'background-color:{fill};">'
        f'<a href="{esc(url)}" target="_blank" rel="noopener" style="display:inline-block;'
        f"padding:10px 18px;font-family:{FONT};font-size:15px;font-weight:600;color:{ink};"
        f'text-decoration:none;border-radius:6px;">{esc(label)}</a>'
        "</td></tr></table>"
    )


def card(content: Safe) -> Safe:
    return Safe(
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="margin:0 0 20px 0;"><tr>'
        f'<td class="cp-card" bgcolor="{CARD_BG}" style="padding:20px;border:1px solid {BORDER};'
        f'border-radius:8px;background-color:{CARD_BG};">{content}</td></tr></table>'
    )


def page(*, title: str, preheader: str, body: Safe, footer: Safe) -> str:
    """The whole document: a centred 600px column on a soft background."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{esc(title)}</title>
{_DARK_MODE}
</head>
<body class="cp-page" style="margin:0;padding:0;background-color:{PAGE_BG};">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">{esc(preheader)}</div>
<table role="presentation" class="cp-page" width="100%" cellpadding="0" cellspacing="0"
 border="0" bgcolor="{PAGE_BG}" style="background-color:{PAGE_BG};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="max-width:600px;width:100%;">
<tr><td class="cp-link" style="padding:0 0 16px 0;font-family:{FONT};font-size:14px;
font-weight:700;letter-spacing:0.04em;color:{ACCENT};">CREATORPULSE</td></tr>
<tr><td>{body}</td></tr>
<tr><td style="padding:8px 0 0 0;">{footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""
