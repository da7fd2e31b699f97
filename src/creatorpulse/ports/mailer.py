from __future__ import annotations

from typing import Protocol

from creatorpulse.domain.model.emails import OutgoingEmail


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> str | None:
        """Hand the email over; returns the provider's message id when it gives one.

        Raises UpstreamError (transient or not) when the email was not accepted.
        """
