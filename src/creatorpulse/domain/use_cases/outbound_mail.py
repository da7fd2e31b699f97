"""Sending one transactional email with a delivery-log row around it."""

from __future__ import annotations

from uuid import UUID

from creatorpulse.domain.model.emails import Email as EmailMessage
from creatorpulse.domain.model.emails import EmailDelivery, EmailKind, OutgoingEmail
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator
from creatorpulse.ports.mailer import Mailer
from creatorpulse.ports.storage import UnitOfWorkFactory


class SendTransactionalEmail:
    """Log, send, record the outcome. A failure is recorded, not raised: the caller's action
    (registration, reset request) has already succeeded and must not be undone by mail."""

    def __init__(self, uow: UnitOfWorkFactory, mailer: Mailer, clock: Clock, ids: IdGenerator):
        self._uow, self._mailer, self._clock, self._ids = uow, mailer, clock, ids

    async def __call__(
        self, user_id: UUID, kind: EmailKind, message: EmailMessage
    ) -> EmailDelivery:
        delivery = EmailDelivery(
            id=self._ids.new_id(), user_id=user_id, email_type=kind, created_at=self._clock.now()
        )
        delivery.record_attempt()
        try:
            message_id = await self._mailer.send(
                OutgoingEmail(delivery_id=delivery.id, kind=kind, message=message)
            )
        except UpstreamError as error:
            delivery.mark_failed(error.message)
        else:
            delivery.mark_sent(message_id, self._clock.now())
        async with self._uow.for_user(user_id) as tx:
            await tx.deliveries.add(delivery)
            await tx.commit()
        return delivery
