"""The fast parser keeps the text of media feeds (YouTube's), so feedparser is not needed."""

from __future__ import annotations

from datetime import UTC, datetime

from creatorpulse.adapters.feeds import parse
from creatorpulse.adapters.feeds.classic import parse_classic
from creatorpulse.adapters.feeds.fast import parse_fast

NOW = datetime(2026, 11, 26, tzinfo=UTC)
VIDEO = """<entry><id>yt:video:{n}</id><title>Video {n}</title>
<link rel="alternate" href="https://www.youtube.com/watch?v={n}"/>
<published>2026-02-1{n}T21:09:23+00:00</published>
<media:group><media:title>Video {n}</media:title>
<media:content url="https://www.youtube.com/v/{n}" type="application/x-shockwave-flash"/>
<media:description>What we found in part {n} &lt;script&gt;alert(1)&lt;/script&gt;
of the series, and why it matters.</media:description></media:group></entry>"""
FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:media="http://search.yahoo.com/mrss/"><title>A channel</title>'
    + "".join(VIDEO.format(n=n) for n in range(1, 4))
    + "</feed>"
).encode()


def test_a_media_only_feed_is_read_by_the_fast_parser_as_feedparser_reads_it() -> None:
    fast = parse_fast(FEED, None, NOW)
    assert fast is not None and not parse._doubtful(fast)
    assert [item.content for item in fast.items] == [
        f"What we found in part {n} \nof the series, and why it matters." for n in range(1, 4)
    ]
    assert fast == parse_classic(FEED, None, NOW)


def test_a_body_beats_a_media_description() -> None:
    with_body = FEED.replace(
        b"<media:group>", b"<summary>The written summary.</summary><media:group>"
    )
    fast = parse_fast(with_body, None, NOW)
    assert fast is not None
    assert {item.content for item in fast.items} == {"The written summary."}
