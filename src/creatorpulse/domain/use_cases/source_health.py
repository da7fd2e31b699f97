"""The one email a creator gets when repeated failures disable a source (PRODUCT decision 8)."""

from __future__ import annotations

from creatorpulse.domain.model.emails import EmailKind, SourceDisabledEmail
from creatorpulse.domain.model.sources import Source
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail


class NotifySourceDisabled:
    """Call it once per source, right after the failure whose `record_failure` said True."""

    def __init__(self, send_email: SendTransactionalEmail, base_url: str) -> None:
        self._send_email, self._base_url = send_email, base_url.rstrip("/")

    async def __call__(self, owner: User, source: Source, reason: str) -> None:
        notice = SourceDisabledEmail(
            to=owner.email,
            source_name=source.name,
            source_url=source.url,
            last_error=reason,
            settings_url=f"{self._base_url}/sources",
        )
        await self._send_email(owner.id, EmailKind.NOTIFICATION, notice)
