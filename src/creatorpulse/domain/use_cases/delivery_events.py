"""What the mail provider tells us after sending: delivered, bounced, spam reports."""

from __future__ import annotations

import enum
from uuid import UUID

import msgspec

from creatorpulse.domain.model.emails import DeliveryStatus
from creatorpulse.domain.model.users import MailPause
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class DeliveryEventKind(enum.StrEnum):
    DELIVERED = "delivered"
    BOUNCE = "bounce"
    DROPPED = "dropped"
    SPAM_REPORT = "spamreport"
    UNSUBSCRIBE = "unsubscribe"


_PAUSES = {
    DeliveryEventKind.BOUNCE: (MailPause.BOUNCED, DeliveryStatus.BOUNCED),
    DeliveryEventKind.DROPPED: (MailPause.DROPPED, DeliveryStatus.FAILED),
    DeliveryEventKind.SPAM_REPORT: (MailPause.SPAM_REPORT, DeliveryStatus.SPAM),
    DeliveryEventKind.UNSUBSCRIBE: (MailPause.UNSUBSCRIBED, None),
}


class DeliveryEvent(msgspec.Struct, frozen=True, kw_only=True):
    kind: DeliveryEventKind
    delivery_id: UUID | None = None
    message_id: str | None = None
    reason: str | None = None


class ApplyDeliveryEvent:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, event: DeliveryEvent) -> bool:
        """Apply it; False when no delivery matches (the event is then ignored)."""
        now = self._clock.now()
        async with self._uow.system() as tx:
            delivery = await tx.deliveries.get(event.delivery_id) if event.delivery_id else None
            if delivery is None and event.message_id:
                delivery = await tx.deliveries.get_by_message_id(event.message_id)
            if delivery is None:
                return False
            if event.kind is DeliveryEventKind.DELIVERED:
                delivery.mark_delivered(now)
            else:
                pause, status = _PAUSES[event.kind]
                if status is not None:
                    delivery.status = status
                    delivery.error_message = (event.reason or event.kind.value)[:500]
                user = await tx.users.get(delivery.user_id)
                if user is not None:
                    user.pause_mail(pause, now)
                    await tx.users.update(user)
            await tx.deliveries.update(delivery)
            await tx.commit()
        return True
