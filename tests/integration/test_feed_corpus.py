"""Every file of the shared corpora parses, and nothing active survives sanitising."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creatorpulse.adapters.feeds.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ACTIVE = re.compile(
    r"<script|javascript:|vbscript:|<[a-z!/?]|\bon(?:error|load|click|mouse\w+|focus\w*)\s*=",
    re.IGNORECASE,
)


def corpus(name: str) -> list[Path]:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"the shared corpus {folder} is not beside this clone")
    return sorted(folder.iterdir())


def test_nothing_active_survives_the_feedparser_sanitize_corpus() -> None:
    files = corpus("feedparser-sanitize")
    assert len(files) >= 700
    entries = 0
    for path in files:
        feed = parse_feed(path.read_bytes())
        for item in feed.items:
            entries += 1
            for text in (feed.title or "", item.title or "", item.content):
                assert not ACTIVE.search(text), f"{path.name}: {text[:200]!r}"
            assert item.url is None or item.url.startswith(("http://", "https://")), path.name
    assert entries >= 590


def test_every_real_feed_ingests_with_clean_links() -> None:
    files = corpus("real-feeds")
    items = 0
    for path in files:
        feed = parse_feed(path.read_bytes(), base_url="https://feeds.example/")
        items += len(feed.items)
        for item in feed.items:
            assert item.url is None or item.url.startswith(("http://", "https://")), path.name
            assert "<script" not in item.content.lower(), path.name
    assert len(files) == 200 and items >= 6500  # JSON Feed and one malformed feed included
