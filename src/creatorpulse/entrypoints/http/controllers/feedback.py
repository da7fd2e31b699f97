"""Votes from email links (public: the token is the credential)."""

from __future__ import annotations

from dishka import FromDishka
from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody, Parameter

from creatorpulse.domain.model.drafts import FeedbackSource
from creatorpulse.entrypoints.http.deps import inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.http.schemas import FeedbackBody, MessageOut
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases


async def record_vote(cases: UseCases, metrics: Metrics, token: str, vote: str) -> str:
    draft = await cases.record_feedback.by_token(token, vote, FeedbackSource.EMAIL)
    metrics.feedback.labels(vote, "email").inc()
    return f"thanks: the draft is now {draft.status.value}"


class FeedbackController(Controller):
    path = "/v1/feedback"
    tags = ["Feedback"]
    security = [{}]

    @post("/{token:str}", status_code=200, opt={"rate_limit": (10, 60)})
    @inject
    async def vote(
        self, token: FromPath[str], data: JSONBody[FeedbackBody], cases: FromDishka[UseCases],
        metrics: FromDishka[Metrics],
    ) -> Response[Envelope[MessageOut]]:  # fmt: skip
        return ok(MessageOut(await record_vote(cases, metrics, token, data.feedback_type)))

    @post("/{token:str}/{vote:str}", status_code=200, opt={"rate_limit": (10, 60)})
    @inject
    async def vote_in_path(
        self, token: FromPath[str], vote: FromPath[str], cases: FromDishka[UseCases],
        metrics: FromDishka[Metrics],
        source: str = Parameter(default="email"),
    ) -> Response[Envelope[MessageOut]]:  # fmt: skip
        return ok(MessageOut(await record_vote(cases, metrics, token, vote)))
