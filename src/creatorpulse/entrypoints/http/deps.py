"""Who is asking: the signed-in creator behind a bearer token; and how routes get what the
composition root built."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeAlias, TypeVar, get_type_hints

import msgspec
from dishka import AsyncContainer, FromComponent
from litestar import Request

from creatorpulse.domain.model.errors import AuthenticationFailed
from creatorpulse.domain.model.users import User
from creatorpulse.entrypoints.http.auth import Claims, TokenService
from creatorpulse.entrypoints.http.edge import header
from creatorpulse.entrypoints.use_cases import UseCases

_MISSING = "sign in first: send 'Authorization: Bearer <token>'"


class Session(msgspec.Struct, frozen=True):
    user: User
    claims: Claims


class SessionCheck(msgspec.Struct, frozen=True):
    """Marks a route parameter as its session: `check_session` runs `check` before the route
    reads its input, and `inject` hands the result over."""

    check: Callable[[Request[Any, Any, Any]], Awaitable[Session]]


_FROM_DISHKA = type(FromComponent())  # the mark in FromDishka[...]'s Annotated
T = TypeVar("T")
Route = TypeVar("Route", bound=Callable[..., Awaitable[Any]])


def container_of(request: Request[Any, Any, Any]) -> AsyncContainer:
    """The app's dishka container (create_app keeps it in the app's state)."""
    container: AsyncContainer = request.app.state.dishka_container
    return container


async def resolve(request: Request[Any, Any, Any], kind: type[T]) -> T:
    """What the app's container provides for `kind`, asked of it once per app: everything
    there is APP-scoped, and a signed-in request needs two or three of them."""
    resolved: dict[Any, Any] = request.scope["litestar_app"].state.resolved
    found = resolved.get(kind)
    if found is None:
        found = resolved[kind] = await container_of(request).get(kind)
    return found  # type: ignore[no-any-return]


_SESSION = "creatorpulse.session"  # where check_session leaves a route's session in its scope


async def check_session(request: Request[Any, Any, Any]) -> None:
    """The app's before-request hook: the session check of a route that takes a session
    (`inject` names it), before Litestar reads the route's parameters or body, so a stranger
    gets 401 whatever they sent."""
    wanted = getattr(request.scope["route_handler"].fn, "session_check", None)
    if wanted is not None:
        request.scope[_SESSION] = await wanted(request)  # type: ignore[literal-required]


def inject(func: Route) -> Route:
    """A route that gets its `FromDishka[...]` parameters from the app's container and its
    session parameter (`Verified`, `SignedIn`) from the check that `check_session`, the app's
    before-request hook, ran for it.

    Both are hidden from Litestar's signature, so it neither documents nor parses them. In
    place of dishka's Litestar integration (a request-scoped container per request, 50-100 µs)
    and Litestar dependencies for the session (a dependency batch, an exit stack and a second
    signature model per request): everything routes take is APP-scoped, so each is asked of
    the container once per app (`resolve`). A REQUEST-scoped one would fail loudly there (no
    factory in this scope) rather than be shared."""
    hints = get_type_hints(func, include_extras=True)
    parameters = inspect.signature(func).parameters
    provided: dict[str, Any] = {}  # parameter → the type the container provides
    sessions: list[tuple[str, SessionCheck]] = []  # parameter → its check (one at most)
    for name in parameters:
        for mark in getattr(hints.get(name), "__metadata__", ()):
            if isinstance(mark, _FROM_DISHKA):
                provided[name] = hints[name].__origin__
            elif isinstance(mark, SessionCheck):
                sessions.append((name, mark))
    if len(sessions) > 1:
        raise TypeError(f"{func.__qualname__} takes more than one session: {sessions}")
    session, check = sessions[0] if sessions else (None, None)
    takes_request = "request" in parameters

    @functools.wraps(func)
    async def route(*args: Any, **kwargs: Any) -> Any:
        request = kwargs["request"] if takes_request else kwargs.pop("request")
        if session is not None:  # checked already: a KeyError here means the hook is missing
            kwargs[session] = request.scope[_SESSION]
        for name, kind in provided.items():
            kwargs[name] = await resolve(request, kind)
        return await func(*args, **kwargs)

    visible = [
        p.replace(annotation=hints.get(name, p.annotation))
        for name, p in parameters.items() if name not in provided and name != session
    ]  # fmt: skip
    if not takes_request:
        visible.append(
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        )
    route.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        visible, return_annotation=hints.get("return", inspect.Signature.empty)
    )
    route.__annotations__ = {p.name: p.annotation for p in visible} | {
        "return": hints.get("return")
    }
    del route.__wrapped__  # Litestar must read the new signature, not the route's own
    route.session_check = check.check if check else None  # type: ignore[attr-defined]
    return route  # type: ignore[return-value]


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
    """A signed-in creator whose email address is verified (every endpoint but /v1/me and
    sign-out)."""
    account = await signed_in(request)
    if not account.user.email_verified:
        raise AuthenticationFailed(
            "verify your email address first: follow the link we emailed you",
            code="email_not_verified",
        )
    return account


# The session a route takes: any signed-in creator's, or a verified one's (every route but
# /v1/me and sign-out). Filled by `inject`, which every such route needs.
SignedIn: TypeAlias = Annotated[Session, SessionCheck(signed_in)]
Verified: TypeAlias = Annotated[Session, SessionCheck(verified)]
