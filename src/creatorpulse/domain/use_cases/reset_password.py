from __future__ import annotations

from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.emails import EmailKind, PasswordResetEmail
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import check_password
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.token_links import user_behind
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import TokenGenerator
from creatorpulse.ports.passwords import PasswordHasher
from creatorpulse.ports.storage import UnitOfWorkFactory


class RequestPasswordReset:
    """Mails a reset link if the address belongs to an active account; says nothing either way."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        tokens: TokenGenerator,
        send_email: SendTransactionalEmail,
        base_url: str,
    ) -> None:
        self._uow, self._clock, self._tokens = uow, clock, tokens
        self._send_email, self._base_url = send_email, base_url.rstrip("/")

    async def __call__(self, email: object) -> None:
        address = normalise_email(email)
        token = self._tokens.new_token()
        async with self._uow.system() as tx:
            user = await tx.users.get_by_email(address)
            if user is None or not user.active:
                return
            await tx.tokens.add(
                ActionToken.issue(
                    token_hash=token_hash(token),
                    purpose=TokenPurpose.RESET_PASSWORD,
                    user_id=user.id,
                    now=self._clock.now(),
                )
            )
            await tx.commit()
        link = f"{self._base_url}/reset-password?token={token}"
        await self._send_email(
            user.id, EmailKind.PASSWORD_RESET, PasswordResetEmail(to=user.email, reset_url=link)
        )


class ResetPassword:
    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, token: object, new_password: object) -> None:
        password = check_password(new_password, "password")
        invalid = InvalidInput.of(
            "token", "invalid_token", "this reset link is unknown, used or expired"
        )
        new_hash = await self._hasher.hash(password)
        now = self._clock.now()
        async with self._uow.system() as tx:
            user = await user_behind(tx, token, TokenPurpose.RESET_PASSWORD, now, invalid)
            user.change_password_hash(new_hash, now)
            # The reset link proves the mailbox is theirs.
            user.verify_email(now)
            await tx.users.update(user)
            await tx.commit()
