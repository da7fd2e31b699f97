"""Search vectors packed by hand are byte for byte what pgvector's own Vector sends."""

from __future__ import annotations

from array import array

from hypothesis import given
from hypothesis import strategies as st
from pgvector import Vector

from creatorpulse.adapters.postgres.vectors import PackedVector, PackedVectors

floats = st.floats(width=32, allow_nan=False, allow_infinity=False)
vectors = st.lists(floats, min_size=1, max_size=64)


@given(vectors)
def test_one_vector_packs_as_pgvector_does(values: list[float]) -> None:
    assert PackedVector(values).data == Vector(values).to_binary()
    assert PackedVector(array("d", values)).data == Vector(values).to_binary()  # cached form


@given(st.lists(vectors, min_size=1, max_size=5))
def test_each_element_of_an_array_is_length_prefixed(many: list[list[float]]) -> None:
    packed = PackedVectors(many)
    expected = b"".join(len(b := Vector(v).to_binary()).to_bytes(4, "big") + b for v in many)
    assert (packed.count, packed.elements) == (len(many), expected)
