"""Who is asking: the signed-in creator behind a bearer token; and how routes get what the
composition root built."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeAlias, TypeVar, get_type_hints

import msgspec
from dishka import AsyncContainer
from dishka.integrations.base import wrap_injection
from litestar import Request
from litestar.di import NamedDependency, Provide

from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.domain.model.users import User
from creatorpulse.entrypoints.http.auth import Claims, TokenService
from creatorpulse.entrypoints.http.edge import header
from creatorpulse.entrypoints.use_cases import UseCases

_MISSING = "sign in first: send 'Authorization: Bearer <token>'"


class Session(msgspec.Struct, frozen=True):
    user: User
    claims: Claims


SessionDep: TypeAlias = NamedDependency[Session]  # injected by its parameter's name


P = ParamSpec("P")
T = TypeVar("T")


def container_of(request: Request[Any, Any, Any]) -> AsyncContainer:
    """The app's dishka container (create_app keeps it in the app's state)."""
    container: AsyncContainer = request.app.state.dishka_container
    return container


async def resolve(request: Request[Any, Any, Any], kind: Any) -> Any:
    """What the app's container provides for `kind`, asked of it once per app: everything
    there is APP-scoped, and the session check asks for two things on every request."""
    resolved: dict[Any, Any] = request.app.state.resolved
    found = resolved.get(kind)
    if found is None:
        found = resolved[kind] = await container_of(request).get(kind)
    return found


def inject(func: Callable[P, T]) -> Callable[P, T]:
    """dishka's injection of `FromDishka[...]` parameters, resolved from the app's container.

    dishka's Litestar integration opened a request-scoped container for every request (50-100
    µs of a signed-in read's CPU, in-process A/B); everything a route takes is built once per
    process (APP scope), so routes read the app's container itself. A REQUEST-scoped
    dependency would fail loudly here (no factory in this scope) rather than be shared."""
    wanted = [] if "request" in get_type_hints(func) else [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    ]  # fmt: skip
    return wrap_injection(
        func=func, is_async=True, additional_params=wanted,
        container_getter=lambda _, kwargs: container_of(kwargs["request"]),
    )  # fmt: skip


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def signed_in(request: Request[Any, Any, Any]) -> Session:
    """Any valid, unrevoked token of an active account (verified or not)."""
    scheme, _, token = header(request.scope, b"authorization").decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed(_MISSING, code="missing_token")
    tokens: TokenService = await resolve(request, TokenService)
    cases: UseCases = await resolve(request, UseCases)
    claims = tokens.verify(token.strip())
    user, signed_out = await cases.account.session(claims.user_id, claims.token_id)
    if signed_out:
        raise AuthenticationFailed("this session has been signed out", code="revoked_token")
    if user is None:
        raise AuthenticationFailed("this account no longer exists", code="invalid_token")
    if not user.active:
        raise AuthenticationFailed("this account is not active", code="inactive_account")
    if user.session_outlived(claims.issued_at):
        raise AuthenticationFailed(
            "this session ended when the password changed: sign in again", code="revoked_token"
        )
    return Session(user=user, claims=claims)


async def verified(request: Request[Any, Any, Any]) -> Session:
    """A signed-in creator whose email address is verified (every endpoint but /v1/me).

    One dependency that calls signed_in(), not a second that takes it: Litestar's
    dependency resolution costs per dependency on every request."""
    account = await signed_in(request)
    if not account.user.email_verified:
        raise AuthenticationFailed(
            "verify your email address first: follow the link we emailed you",
            code="email_not_verified",
        )
    return account


# Every route of a controller that needs a verified, signed-in creator.
SIGNED_IN = {"session": Provide(verified)}
