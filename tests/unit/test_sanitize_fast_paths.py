"""The sanitiser's shortcuts give what the full path gives: text without markup or entities
comes back as nh3 would return it, and an absolute link is not joined to the page's address
(urljoin would turn a host-less "https://" into the page itself; we drop it instead)."""

from __future__ import annotations

import html
from urllib.parse import urljoin, urlsplit

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.adapters.feeds.sanitize import (
    _CONTROL,
    _CONTROLS,
    _stable,
    _strip_once,
    html_to_text,
    safe_link,
)

plain = st.text(st.characters(exclude_characters="<&", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=1000)
@given(plain)
def test_text_without_markup_is_what_nh3_would_give(text: str) -> None:
    cleaned = _CONTROL.sub("", text)
    full = html.unescape(nh3.clean(cleaned, tags=set(), attributes={}, strip_comments=True))
    assert html_to_text(text) == full


stripped_text = st.lists(
    st.one_of(
        st.sampled_from(["<", "< b", "<3", "a<b", "&", "R&D", "&amp;", "&lt;p&gt;", "&#60;",
                         "&copy", "&zz;", "</", "<!", "<?", "<a", ">", "\r", "\x01", "\u00a0"]),
        st.text(max_size=6),
    ),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=3000)
@given(stripped_text)
def test_text_called_stable_is_given_back_by_another_round(text: str) -> None:
    if _stable(text):
        assert _strip_once(text) == text


@settings(max_examples=500)
@given(
    st.sampled_from(["http://", "https://"]),
    st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=60),
)
def test_an_absolute_link_resolves_to_itself(scheme: str, rest: str) -> None:
    link = scheme + rest
    base = "https://blog.example/posts/"
    try:
        slow = safe_link(urljoin(base, link.strip()))
        hostless = not urlsplit(link.strip()).netloc
    except ValueError:  # "Invalid IPv6 URL" and the like: refused either way
        slow, hostless = None, True
    fast = safe_link(link, base)
    if slow is None:  # whatever the full path refuses, the shortcut refuses
        assert fast is None
    else:  # the same address, perhaps spelled unresolved ("a/../b", an empty "#")
        assert (hostless and fast is None) or (fast is not None and urljoin(base, fast) == slow)


def test_the_control_characters_found_are_those_the_pattern_removes() -> None:
    removed = {chr(c) for c in range(0x110000) if _CONTROL.fullmatch(chr(c))}
    assert set(_CONTROLS) == removed
