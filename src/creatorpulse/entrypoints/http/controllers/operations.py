"""Health, metrics and the mail provider's event webhook."""

from __future__ import annotations

import hmac
from collections import OrderedDict
from typing import Any

import structlog
from dishka import FromDishka
from litestar import Controller, MediaType, Request, Response, get, post

from creatorpulse.adapters.mail.sendgrid_events import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    MalformedEvents,
    parse_events,
    verify_signed_events,
)
from creatorpulse.domain.model.errors import AuthenticationFailed, InvalidInput
from creatorpulse.entrypoints.container import QueueHealth, Storage
from creatorpulse.entrypoints.http.deps import inject
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases

log = structlog.get_logger("creatorpulse.webhooks")
_EMAIL_STATUS = {"delivered": "delivered", "bounce": "bounced", "spamreport": "spam",
                 "dropped": "failed"}  # fmt: skip


class SeenEvents:
    """sg_event_ids already applied (SendGrid retries batches); bounded, most recent kept."""

    def __init__(self, size: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


class OperationsController(Controller):
    path = "/"

    @get("/health/live", tags=["Operations"])
    async def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/health/ready", tags=["Operations"])
    @inject
    async def ready(
        self, storage: FromDishka[Storage], queue: FromDishka[QueueHealth]
    ) -> Response[dict[str, Any]]:
        database, connected = await storage.ready(), queue.connected()
        ok = database and connected
        return Response({"status": "ok" if ok else "unavailable", "database": database,
                         "queue": connected}, status_code=200 if ok else 503)  # fmt: skip

    @get("/metrics", media_type=MediaType.TEXT, include_in_schema=False)
    @inject
    async def metrics(
        self, request: Request[Any, Any, Any], metrics: FromDishka[Metrics],
        cases: FromDishka[UseCases], settings: FromDishka[Settings],
    ) -> bytes:  # fmt: skip
        if settings.metrics_token is not None:  # the scraper's bearer token, when one is set
            given = request.headers.get("authorization", "")
            expected = f"Bearer {settings.metrics_token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                raise AuthenticationFailed(
                    "/metrics needs the bearer token set in CREATORPULSE_METRICS_TOKEN"
                )
        async with cases.ports.uow.system() as tx:  # counted in SQL: 10,000 creators load slowly
            metrics.active_users.set(await tx.users.count_active())
            metrics.failing_sources.set(await tx.sources.count_failing())
        return metrics.render()

    @post("/webhooks/sendgrid", status_code=200, tags=["Operations"], opt={"rate_limit": (600, 60)})
    @inject
    async def sendgrid_events(
        self, request: Request[Any, Any, Any], settings: FromDishka[Settings],
        cases: FromDishka[UseCases], metrics: FromDishka[Metrics], seen: FromDishka[SeenEvents],
    ) -> dict[str, int]:  # fmt: skip
        payload = await request.body()
        key = settings.sendgrid_webhook_public_key
        signature = request.headers.get(SIGNATURE_HEADER, "")
        stamp = request.headers.get(TIMESTAMP_HEADER, "")
        now = cases.ports.clock.now()
        if not key or not verify_signed_events(key, payload, signature, stamp, now):
            raise AuthenticationFailed("unsigned, stale or forged webhook", code="bad_signature")
        try:
            events = parse_events(payload)
        except MalformedEvents as error:
            raise InvalidInput.of("body", "malformed_events", str(error)) from None
        applied = 0
        for event in events:
            if event.event_id and not seen.first_time(event.event_id):
                continue
            if await cases.apply_delivery_event(event.event):
                applied += 1
                metrics.emails.labels(_EMAIL_STATUS.get(event.event.kind, "unsubscribed")).inc()
        log.info("sendgrid_events", received=len(events), applied=applied)
        return {"received": len(events), "applied": applied}
