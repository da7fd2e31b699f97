"""Keeping what a source published: clean, quality-filter, dedupe per source, store in bulk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import msgspec

from creatorpulse.domain.model.items import (
    FetchedItem,
    Rejection,
    SourceItem,
    assess,
    prepare_content,
)
from creatorpulse.domain.model.sources import Source
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.storage import UnitOfWork


class IngestReport(msgspec.Struct, kw_only=True):
    fetched: int = 0
    stored: int = 0
    rejected: dict[str, int] = msgspec.field(default_factory=dict)


async def store_items(
    tx: UnitOfWork,
    source: Source,
    fetched: Sequence[FetchedItem],
    *,
    now: datetime,
    ids: IdGenerator,
    language: LanguageDetector,
) -> IngestReport:
    rejected: Counter[str] = Counter()
    candidates: dict[str, SourceItem] = {}
    for entry in fetched:
        content = prepare_content(entry)
        reason = assess(content, entry.title, language.detect(content))
        if reason is not None:
            rejected[reason] += 1
            continue
        item = SourceItem.create(
            id=ids.new_id(),
            source_id=source.id,
            user_id=source.user_id,
            item=entry,
            content=content,
            now=now,
        )
        if item.content_hash in candidates:
            rejected[Rejection.DUPLICATE] += 1
            continue
        candidates[item.content_hash] = item
    stored = await tx.items.add_new(list(candidates.values()))
    rejected[Rejection.DUPLICATE] += len(candidates) - len(stored)
    return IngestReport(
        fetched=len(fetched),
        stored=len(stored),
        rejected={reason: n for reason, n in rejected.items() if n},
    )
