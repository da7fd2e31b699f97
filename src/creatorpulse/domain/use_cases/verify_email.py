from __future__ import annotations

from creatorpulse.domain.model.emails import EmailKind, WelcomeEmail
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.tokens import TokenPurpose
from creatorpulse.domain.model.users import User
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.token_links import user_behind
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.storage import UnitOfWorkFactory


class VerifyEmail:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        send_email: SendTransactionalEmail | None = None,
        base_url: str = "",
    ) -> None:
        self._uow, self._clock = uow, clock
        self._send_email, self._base_url = send_email, base_url.rstrip("/")

    async def __call__(self, token: object) -> User:
        invalid = InvalidInput.of(
            "token", "invalid_token", "this verification link is unknown, used or expired"
        )
        now = self._clock.now()
        async with self._uow.system() as tx:
            user = await user_behind(tx, token, TokenPurpose.VERIFY_EMAIL, now, invalid)
            user.verify_email(now)
            await tx.users.update(user)
            await tx.commit()
        if self._send_email is not None:
            welcome = WelcomeEmail(to=user.email, start_url=f"{self._base_url}/sources")
            await self._send_email(user.id, EmailKind.WELCOME, welcome)
        return user
