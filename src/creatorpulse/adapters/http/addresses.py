"""Which IP addresses a fetch of a user-supplied address may connect to."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

_CGNAT = IPv4Network("100.64.0.0/10")
_NAT64 = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = IPv6Network("::/96")


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, whatever disguise they come in."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None or address in _IPV4_COMPATIBLE:
            return False
        if any(address in net for net in _NAT64):
            return False
        embedded = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    elif address in _CGNAT:
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


def parse_address(text: str) -> IPAddress | None:
    """The address a literal host names (brackets and IPv6 zone ids allowed), else None."""
    try:
        return ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
