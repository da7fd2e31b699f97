"""Vectors as parameters (stored chunks and search queries alike): packed once into pgvector's
binary format, straight from floats.

pgvector's `Vector` copies a list into an array, copies it again to swap its bytes and looks up
its dumper once per element of an array: ~30 µs a vector, 30 of them for a day's candidates.
Packing here costs one conversion and one swap. Reading vectors back is pgvector's loader,
registered with the connection by `register`.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Sequence
from typing import Any

from pgvector.psycopg.vector import register_vector_info
from psycopg import AsyncConnection
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types import TypeInfo

_SWAP = sys.byteorder == "little"  # the wire is big-endian
_INT = struct.Struct(">i")


def _pack(values: Sequence[float]) -> bytes:
    """pgvector's binary input (`vector_recv`): dimensions, a reserved 0, big-endian float4s."""
    floats = array("f", values)
    if _SWAP:
        floats.byteswap()
    return struct.pack(">HH", len(floats), 0) + floats.tobytes()


class PackedVector:
    """One vector for a `vector` parameter."""

    __slots__ = ("data",)

    def __init__(self, values: Sequence[float]) -> None:
        self.data = _pack(values)


class PackedVectors:
    """Several vectors for a `vector[]` parameter (one-dimensional, no NULLs)."""

    __slots__ = ("count", "elements")

    def __init__(self, vectors: Sequence[Sequence[float]]) -> None:
        packed = [_pack(v) for v in vectors]
        self.count = len(packed)
        self.elements = b"".join(_INT.pack(len(p)) + p for p in packed)


async def register(conn: AsyncConnection[Any]) -> None:
    """pgvector's `vector` type, and the packed parameters, on a new connection."""
    info = await TypeInfo.fetch(conn, "vector")
    if info is None:
        raise RuntimeError("the vector type is missing: has CREATE EXTENSION vector run?")
    register_vector_info(conn, info)
    element_oid, array_oid = info.oid, info.array_oid

    class PackedVectorDumper(Dumper):
        format = Format.BINARY
        oid = element_oid

        def dump(self, obj: PackedVector) -> bytes:
            return obj.data

    class PackedVectorsDumper(Dumper):
        format = Format.BINARY
        oid = array_oid

        def dump(self, obj: PackedVectors) -> bytes:
            # array_recv: dimensions, has-NULLs flag, element type, then length and lower bound
            header = struct.pack(">iiIii", 1, 0, element_oid, obj.count, 1)
            return header + obj.elements

    conn.adapters.register_dumper(PackedVector, PackedVectorDumper)
    conn.adapters.register_dumper(PackedVectors, PackedVectorsDumper)
