"""create_app(): the Litestar application, wired by dishka at the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.entrypoints.container import Storage, make_container
from creatorpulse.entrypoints.http.auth import TokenService
from creatorpulse.entrypoints.http.controllers.accounts import AuthController, MeController
from creatorpulse.entrypoints.http.controllers.drafts import DraftsController, UserController
from creatorpulse.entrypoints.http.controllers.feedback import FeedbackController
from creatorpulse.entrypoints.http.controllers.operations import OperationsController, SeenEvents
from creatorpulse.entrypoints.http.controllers.pages import PagesController
from creatorpulse.entrypoints.http.controllers.sources import SourcesController
from creatorpulse.entrypoints.http.controllers.style import StyleController
from creatorpulse.entrypoints.http.controllers.style_profile import StyleProfileController
from creatorpulse.entrypoints.http.deps import check_session
from creatorpulse.entrypoints.http.edge import edge_middleware
from creatorpulse.entrypoints.http.errors import HANDLERS
from creatorpulse.entrypoints.http.json_body import JsonRequest
from creatorpulse.entrypoints.http.rate_limit import WindowCounter, rate_limit_middleware
from creatorpulse.entrypoints.jobs import BackgroundJobs
from creatorpulse.entrypoints.logs import configure_logging
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.settings import Settings

MAX_BODY = 2 * 1024 * 1024


class HttpProvider(Provider):
    """What only the API process needs."""

    scope = Scope.APP

    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self._metrics = metrics

    @provide
    def metrics(self) -> Metrics:
        return self._metrics

    @provide
    async def jobs(self, metrics: Metrics) -> AsyncIterator[BackgroundJobs]:
        jobs = BackgroundJobs(metrics)
        yield jobs
        await jobs.drain()

    @provide
    def seen_events(self) -> SeenEvents:
        return SeenEvents()


def create_app(settings: Settings | None = None, *overrides: Provider) -> Litestar:
    settings = settings or Settings.from_env()
    configure_logging()
    metrics = Metrics()
    container = make_container(settings, HttpProvider(metrics), *overrides)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # Open the store (and migrate) before the first request; close everything after.
        await container.get(Storage)
        try:
            yield
        finally:
            await container.close()

    counter: list[WindowCounter] = []

    async def rate_counter() -> WindowCounter:
        if not counter:
            counter.append(await container.get(WindowCounter))
        return counter[0]

    async def token_subject(token: str) -> str | None:
        """The user id of a valid bearer token (which rate-limit bucket a request uses)."""
        tokens = await container.get(TokenService)
        try:
            return str(tokens.verify(token).user_id)
        except AuthenticationFailed:
            return None

    app = Litestar(
        route_handlers=[
            AuthController, MeController, SourcesController, StyleController,
            StyleProfileController, DraftsController,
            UserController, FeedbackController, PagesController, OperationsController,
        ],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        before_request=check_session,  # a route's session, checked before its input is read
        middleware=[  # none with limits off (factor 0): not even a layer that passes through
            rate_limit_middleware(rate_counter, token_subject),
        ] if settings.rate_limit_factor else [],
        cors_config=CORSConfig(
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                            "X-Request-ID"],
            allow_credentials=False, max_age=600,
        ) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="CreatorPulse API", version="1.0.0", path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(security_schemes={
                "BearerAuth": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
            }),
            security=[{"BearerAuth": []}],
        ),
        lifespan=[lifespan],
        request_class=JsonRequest,
        request_max_body_size=MAX_BODY,
        debug=False,
    )  # fmt: skip
    app.state.dishka_container = container  # what routes resolve from (deps.inject)
    app.state.resolved = {}  # deps.resolve's answers
    # Outermost: route middleware never sees what the router answers itself (unknown paths,
    # wrong methods, ids of the wrong type) or a CORS preflight.
    app.asgi_handler = edge_middleware(metrics, settings.base_url.startswith("https://"))(
        app.asgi_handler
    )
    return app
