"""SafeFetcher refuses private networks on the address it really connects to, every hop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from ipaddress import ip_address

import pytest

from creatorpulse.adapters.http import SafeFetcher
from creatorpulse.adapters.http.addresses import is_public
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from fakes_http.server import LocalServer, answer, redirect, serving

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

server = pytest.fixture(serving)


@pytest.fixture
def other() -> Iterator[LocalServer]:
    """A second loopback server nobody exempted: the guard must keep requests away from it."""
    yield from serving()


@pytest.fixture
async def guarded(server: LocalServer) -> AsyncIterator[SafeFetcher]:
    """Guard ON; only the first test server's origin counts as 'public'."""
    async with SafeFetcher(exempt_origins={("127.0.0.1", server.port)}) as fetcher:
        yield fetcher


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "2001:db8::1",
    ],
)
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public(ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_ordinary_internet_addresses_are_public(address: str) -> None:
    assert is_public(ip_address(address))


async def test_loopback_literal_is_refused_without_traffic(other: LocalServer) -> None:
    async with SafeFetcher() as fetcher:
        with pytest.raises(InvalidInput) as refused:
            await fetcher.get(other.url("/feed"))
    assert refused.value.codes == {"private_address"}
    assert other.requests == []


async def test_redirect_to_cloud_metadata_is_refused(
    server: LocalServer, guarded: SafeFetcher
) -> None:
    url = server.route("/r", redirect("http://169.254.169.254/latest/meta-data/"))
    with pytest.raises(InvalidInput) as refused:
        await guarded.get(url)
    assert refused.value.codes == {"private_address"}
    assert "169.254.169.254" in refused.value.message


async def test_redirect_to_loopback_is_refused_before_connecting(
    server: LocalServer, other: LocalServer, guarded: SafeFetcher
) -> None:
    other.route("/admin", answer(b"secret admin page"))
    url = server.route("/r", redirect(other.url("/admin"), status=301))
    with pytest.raises(InvalidInput) as refused:
        await guarded.get(url)
    assert refused.value.codes == {"private_address"}
    assert len(server.hits("/r")) == 1
    assert other.requests == []


async def test_exempt_server_itself_is_reachable(server: LocalServer, guarded: SafeFetcher) -> None:
    url = server.route("/feed", answer(RSS))
    assert (await guarded.get(url)).body == RSS


async def test_hostname_resolving_to_loopback_is_refused(other: LocalServer) -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async with SafeFetcher(resolver=rebinding) as fetcher:
        with pytest.raises(InvalidInput) as by_resolver:
            await fetcher.get(f"http://feeds.example.test:{other.port}/feed")
    async with SafeFetcher() as fetcher:
        with pytest.raises(InvalidInput) as by_localhost:
            await fetcher.get(f"http://localhost:{other.port}/feed")
    assert by_resolver.value.codes == by_localhost.value.codes == {"private_address"}
    assert other.requests == []


async def test_a_name_mixing_public_and_private_answers_is_refused(other: LocalServer) -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "127.0.0.1"]

    async with SafeFetcher(resolver=mixed) as fetcher:
        with pytest.raises(InvalidInput, match="private"):
            await fetcher.get(f"http://mixed.example.test:{other.port}/")
    assert other.requests == []


async def test_operator_flag_allows_private_networks_and_keeps_host_header(
    server: LocalServer,
) -> None:
    async def to_loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    url = server.route("/feed", answer(RSS))
    fetched_url = url.replace("127.0.0.1", "feeds.example.test")
    async with SafeFetcher(
        allow_private_networks=True, resolver=to_loopback, base_url="https://cp.example"
    ) as fetcher:
        got = await fetcher.get(fetched_url)
    assert got.body == RSS
    seen = server.hits("/feed")[0].headers
    assert seen["host"] == f"feeds.example.test:{server.port}"
    assert seen["user-agent"] == "CreatorPulse/0.1 (+https://cp.example)"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed", "javascript:alert(1)", "gopher://x/"]
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    async with SafeFetcher() as fetcher:
        with pytest.raises(InvalidInput) as refused:
            await fetcher.get(url)
    assert refused.value.codes == {"unsupported_scheme"}


async def test_redirect_to_a_file_url_is_refused(server: LocalServer) -> None:
    url = server.route("/r", redirect("file:///etc/passwd"))
    async with SafeFetcher(allow_private_networks=True) as fetcher:
        with pytest.raises(UpstreamError) as refused:
            await fetcher.get(url)
    assert refused.value.code == "unsupported_scheme"
    assert "root:" not in refused.value.message


async def test_at_most_five_redirects(server: LocalServer) -> None:
    for hop in range(7):
        server.route(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    server.route("/hop7", answer(RSS))
    async with SafeFetcher(allow_private_networks=True) as fetcher:
        assert (await fetcher.get(server.url("/hop2"))).body == RSS  # exactly 5 redirects
        with pytest.raises(UpstreamError) as looped:
            await fetcher.get(server.url("/hop0"))  # 7 redirects
    assert looped.value.code == "too_many_redirects"
    assert not looped.value.transient
