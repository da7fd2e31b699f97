"""Style training as a job a creator can watch: started by an upload or a retrain."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from creatorpulse.domain.model.errors import DomainError, NotFound
from creatorpulse.domain.model.style_jobs import StyleJob, StyleJobStatus
from creatorpulse.domain.use_cases.process_style import ProcessStylePosts
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.storage import UnitOfWorkFactory


class StyleTraining:
    def __init__(
        self, uow: UnitOfWorkFactory, process: ProcessStylePosts, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._process, self._clock, self._ids = uow, process, clock, ids

    async def start(self, user_id: UUID, *, retrain: bool = False) -> StyleJob:
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            total = await tx.style_posts.count_for_user(user_id)
            job = StyleJob(
                id=self._ids.new_id(), user_id=user_id, retrain=retrain, total_posts=total,
                message="Waiting to start…", created_at=now, updated_at=now,
            )  # fmt: skip
            await tx.style_jobs.add(job)
            await tx.commit()
        return job

    async def run(self, user_id: UUID, job_id: UUID) -> StyleJob:
        job = await self._save(user_id, job_id, lambda j: j.start(self._clock.now()))
        try:
            progress = await self._process(user_id, retrain=job.retrain)
        except DomainError as error:
            reason = error.message
            return await self._save(user_id, job_id, lambda j: j.fail(reason, self._clock.now()))
        return await self._save(
            user_id, job_id,
            lambda j: j.complete(progress.processed_posts, progress.total_posts, self._clock.now()),
        )  # fmt: skip

    async def status(self, user_id: UUID, job_id: UUID | None = None) -> StyleJob:
        """The named job, or the latest one; with none, a summary of the posts' state."""
        now = self._clock.now()
        async with self._uow.for_user(user_id) as tx:
            job = await (
                tx.style_jobs.get(job_id) if job_id else tx.style_jobs.latest_for_user(user_id)
            )
            if job_id and job is None:
                raise NotFound("style training job not found")
            if job is not None:
                return job
            total = await tx.style_posts.count_for_user(user_id)
            done = await tx.style_posts.count_processed(user_id)
        summary = StyleJob(
            id=user_id, user_id=user_id, total_posts=total, processed_posts=done,
            created_at=now, updated_at=now,
        )  # fmt: skip
        if total and done == total:
            summary.complete(done, total, now)
        else:
            summary.message = "Add at least 10 posts to train your style." if total < 10 else ""
            summary.status = StyleJobStatus.PENDING
        return summary

    async def _save(
        self, user_id: UUID, job_id: UUID, change: Callable[[StyleJob], None]
    ) -> StyleJob:
        async with self._uow.for_user(user_id) as tx:
            job = await tx.style_jobs.get(job_id)
            if job is None:
                raise NotFound("style training job not found")
            change(job)
            await tx.style_jobs.update(job)
            await tx.commit()
        return job
