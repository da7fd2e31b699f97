"""A connection backend that resolves names itself and connects only to vetted addresses.

Vetting the address a socket actually connects to (not the one a pre-flight lookup saw) is
what closes DNS rebinding: the name is resolved once, here, and the vetted IP is dialled.
TLS still uses the URL's host name for SNI and certificates; Host headers are untouched.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import Any

import httpcore
import httpx

from creatorpulse.adapters.http.addresses import is_public, parse_address

Resolver = Callable[[str, int], Awaitable[list[str]]]


class PrivateAddressRefused(Exception):
    """The host resolves to an address that is not on the public internet."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    def __init__(
        self,
        *,
        allow_private_networks: bool,
        resolver: Resolver | None = None,
        exempt_origins: Collection[tuple[str, int]] = (),
    ) -> None:
        self._allow_private = allow_private_networks
        self._resolver = resolver or system_resolver
        self._exempt = frozenset(exempt_origins)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def _resolve(self, host: str, port: int, wait: float | None) -> list[str]:
        literal = parse_address(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                async with asyncio.timeout(wait):
                    addresses = await self._resolver(host, port)
            except (OSError, TimeoutError) as error:
                raise httpcore.ConnectError(f"{host} could not be resolved") from error
        trusted = self._allow_private or (host, port) in self._exempt
        # One private answer refuses them all: a name that mixes them is a rebinding attempt.
        if not trusted and not all(_public(a) for a in addresses):
            raise PrivateAddressRefused(host)
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not reachable from a feed address")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _public(text: str) -> bool:
    address = parse_address(text)
    return address is not None and is_public(address)


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        super().__init__(retries=0)
        # httpx has no public hook for the network backend; its pool takes one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
