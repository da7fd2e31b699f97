from __future__ import annotations

from uuid import UUID

from dishka import FromDishka
from litestar import Controller, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody

from creatorpulse.entrypoints.http.deps import Verified, inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.http.schemas import (
    CreateSourceBody,
    MessageOut,
    SourceOut,
    SourceStatusOut,
    UpdateSourceBody,
)
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases


class SourcesController(Controller):
    path = "/v1/sources"
    tags = ["Sources"]

    @get("/")
    @inject
    async def list_sources(
        self, session: Verified, cases: FromDishka[UseCases]
    ) -> Response[Envelope[list[SourceOut]]]:
        return ok([SourceOut.of(s) for s in await cases.list_sources(session.user.id)])

    @post("/", status_code=201)
    @inject
    async def add_source(
        self, session: Verified, data: JSONBody[CreateSourceBody], cases: FromDishka[UseCases],
        metrics: FromDishka[Metrics],
    ) -> Response[Envelope[SourceOut]]:  # fmt: skip
        source, _ = await cases.add_source(session.user.id, data.type, data.url, data.name)
        metrics.event("sources_added")
        return ok(SourceOut.of(source), 201)

    @put("/{source_id:uuid}")
    @inject
    async def update_source(
        self,
        session: Verified,
        source_id: FromPath[UUID],
        data: JSONBody[UpdateSourceBody],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[SourceOut]]:
        source = await cases.update_source(session.user.id, source_id, data.name, data.active)
        return ok(SourceOut.of(source))

    @delete("/{source_id:uuid}", status_code=200)
    @inject
    async def remove_source(
        self,
        session: Verified,
        source_id: FromPath[UUID],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[MessageOut]]:
        await cases.remove_source(session.user.id, source_id)
        return ok(MessageOut("source removed"))

    @get("/{source_id:uuid}/status")
    @inject
    async def source_status(
        self,
        session: Verified,
        source_id: FromPath[UUID],
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[SourceStatusOut]]:
        source = await cases.list_sources.one(session.user.id, source_id)
        return ok(SourceStatusOut(status=source.status.value, last_error=source.last_error))
