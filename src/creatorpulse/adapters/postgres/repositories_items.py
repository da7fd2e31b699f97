"""Items fetched from sources: bulk, per-source deduplicated inserts and the recent window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec
from psycopg.types.json import Json

from creatorpulse.adapters.postgres.rows import PgRepository
from creatorpulse.domain.model.items import KEEP_PROCESSED, KEEP_UNPROCESSED, SourceItem
from creatorpulse.domain.model.sources import SourceType
from creatorpulse.ports import storage

ITEM = (
    "id, source_id, user_id, title, content, url, published_at, content_hash, processed, created_at"
)
ITEM_TYPES = (
    "id uuid, source_id uuid, user_id uuid, title text, content text, url text, "
    "published_at timestamptz, content_hash text, processed bool, created_at timestamptz"
)


class PgItems(PgRepository, storage.SourceItemRepository):
    async def add_new(self, items: Sequence[SourceItem]) -> list[SourceItem]:
        # One JSON document, encoded by msgspec in C and taken apart by the server: binding ten
        # arrays made psycopg pack every element in Python, on the event loop's thread.
        if not items:
            return []
        inserted = await self._rows(
            f"INSERT INTO source_content ({ITEM}) SELECT {ITEM} "
            f"FROM json_to_recordset(%s) AS i({ITEM_TYPES}) "
            "WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = i.source_id) "
            "ON CONFLICT (source_id, content_hash) DO NOTHING RETURNING id",
            (Json(items, dumps=msgspec.json.encode),),
        )
        kept = {row["id"] for row in inserted}
        return [item for item in items if item.id in kept]

    async def get(self, item_id: UUID) -> SourceItem | None:
        query = f"SELECT {ITEM} FROM source_content WHERE id = %s"
        return await self._one(SourceItem, query, (item_id,))

    async def recent_for_feed(
        self, kind: SourceType, url: str, since: datetime, limit: int = 200
    ) -> list[SourceItem]:
        columns = ", ".join(f"i.{c}" for c in ITEM.split(", "))
        return await self._all(
            SourceItem,
            f"SELECT * FROM (SELECT DISTINCT ON (i.content_hash) {columns} "
            "FROM source_content i JOIN sources s ON s.id = i.source_id "
            "WHERE s.type = %(kind)s AND s.url = %(url)s AND i.published_at >= %(since)s "
            "ORDER BY i.content_hash, i.published_at DESC, i.id) newest "
            "ORDER BY published_at DESC, id LIMIT %(limit)s",
            {"kind": kind, "url": url, "since": since, "limit": limit},
        )

    async def list_recent(self, user_id: UUID, since: datetime) -> list[SourceItem]:
        columns = ", ".join(f"i.{c}" for c in ITEM.split(", "))
        return await self._all(
            SourceItem,
            f"SELECT {columns} FROM source_content i JOIN sources s ON s.id = i.source_id "
            "WHERE i.user_id = %s AND s.active AND NOT i.processed AND i.published_at >= %s "
            "ORDER BY i.published_at DESC, i.id",
            (user_id, since),
        )

    async def mark_processed(self, item_ids: Sequence[UUID]) -> None:
        query = "UPDATE source_content SET processed = true WHERE id = ANY(%s)"
        await self._execute(query, (list(item_ids),))

    async def delete_expired(self, now: datetime) -> int:
        return await self._execute(
            "DELETE FROM source_content WHERE created_at < CASE WHEN processed "
            "THEN %(processed)s ELSE %(unprocessed)s END",
            {"processed": now - KEEP_PROCESSED, "unprocessed": now - KEEP_UNPROCESSED},
        )
