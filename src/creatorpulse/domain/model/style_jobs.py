"""A style-training run the creator can watch: upload or retrain, then embed, then done."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

import msgspec


class StyleJobStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class StyleJob(msgspec.Struct, kw_only=True):
    id: UUID
    user_id: UUID
    retrain: bool = False
    status: StyleJobStatus = StyleJobStatus.PENDING
    total_posts: int
    processed_posts: int = 0
    message: str = ""
    created_at: datetime
    updated_at: datetime

    @property
    def progress(self) -> int:
        if self.status is StyleJobStatus.COMPLETED:
            return 100
        return 0 if not self.total_posts else self.processed_posts * 100 // self.total_posts

    def start(self, now: datetime) -> None:
        self.status = StyleJobStatus.PROCESSING
        self.message = "Learning your writing style…"
        self.updated_at = now

    def complete(self, processed: int, total: int, now: datetime) -> None:
        self.status = StyleJobStatus.COMPLETED
        self.total_posts = total
        self.processed_posts = min(processed, total)
        self.message = f"Learned from {processed} of your posts."
        self.updated_at = now

    def fail(self, reason: str, now: datetime) -> None:
        self.status = StyleJobStatus.FAILED
        self.message = reason[:500]
        self.updated_at = now
