"""Sign-in on in-memory storage: passwords are compared exactly as typed, and an unknown
address costs the same password verification as a known one (no timing tell); session tokens
are never signed with a short key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from builders import NOW, make_user
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.passwords import PwdlibHasher
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.domain.use_cases.authenticate import Authenticate
from creatorpulse.entrypoints.http.auth import TokenService
from creatorpulse.entrypoints.settings import Settings, SettingsError

# any composition: spaces at both ends, mixed case, symbols, other scripts, an emoji; 64+ long
PASSWORD = "  Correct Horse: пароль-батарея 🔑 staple! " + "x" * 30


class CountingHasher(PwdlibHasher):
    """argon2id as in production, with cheap parameters: these tests compare, not resist."""

    def __init__(self) -> None:
        super().__init__(PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024),)))
        self.verifications = 0

    async def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        self.verifications += 1
        return await super().verify(password, password_hash)


@pytest.fixture
async def signed_up() -> tuple[Authenticate, CountingHasher]:
    uow, hasher = MemoryUnitOfWorkFactory(), CountingHasher()
    async with uow.system() as tx:
        await tx.users.add(make_user("maya@example.com", password_hash=await hasher.hash(PASSWORD)))
        await tx.commit()
    return Authenticate(uow, hasher, FixedClock(NOW)), hasher


async def test_passwords_are_compared_exactly_as_typed(
    signed_up: tuple[Authenticate, CountingHasher],
) -> None:
    authenticate, _ = signed_up
    assert len(PASSWORD) >= 64 and len(PASSWORD.encode()) > 72
    assert (await authenticate("maya@example.com", PASSWORD)).email == "maya@example.com"
    first_72_bytes = PASSWORD.encode()[:72].decode(errors="ignore")  # what bcrypt would check
    near_misses = (PASSWORD.strip(), PASSWORD.lower(), PASSWORD.upper(), PASSWORD[:-1],
                   PASSWORD + " ", first_72_bytes)  # fmt: skip
    for near_miss in near_misses:
        with pytest.raises(AuthenticationFailed):
            await authenticate("maya@example.com", near_miss)


async def test_an_unknown_address_costs_one_verification_like_a_known_one(
    signed_up: tuple[Authenticate, CountingHasher],
) -> None:
    authenticate, hasher = signed_up
    refusals = []
    for address in ("maya@example.com", "nobody@example.com", "nobody-else@example.com"):
        before = hasher.verifications
        with pytest.raises(AuthenticationFailed) as refused:
            await authenticate(address, "not the password")
        assert hasher.verifications - before == 1, address
        refusals.append((refused.value.code, refused.value.message))
    assert len(set(refusals)) == 1, "every refusal reads the same"


def test_a_jwt_key_shorter_than_32_bytes_is_refused(tmp_path: Path) -> None:
    env = {"CREATORPULSE_DATA_DIR": str(tmp_path), "CREATORPULSE_STORAGE": "memory"}
    with pytest.raises(SettingsError, match="JWT_SECRET must be at least 32 bytes"):
        Settings.from_env({**env, "JWT_SECRET": "é" * 15 + "x"})  # 16 characters, 31 bytes
    assert Settings.from_env({**env, "JWT_SECRET": "é" * 16}).jwt_secret == "é" * 16
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenService("k" * 31, "https://cp.example.com", FixedClock(NOW))
