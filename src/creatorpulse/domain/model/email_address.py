"""RFC 5322 addresses, as real mail systems accept them: dot-atom local part, DNS domain."""

from __future__ import annotations

import re

from creatorpulse.domain.model.errors import InvalidInput

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def normalise_email(raw: object, field: str = "email") -> str:
    """Return the address in canonical form (trimmed, lower case, ASCII domain) or raise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "an email address is required")
    address = raw.strip()
    if len(address) > 254 or address.count("@") != 1:
        raise InvalidInput.of(field, "invalid_email", "is not a valid email address")
    local, domain = address.rsplit("@", 1)
    if not 1 <= len(local) <= 64 or not _LOCAL.match(local):
        raise InvalidInput.of(field, "invalid_email", "the part before @ is not valid")
    try:
        domain = domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidInput.of(field, "invalid_email", "the domain is not valid") from None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidInput.of(field, "invalid_email", "the domain is not valid")
    if not _TLD.match(labels[-1]):
        raise InvalidInput.of(field, "invalid_email", "the domain has no valid top-level part")
    return f"{local.lower()}@{domain}"
