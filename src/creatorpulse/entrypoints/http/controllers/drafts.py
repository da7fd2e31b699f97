from __future__ import annotations

from uuid import UUID

from dishka import FromDishka
from litestar import Controller, Response, get, post, put
from litestar.params import FromPath, JSONBody, Parameter

from creatorpulse.domain.model.drafts import FeedbackSource
from creatorpulse.domain.model.explain import explain
from creatorpulse.domain.model.schedule import format_time
from creatorpulse.domain.model.users import User
from creatorpulse.entrypoints.http.deps import Verified, inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.http.schemas import (
    DraftOut,
    DraftPage,
    ExplanationOut,
    FeedbackBody,
    GenerateBody,
    GeneratedOut,
    MessageOut,
    SettingsBody,
    SettingsOut,
    StatsOut,
)
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases


class DraftsController(Controller):
    path = "/v1/drafts"
    tags = ["Drafts"]

    @get("/")
    @inject
    async def list_drafts(
        self, session: Verified, cases: FromDishka[UseCases],
        page: int = Parameter(default=1),
        per_page: int = Parameter(default=10),
    ) -> Response[Envelope[DraftPage]]:  # fmt: skip
        found = await cases.read_drafts.page(session.user.id, page, per_page)
        return ok(
            DraftPage(
                data=DraftOut.of_all(found.drafts), total=found.total,
                page=found.page, per_page=found.per_page, total_pages=found.total_pages,
            )
        )  # fmt: skip

    @post("/generate", status_code=201, opt={"rate_limit": (5, 60)})
    @inject
    async def generate(
        self, session: Verified, cases: FromDishka[UseCases], metrics: FromDishka[Metrics],
        data: JSONBody[GenerateBody | None] = None,
    ) -> Response[Envelope[GeneratedOut]]:  # fmt: skip
        force = data.force if data else False
        outcome = await cases.generate_drafts(session.user.id, force=force)
        count = len(outcome.drafts)
        metrics.event("drafts_generated", count)
        if count:
            message = f"Generated {count} new draft{'s' if count != 1 else ''}"
        elif outcome.skipped == "emailed_recently":
            message = "Today's drafts were already emailed; send force=true for more"
        elif outcome.skipped:
            message = "Today's drafts are ready already; send force=true for more"
        else:
            message = "No draft passed our quality checks this time; try again later"
        return ok(GeneratedOut(message=message, drafts_generated=count), 201)

    @get("/{draft_id:uuid}")
    @inject
    async def get_draft(
        self,
        session: Verified,
        draft_id: FromPath[UUID],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[DraftOut]]:
        return ok(DraftOut.of(await cases.read_drafts.one(session.user.id, draft_id)))

    @get("/{draft_id:uuid}/explanation")
    @inject
    async def explain_draft(
        self, session: Verified, draft_id: FromPath[UUID], cases: FromDishka[UseCases]
    ) -> Response[Envelope[ExplanationOut]]:
        """Why this draft: its source, examples, form, score and what your votes changed."""
        draft = await cases.read_drafts.one(session.user.id, draft_id)
        return ok(
            ExplanationOut(draft_id=draft.id, summary=explain(draft), metadata=draft.metadata)
        )

    @put("/{draft_id:uuid}/feedback")
    @inject
    async def vote(
        self, session: Verified, draft_id: FromPath[UUID], data: JSONBody[FeedbackBody],
        cases: FromDishka[UseCases], metrics: FromDishka[Metrics],
    ) -> Response[Envelope[MessageOut]]:  # fmt: skip
        draft = await cases.record_feedback.by_draft(
            session.user.id, draft_id, data.feedback_type, FeedbackSource.DASHBOARD
        )
        metrics.feedback.labels(data.feedback_type, "dashboard").inc()
        return ok(MessageOut(f"thanks: the draft is now {draft.status.value}"))


def _settings(user: User) -> SettingsOut:
    paused = user.mail_paused.value if user.mail_paused else None
    return SettingsOut(
        timezone=user.timezone, delivery_time=format_time(user.delivery_time),
        email_notifications=user.email_notifications, mail_paused=paused,
    )  # fmt: skip


class UserController(Controller):
    path = "/v1"
    tags = ["User Settings"]

    @get("/user/settings")
    @inject
    async def get_settings(self, session: Verified) -> Response[Envelope[SettingsOut]]:
        return ok(_settings(session.user))

    @put("/user/settings")
    @inject
    async def put_settings(
        self,
        session: Verified,
        data: JSONBody[SettingsBody],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[SettingsOut]]:
        user = await cases.account.change_settings(
            session.user.id, timezone=data.timezone, delivery_time=data.delivery_time,
            email_notifications=data.email_notifications,
        )  # fmt: skip
        return ok(_settings(user))

    @get("/dashboard/stats", tags=["Dashboard"])
    @inject
    async def stats(
        self, session: Verified, cases: FromDishka[UseCases]
    ) -> Response[Envelope[StatsOut]]:
        s = await cases.read_drafts.stats(session.user.id)
        return ok(StatsOut(**{f: getattr(s, f) for f in StatsOut.__struct_fields__}))
