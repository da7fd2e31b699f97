"""Keeping what a source published: clean, quality-filter, dedupe per source, store in bulk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec

from creatorpulse.domain.model.items import (
    FetchedItem,
    Rejection,
    SourceItem,
    assess,
    prepare_content,
)
from creatorpulse.domain.model.sources import Source
from creatorpulse.domain.model.text import content_hash
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWork


class IngestReport(msgspec.Struct, kw_only=True):
    fetched: int = 0
    stored: int = 0
    rejected: dict[str, int] = msgspec.field(default_factory=dict)


class Screened(msgspec.Struct, kw_only=True):
    """A feed's entries that pass the quality filters, once each, with their clean text.
    Screening does not depend on who follows the feed, so it runs once per fetch."""

    fetched: int
    kept: list[tuple[FetchedItem, str, str]]  # the entry, its clean text, that text's hash
    rejected: dict[str, int]


def screen(fetched: Sequence[FetchedItem], language: LanguageDetector) -> Screened:
    rejected: Counter[str] = Counter()
    kept: dict[str, tuple[FetchedItem, str, str]] = {}
    for entry in fetched:
        content = prepare_content(entry)
        reason = assess(content, entry.title, language.detect(content))
        if reason is not None:
            rejected[reason] += 1
        elif (digest := content_hash(content)) in kept:
            rejected[Rejection.DUPLICATE] += 1
        else:
            kept[digest] = (entry, content, digest)
    return Screened(fetched=len(fetched), kept=list(kept.values()), rejected=dict(rejected))


async def store_screened(
    tx: UnitOfWork,
    sources: Sequence[Source],
    screened: Screened,
    *,
    now: datetime,
    ids: IdGenerator,
) -> dict[UUID, IngestReport]:
    """Stores the screened items for every source in one bulk insert; dedupe stays per source."""
    candidates = [
        SourceItem.create(
            id=ids.new_id(),
            source_id=source.id,
            user_id=source.user_id,
            item=entry,
            content=content,
            now=now,
            digest=digest,
        )
        for source in sources
        for entry, content, digest in screened.kept
    ]
    stored = Counter(item.source_id for item in await tx.items.add_new(candidates))
    return {source.id: _report(screened, stored[source.id]) for source in sources}


def _report(screened: Screened, stored: int) -> IngestReport:
    rejected = Counter(screened.rejected)
    rejected[Rejection.DUPLICATE] += len(screened.kept) - stored
    return IngestReport(
        fetched=screened.fetched,
        stored=stored,
        rejected={reason: n for reason, n in rejected.items() if n},
    )


async def store_items(
    tx: UnitOfWork,
    source: Source,
    fetched: Sequence[FetchedItem],
    *,
    now: datetime,
    ids: IdGenerator,
    language: LanguageDetector,
) -> IngestReport:
    screened = screen(fetched, language)
    reports = await store_screened(tx, [source], screened, now=now, ids=ids)
    return reports[source.id]
