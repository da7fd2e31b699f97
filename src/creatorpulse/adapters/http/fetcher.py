"""One guarded HTTP client for every address a user gives us (feeds today, pages tomorrow)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import UTC, datetime
from types import TracebackType

import httpx
import msgspec

from creatorpulse.adapters.http.backend import (
    GuardedNetworkBackend,
    GuardedTransport,
    PrivateAddressRefused,
    Resolver,
)
from creatorpulse.adapters.http.body import ACCEPT_ENCODING, BodyTooLarge, read_capped
from creatorpulse.adapters.http.freshness import max_age_seconds, retry_after_seconds, status_error
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.ports.feeds import Validators

MIB = 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HttpAnswer(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    body: bytes | None
    content_type: str
    validators: Validators
    max_age: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


class SafeFetcher:
    """GETs with the private-network guard, a redirect limit, a total deadline and a body cap."""

    def __init__(
        self,
        *,
        base_url: str = "http://127.0.0.1:8000",
        allow_private_networks: bool = False,
        total_timeout: float = 20.0,
        connect_timeout: float = 5.0,
        max_bytes: int = 15 * MIB,
        max_redirects: int = 5,
        resolver: Resolver | None = None,
        exempt_origins: Collection[tuple[str, int]] = (),
    ) -> None:
        self.total_timeout, self.max_bytes, self.max_redirects = (
            total_timeout,
            max_bytes,
            max_redirects,
        )
        backend = GuardedNetworkBackend(
            allow_private_networks=allow_private_networks,
            resolver=resolver,
            exempt_origins=exempt_origins,
        )
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(backend),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would dodge the address check
            timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
            headers={
                "User-Agent": f"CreatorPulse/0.1 (+{base_url})",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def get(
        self, url: str, validators: Validators | None = None, accept: str = "*/*"
    ) -> HttpAnswer:
        """The body (None when the server says 304 Not Modified) and the new validators.

        Raises InvalidInput for addresses we refuse to fetch, UpstreamError for failures.
        """
        target = _checked(url, "url")
        try:
            async with asyncio.timeout(self.total_timeout):
                return await self._follow(target, validators or Validators(), accept)
        except PrivateAddressRefused as refused:
            raise InvalidInput.of(
                "url",
                "private_address",
                f"{refused.host} is on a private or local network, which CreatorPulse does "
                "not fetch",
            ) from None
        except (TimeoutError, httpx.TimeoutException):
            raise UpstreamError(
                f"{target.host} did not answer in full within {self.total_timeout:g} seconds",
                code="timeout",
                transient=True,
            ) from None
        except BodyTooLarge:
            raise UpstreamError(
                f"{target.host} sent more than {self.max_bytes // MIB} MiB; feeds are smaller",
                code="too_large",
            ) from None
        except httpx.TransportError as error:
            raise UpstreamError(
                f"could not reach {target.host} ({_plain(error)})",
                code="connection_failed",
                transient=True,
            ) from None

    async def _follow(self, url: httpx.URL, validators: Validators, accept: str) -> HttpAnswer:
        headers = {"Accept": accept, **validators.headers()}
        for _ in range(self.max_redirects + 1):
            request = self._client.build_request("GET", url, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    url = _checked(str(url.join(location)), "redirect")
                    continue
                return await self._answer(response, validators)
            finally:
                await response.aclose()
        raise UpstreamError(
            f"the address redirected more than {self.max_redirects} times",
            code="too_many_redirects",
        )

    async def _answer(self, response: httpx.Response, previous: Validators) -> HttpAnswer:
        now = datetime.now(UTC)
        if response.status_code >= 400 or response.status_code < 200:
            wait = retry_after_seconds(response.headers.get("retry-after"), now)
            raise status_error(response.status_code, response.url.host, wait)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise BodyTooLarge
        body = None
        if response.status_code != 304:
            encoding = response.headers.get("content-encoding", "")
            body = await read_capped(response.aiter_raw(), encoding, self.max_bytes)
        return HttpAnswer(
            url=str(response.url),
            body=body,
            content_type=response.headers.get("content-type", ""),
            validators=Validators(
                etag=response.headers.get("etag") or previous.etag,
                last_modified=response.headers.get("last-modified") or previous.last_modified,
            ),
            max_age=max_age_seconds(response.headers.get("cache-control")),
        )


def _checked(url: str, field: str) -> httpx.URL:
    """An http(s) URL with a host; anything else is refused before any traffic."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise _refused(field, "invalid_url", "this is not a valid web address") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise _refused(field, "unsupported_scheme", "only http and https addresses can be fetched")
    return parsed


def _refused(field: str, code: str, message: str) -> InvalidInput | UpstreamError:
    if field == "redirect":
        return UpstreamError(f"the address redirected elsewhere, but {message}", code=code)
    return InvalidInput.of("url", code, message)


def _plain(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused or name not found"
    return "the connection broke off"
