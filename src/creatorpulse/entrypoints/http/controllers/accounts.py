from __future__ import annotations

import math
import time
from typing import Any

from dishka import FromDishka
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody, Parameter

from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.entrypoints.http.auth import LoginThrottle, TokenService
from creatorpulse.entrypoints.http.deps import SignedIn, client_address, inject
from creatorpulse.entrypoints.http.envelope import Envelope, ok
from creatorpulse.entrypoints.http.errors import RateLimited
from creatorpulse.entrypoints.http.schemas import (
    AuthOut,
    EmailBody,
    LoginBody,
    MessageOut,
    RegisterBody,
    ResetConfirmBody,
    UserOut,
)
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases

_THROTTLED = "too many failed sign-in attempts; wait a few minutes and try again"


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["Authentication"]
    security = [{}]

    @post("/register", status_code=201, opt={"rate_limit": (3, 60)})
    @inject
    async def register(
        self, data: JSONBody[RegisterBody], cases: FromDishka[UseCases],
        tokens: FromDishka[TokenService], metrics: FromDishka[Metrics],
    ) -> Response[Envelope[AuthOut]]:  # fmt: skip
        registration = await cases.register(data.email, data.password, data.timezone)
        metrics.event("registrations")
        token, expires = tokens.issue(registration.user)
        return ok(AuthOut(UserOut.of(registration.user), token, expires), 201)

    @post("/login", status_code=200, opt={"rate_limit": (5, 60)})
    @inject
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginBody],
        cases: FromDishka[UseCases], tokens: FromDishka[TokenService],
        throttle: FromDishka[LoginThrottle],
    ) -> Response[Envelope[AuthOut]]:  # fmt: skip
        account, address = data.email.strip().lower(), client_address(request)
        blocked = await throttle.retry_after(account, address)
        if blocked is not None:
            # A rate limit (429, as the contract's table says), keyed by the address typed in
            # whether or not it is registered, so the lock reveals nothing about accounts.
            limit, wait = blocked
            seconds = max(1, math.ceil(wait))
            raise RateLimited(
                limit, int(time.time()) + seconds, {"Retry-After": str(seconds)}, _THROTTLED
            )
        try:
            user = await cases.authenticate(data.email, data.password)
        except AuthenticationFailed:
            await throttle.failed(account, address)
            raise
        await throttle.succeeded(account)
        token, expires = tokens.issue(user)
        return ok(AuthOut(UserOut.of(user), token, expires))

    @post("/logout", status_code=200, security=None)
    @inject
    async def logout(
        self, account: SignedIn, cases: FromDishka[UseCases]
    ) -> Response[Envelope[MessageOut]]:
        claims = account.claims
        await cases.account.sign_out(account.user.id, claims.token_id, claims.expires_at)
        return ok(MessageOut("signed out"))

    @post("/reset-password", status_code=200, opt={"rate_limit": (3, 3600)})
    @inject
    async def reset_password(
        self, data: JSONBody[EmailBody], cases: FromDishka[UseCases]
    ) -> Response[Envelope[MessageOut]]:
        await cases.request_reset(data.email)
        return ok(MessageOut("if that address has an account, a reset link is on its way"))

    @post("/reset-password/confirm", status_code=200, opt={"rate_limit": (10, 3600)})
    @inject
    async def confirm_reset(
        self, data: JSONBody[ResetConfirmBody], cases: FromDishka[UseCases]
    ) -> Response[Envelope[MessageOut]]:
        await cases.reset_password(data.token, data.password)
        return ok(MessageOut("your password has been changed; sign in with the new one"))

    @get("/verify-email")
    @inject
    async def verify_email(
        self, cases: FromDishka[UseCases], metrics: FromDishka[Metrics],
        token: str = Parameter(default=""),
    ) -> Response[Envelope[MessageOut]]:  # fmt: skip
        await cases.verify_email(token)
        metrics.event("verifications")
        return ok(MessageOut("your email address is verified"))


class MeController(Controller):
    path = "/v1/me"
    tags = ["Account"]

    @get("/")
    @inject
    async def me(self, account: SignedIn) -> Response[Envelope[UserOut]]:
        return ok(UserOut.of(account.user))

    @delete("/", status_code=200)
    @inject
    async def delete_me(
        self,
        account: SignedIn,
        cases: FromDishka[UseCases],
    ) -> Response[Envelope[MessageOut]]:
        claims = account.claims
        await cases.account.delete(account.user.id)
        await cases.account.sign_out(account.user.id, claims.token_id, claims.expires_at)
        return ok(MessageOut("your account and everything in it have been deleted"))
