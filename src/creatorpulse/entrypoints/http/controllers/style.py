from __future__ import annotations

from uuid import UUID

from dishka import FromDishka
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, JSONBody, Parameter

from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.style import MAX_POSTS_PER_USER
from creatorpulse.entrypoints.http.deps import Verified, inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.http.schemas import (
    JobStartedOut,
    MessageOut,
    PostAddedOut,
    StyleJobOut,
    StylePostBody,
    StylePostOut,
    StyleUploadBody,
)
from creatorpulse.entrypoints.jobs import BackgroundJobs
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases


async def _train(
    cases: UseCases, jobs: BackgroundJobs, metrics: Metrics, user_id: UUID, *, retrain: bool
) -> str:
    job = await cases.style_training.start(user_id, retrain=retrain)

    async def work() -> None:
        await cases.style_training.run(user_id, job.id)
        metrics.event("style_trainings_completed")

    await jobs.process_style(user_id, job.id, work)
    return str(job.id)


class StyleController(Controller):
    path = "/v1/style"
    tags = ["Style Training"]

    @get("/posts")
    @inject
    async def list_posts(
        self, session: Verified, cases: FromDishka[UseCases]
    ) -> Response[Envelope[list[StylePostOut]]]:
        return ok([StylePostOut.of(p) for p in await cases.list_style_posts(session.user.id)])

    @post("/posts/add", status_code=201, opt={"rate_limit": (20, 60)})
    @inject
    async def add_post(
        self, session: Verified, data: JSONBody[StylePostBody], cases: FromDishka[UseCases],
        jobs: FromDishka[BackgroundJobs], metrics: FromDishka[Metrics],
    ) -> Response[Envelope[PostAddedOut]]:  # fmt: skip
        post_id = await cases.add_style_posts.one(session.user.id, data.content)
        await _train(cases, jobs, metrics, session.user.id, retrain=False)
        return ok(PostAddedOut("post added; learning from it now", post_id), 201)

    @delete("/posts/{post_id:uuid}", status_code=200)
    @inject
    async def remove_post(
        self,
        session: Verified,
        post_id: FromPath[UUID],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[MessageOut]]:
        await cases.remove_style_post(session.user.id, post_id)
        return ok(MessageOut("post removed, with what was learned from it"))

    @post("/upload", status_code=202, opt={"rate_limit": (2, 3600)})
    @inject
    async def upload(
        self, session: Verified, data: JSONBody[StyleUploadBody], cases: FromDishka[UseCases],
        jobs: FromDishka[BackgroundJobs], metrics: FromDishka[Metrics],
    ) -> Response[Envelope[JobStartedOut]]:  # fmt: skip
        if not 1 <= len(data.posts) <= MAX_POSTS_PER_USER:
            raise InvalidInput.of("posts", "out_of_range", "send from 1 to 100 posts")
        report = await cases.add_style_posts(session.user.id, data.posts)
        job_id = await _train(cases, jobs, metrics, session.user.id, retrain=False)
        skipped = len(report.rejected) + len(report.duplicates)
        note = f"; {skipped} skipped (see rejected and duplicates)" if skipped else ""
        return ok(
            JobStartedOut(
                message=f"style training started with {len(report.added)} new posts{note}",
                job_id=job_id, added=len(report.added), duplicates=report.duplicates,
                rejected=[{"field": i.field, "code": i.code, "message": i.message}
                          for i in report.rejected],
            ),
            202,
        )  # fmt: skip

    @get("/status")
    @inject
    async def status(
        self, session: Verified, cases: FromDishka[UseCases],
        job_id: UUID | None = Parameter(default=None),
    ) -> Response[Envelope[StyleJobOut]]:  # fmt: skip
        job = await cases.style_training.status(session.user.id, job_id)
        return ok(
            StyleJobOut(
                status=job.status.value, progress=job.progress, total_posts=job.total_posts,
                processed_posts=job.processed_posts, message=job.message,
            )
        )  # fmt: skip

    @post("/retrain", status_code=202)
    @inject
    async def retrain(
        self, session: Verified, cases: FromDishka[UseCases], jobs: FromDishka[BackgroundJobs],
        metrics: FromDishka[Metrics],
    ) -> Response[Envelope[JobStartedOut]]:  # fmt: skip
        job_id = await _train(cases, jobs, metrics, session.user.id, retrain=True)
        return ok(JobStartedOut(message="retraining started", job_id=job_id), 202)
