from __future__ import annotations

from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import AuthenticationFailed, InvalidInput
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.passwords import PasswordHasher
from creatorpulse.ports.storage import UnitOfWorkFactory

# Verified against when the address is unknown, so both paths cost one hash verification.
_DECOY_PASSWORD = "creatorpulse-decoy-password"


class Authenticate:
    """Email + password -> the user. Every refusal says the same thing, so it reveals nothing."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock
        self._decoy: str | None = None

    async def __call__(self, email: object, password: object) -> User:
        refused = AuthenticationFailed("email or password is incorrect", code="invalid_credentials")
        try:
            address = normalise_email(email)
        except InvalidInput:
            raise refused from None
        if not isinstance(password, str):
            raise refused
        async with self._uow.system() as tx:
            user = await tx.users.get_by_email(address)
        if user is None:
            self._decoy = self._decoy or await self._hasher.hash(_DECOY_PASSWORD)
            await self._hasher.verify(password, self._decoy)
            raise refused
        valid, upgraded = await self._hasher.verify(password, user.password_hash)
        if not valid or not user.can_sign_in:
            raise refused
        if upgraded:
            async with self._uow.for_user(user.id) as tx:
                user.change_password_hash(upgraded, self._clock.now())
                await tx.users.update(user)
                await tx.commit()
        return user
