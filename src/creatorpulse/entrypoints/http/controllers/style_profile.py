"""The creator's learned voice and taste, and importing their past posts."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka import FromDishka
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.entrypoints.http.controllers.style import _train
from creatorpulse.entrypoints.http.deps import Verified, inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.jobs import BackgroundJobs
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases

IMPORT_MAX = 21 * 1024 * 1024  # a LinkedIn export archive, with room for the form around it


class ProfileOut(msgspec.Struct):
    voice: list[str]  # how you write, in words
    learned: list[str]  # what your votes taught us, in words
    measures: dict[str, Any]
    preferences: dict[str, Any]


class ImportOut(msgspec.Struct):
    message: str
    job_id: str | None
    found: int
    added: int
    duplicates: int
    over_cap: int
    rejected: list[dict[str, str]]


class ImportForm(msgspec.Struct):
    file: UploadFile


class StyleProfileController(Controller):
    path = "/v1/style"
    tags = ["Style Training"]

    @get("/profile")
    @inject
    async def profile(
        self, session: Verified, cases: FromDishka[UseCases]
    ) -> Response[Envelope[ProfileOut]]:
        view = await cases.style_profile(session.user.id)
        return ok(
            ProfileOut(
                voice=view.voice, learned=view.learned,
                measures=msgspec.structs.asdict(view.profile),
                preferences=msgspec.structs.asdict(view.preferences),
            )
        )  # fmt: skip

    @post(
        "/import", status_code=202, opt={"rate_limit": (5, 3600)}, request_max_body_size=21 * 2**20
    )
    @inject
    async def import_posts(
        self, session: Verified, cases: FromDishka[UseCases], jobs: FromDishka[BackgroundJobs],
        metrics: FromDishka[Metrics],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[Envelope[ImportOut]]:  # fmt: skip
        if not isinstance(data.file, UploadFile):
            raise InvalidInput.of("file", "required", "attach the file as form field 'file'")
        content = await data.file.read()
        report = await cases.import_posts(session.user.id, data.file.filename or "", content)
        job_id = None
        if report.added:
            job_id = await _train(cases, jobs, metrics, session.user.id, retrain=False)
        message = (
            f"imported {report.added} of {report.found} posts"
            f" ({report.duplicates} already there, {len(report.rejected)} not usable,"
            f" {report.over_cap} over the 100-post limit)"
        )
        return ok(
            ImportOut(
                message=message, job_id=job_id, found=report.found, added=report.added,
                duplicates=report.duplicates, over_cap=report.over_cap,
                rejected=[{"field": i.field, "code": i.code, "message": i.message}
                          for i in report.rejected],
            ),
            202,
        )  # fmt: skip
