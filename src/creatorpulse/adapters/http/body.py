"""Reading a response body under a cap that counts decompressed bytes, so bombs fail fast."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from creatorpulse.domain.model.errors import UpstreamError

ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    pass


class _Inflater:
    """gzip or deflate (zlib-wrapped or raw), never producing more than it is allowed."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)

    def inflate(self, data: bytes, allowance: int) -> bytes:
        try:
            out = self._inflate.decompress(data, allowance + 1)
        except zlib.error:
            if not self._raw_fallback:
                raise
            # Some servers send raw deflate without the zlib wrapper (as browsers tolerate).
            self._raw_fallback = False
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, allowance + 1)
        parts, size = [out], len(out)
        while self._inflate.unconsumed_tail and size <= allowance:
            out = self._inflate.decompress(self._inflate.unconsumed_tail, allowance + 1 - size)
            parts.append(out)
            size += len(out)
        self._raw_fallback = False
        return b"".join(parts)


async def read_capped(raw: AsyncIterator[bytes], content_encoding: str, cap: int) -> bytes:
    """The decoded body; BodyTooLarge as soon as it passes `cap` bytes."""
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        inflater = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    else:
        raise UpstreamError(
            f"the server compressed the feed with {encoding!r}, which we do not accept",
            code="bad_encoding",
        )
    parts: list[bytes] = []
    size = 0
    async for chunk in raw:
        try:
            data = inflater.inflate(chunk, cap - size) if inflater else chunk
        except zlib.error as error:
            raise UpstreamError(
                "the server sent a compressed body that could not be decompressed",
                code="bad_encoding",
            ) from error
        size += len(data)
        if size > cap:
            raise BodyTooLarge
        parts.append(data)
    return b"".join(parts)
