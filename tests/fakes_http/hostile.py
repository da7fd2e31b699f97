"""Servers that misbehave on purpose: bombs, endless bodies, slow drips."""

from __future__ import annotations

import functools
import struct
import time
import zlib

from fakes_http.server import Exchange, Handler

MIB = 1024 * 1024


@functools.cache
def gzip_bomb(megabytes: int = 1024) -> bytes:
    """About 1 MB of gzip that inflates to `megabytes` MiB of zeros (a valid gzip file).

    After a full flush deflate forgets its history, so every 1 MiB block compresses to the
    same bytes and the block can be repeated instead of compressing a gigabyte.
    """
    zeros = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    final_block = deflate.flush()[:-8]
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    trailer = struct.pack("<II", crc, (megabytes * MIB) & 0xFFFFFFFF)
    return first + block * (megabytes - 1) + final_block + trailer


def serve_gzip_bomb(exchange: Exchange) -> None:
    exchange.send(
        200,
        gzip_bomb(),
        {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
    )


def endless(megabytes: int = 100) -> Handler:
    """Declares and streams `megabytes` MiB; stops as soon as the client hangs up."""

    def handle(exchange: Exchange) -> None:
        exchange.start(
            200, {"Content-Type": "application/rss+xml", "Content-Length": str(megabytes * MIB)}
        )
        chunk = b"<rss>" + b" " * (MIB - 5)
        for _ in range(megabytes):
            if not exchange.write(chunk):
                return

    return handle


def endless_undeclared(megabytes: int = 100) -> Handler:
    """The same without a Content-Length (read until close), so only the streaming cap helps."""

    def handle(exchange: Exchange) -> None:
        exchange._handler.close_connection = True
        exchange.start(200, {"Content-Type": "application/rss+xml", "Connection": "close"})
        for _ in range(megabytes):
            if not exchange.write(b" " * MIB):
                return

    return handle


def slow_drip(seconds: int = 60, interval: float = 1.0) -> Handler:
    """One byte per `interval`: each read is quick enough, the whole never arrives."""

    def handle(exchange: Exchange) -> None:
        exchange.start(200, {"Content-Type": "application/rss+xml", "Content-Length": "100000"})
        for _ in range(int(seconds / interval)):
            if not exchange.write(b" "):
                return
            time.sleep(interval)

    return handle
