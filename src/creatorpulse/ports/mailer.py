from __future__ import annotations

from typing import Protocol
from uuid import UUID

from creatorpulse.domain.model.emails import OutgoingEmail


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> str | None:
        """Hand the email over; returns the provider's message id when it gives one.

        Raises UpstreamError (transient or not) when the email was not accepted.
        """

    async def sent_message_id(self, delivery_id: UUID) -> str | None:
        """The message id if an earlier send of `delivery_id` was accepted, when the provider
        can tell (a crash may have come between sending and recording it); None otherwise.

        Must answer quickly; the default knows nothing.
        """
        return None
