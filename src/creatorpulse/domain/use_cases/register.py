from __future__ import annotations

import msgspec

from creatorpulse.domain.model.emails import EmailKind, VerificationEmail
from creatorpulse.domain.model.errors import Conflict, Issues
from creatorpulse.domain.model.text import token_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose
from creatorpulse.domain.model.users import User, check_password
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.ids import IdGenerator, TokenGenerator
from creatorpulse.ports.passwords import PasswordHasher
from creatorpulse.ports.storage import UnitOfWorkFactory


class Registration(msgspec.Struct, frozen=True):
    user: User
    verification_token: str


class RegisterUser:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        clock: Clock,
        ids: IdGenerator,
        tokens: TokenGenerator,
        send_email: SendTransactionalEmail,
        base_url: str,
    ) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock
        self._ids, self._tokens, self._send_email = ids, tokens, send_email
        self._base_url = base_url.rstrip("/")

    async def __call__(
        self,
        email: object,
        password: object,
        timezone: object = None,
        delivery_time: object = None,
    ) -> Registration:
        now = self._clock.now()
        issues = Issues()
        issues.check(check_password, password)
        user = issues.check(
            User.register,
            id=self._ids.new_id(),
            email=email,
            password_hash="",
            timezone=timezone,
            delivery_time=delivery_time,
            now=now,
        )
        issues.raise_if_any()
        assert user is not None and isinstance(password, str)
        user.password_hash = await self._hasher.hash(password)
        token = self._tokens.new_token()
        async with self._uow.system() as tx:
            if await tx.users.get_by_email(user.email) is not None:
                raise Conflict("an account with this email already exists", code="email_taken")
            await tx.users.add(user)
            await tx.tokens.add(
                ActionToken.issue(
                    token_hash=token_hash(token),
                    purpose=TokenPurpose.VERIFY_EMAIL,
                    user_id=user.id,
                    now=now,
                )
            )
            await tx.commit()
        link = f"{self._base_url}/verify-email?token={token}"
        await self._send_email(
            user.id, EmailKind.VERIFICATION, VerificationEmail(to=user.email, verify_url=link)
        )
        return Registration(user, token)
