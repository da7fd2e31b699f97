"""Bearer tokens: HS256 JWTs with an explicit algorithm allowlist, audience, issuer and id;
signing out revokes the id until the token would have expired anyway."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

import jwt
import msgspec

from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.domain.model.users import User
from creatorpulse.ports.clock import Clock

ALGORITHMS = ["HS256"]  # the only one we accept: "none" and key-confusion tricks fail
AUDIENCE = "creatorpulse-api"
REQUIRED = ["exp", "iat", "sub", "jti", "aud", "iss"]
TOKEN_TTL = timedelta(hours=24)
VERIFIED_TOKENS = 4096  # remembered signature checks (a token string is ~350 bytes)
_INVALID = "your session is missing, invalid or expired; please sign in again"


class Claims(msgspec.Struct, frozen=True):
    user_id: UUID
    token_id: str
    expires_at: datetime
    issued_at: datetime


class TokenService:
    def __init__(self, secret: str, issuer: str, clock: Clock) -> None:
        if len(secret.encode()) < 32:
            raise ValueError("the JWT secret must be at least 32 bytes")
        self._secret, self._issuer, self._clock = secret, issuer, clock
        # Tokens whose signature, algorithm, audience, issuer and claims checked out: that
        # part depends on the token and the secret only, and PyJWT spends ~140 µs on it.
        # Time (exp, iat) is checked on every call; revocation is the caller's, every request.
        self._verified: dict[str, Claims] = {}

    def issue(self, user: User) -> tuple[str, datetime]:
        now = self._clock.now()
        expires = now + TOKEN_TTL
        claims = {
            "sub": str(user.id), "email": user.email, "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()), "aud": AUDIENCE, "iss": self._issuer,
            "jti": uuid.uuid4().hex,
        }  # fmt: skip
        return jwt.encode(claims, self._secret, algorithm=ALGORITHMS[0]), expires.replace(
            microsecond=0
        )

    def verify(self, token: str) -> Claims:
        """The token's claims, or AuthenticationFailed whatever is wrong with it."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._decode(token)
            if len(self._verified) >= VERIFIED_TOKENS:
                del self._verified[next(iter(self._verified))]  # the oldest
            self._verified[token] = claims
        # exp and iat against our clock, not the library's wall clock, so time is testable
        now = self._clock.now()
        if claims.expires_at <= now or claims.issued_at > now + timedelta(minutes=1):
            raise AuthenticationFailed(_INVALID, code="invalid_token")
        return claims

    def _decode(self, token: str) -> Claims:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=ALGORITHMS, audience=AUDIENCE,
                issuer=self._issuer,
                options={"require": REQUIRED, "verify_exp": False, "verify_iat": False},
            )  # fmt: skip
            user_id = UUID(str(claims["sub"]))
            expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
            issued = datetime.fromtimestamp(int(claims["iat"]), UTC)
            token_id = str(claims["jti"])
        except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError):
            raise AuthenticationFailed(_INVALID, code="invalid_token") from None
        if not 16 <= len(token_id) <= 64:
            raise AuthenticationFailed(_INVALID, code="invalid_token")
        return Claims(user_id=user_id, token_id=token_id, expires_at=expires, issued_at=issued)


Failure = tuple[str, str]  # (kind, key): ("account", email) or ("address", client address)


class FailureStore(Protocol):
    async def add(self, failures: list[Failure], at: float) -> None: ...

    async def nth_newest(self, asks: list[tuple[Failure, int]], since: float) -> list[float | None]:
        """For each (failure, n): the time of its n-th newest record at or after `since`, or
        None when it has fewer than n."""
        ...

    async def clear(self, failure: Failure) -> None: ...


class MemoryFailures(FailureStore):
    def __init__(self) -> None:
        self._stamps: dict[Failure, deque[float]] = defaultdict(deque)

    async def add(self, failures: list[Failure], at: float) -> None:
        for failure in failures:
            self._stamps[failure].append(at)

    async def nth_newest(self, asks: list[tuple[Failure, int]], since: float) -> list[float | None]:
        found: list[float | None] = []
        for failure, n in asks:
            stamps = self._stamps.get(failure)
            while stamps and stamps[0] < since:
                stamps.popleft()
            found.append(stamps[-n] if stamps and len(stamps) >= n else None)
        return found

    async def clear(self, failure: Failure) -> None:
        self._stamps.pop(failure, None)


class LoginThrottle:
    """Failed sign-ins, per account and per client address, over a sliding window; kept in
    this process or, shared by every API process, in the database."""

    def __init__(
        self, store: FailureStore | None = None, *, per_account: int = 10,
        per_address: int = 50, window: float = 900.0, clock: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        self.store = store or MemoryFailures()
        self._limits = {"account": per_account, "address": per_address}
        self._window, self._clock = window, clock

    async def retry_after(self, account: str, address: str) -> tuple[int, float] | None:
        """(the limit hit, seconds until a slot frees) while blocked; None when not blocked."""
        now = self._clock()
        asks = [((kind, key), self._limits[kind])
                for kind, key in (("account", account), ("address", address))]  # fmt: skip
        oldest = await self.store.nth_newest(asks, now - self._window)
        waits = [
            (limit, stamp + self._window - now)
            for ((_, limit), stamp) in zip(asks, oldest, strict=True)
            if stamp is not None
        ]
        return max(waits, key=lambda w: w[1]) if waits else None

    async def failed(self, account: str, address: str) -> None:
        await self.store.add([("account", account), ("address", address)], self._clock())

    async def succeeded(self, account: str) -> None:
        await self.store.clear(("account", account))
