"""`creatorpulse check gemini|sendgrid|smtp`: one small real call with the configured keys."""

from __future__ import annotations

import asyncio

from creatorpulse.adapters.gemini.check import check_gemini
from creatorpulse.adapters.mail.sendgrid import check_sendgrid
from creatorpulse.adapters.mail.smtp import check_smtp
from creatorpulse.entrypoints.settings import Settings, SettingsError


def run_check(service: str, settings: Settings) -> str:
    """A one-line success report; raises UpstreamError with the exact failure otherwise."""
    if service == "gemini":
        if not settings.gemini_api_key:
            raise SettingsError(
                "GEMINI_API_KEY is not set: the local embedder and generator are used"
            )
        return asyncio.run(check_gemini(
            settings.gemini_api_key, base_url=settings.gemini_base_url,
            embedding_model=settings.gemini_embedding_model,
            generation_model=settings.gemini_model,
        ))  # fmt: skip
    if service == "sendgrid":
        if not settings.sendgrid_api_key:
            raise SettingsError("SENDGRID_API_KEY is not set: mail goes to the outbox or SMTP")
        return asyncio.run(
            check_sendgrid(settings.sendgrid_api_key, base_url=settings.sendgrid_base_url)
        )
    if not settings.smtp_url:
        raise SettingsError("SMTP_URL is not set: mail goes to the outbox or SendGrid")
    return asyncio.run(check_smtp(settings.smtp_url))
