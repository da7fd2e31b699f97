"""pwdlib: argon2id for new hashes; bcrypt hashes still verify and are upgraded on sign-in."""

from __future__ import annotations

import asyncio

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from creatorpulse.ports.passwords import PasswordHasher


class PwdlibHasher(PasswordHasher):
    def __init__(self, hasher: PasswordHash | None = None) -> None:
        self._hash = hasher or PasswordHash((Argon2Hasher(), BcryptHasher()))

    async def hash(self, password: str) -> str:
        # Hashing is deliberately slow: keep it off the event loop.
        return await asyncio.to_thread(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        try:
            return await asyncio.to_thread(self._hash.verify_and_update, password, password_hash)
        except Exception:  # an unknown or corrupt hash is a failed sign-in, not a crash
            return False, None
