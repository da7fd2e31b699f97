"""The daily run's hot paths made fast (benchmarks/daily_scale) choose and compute exactly what
the plain versions they replaced did: those plain versions are kept here as the reference."""

from __future__ import annotations

import math
import re
import zlib
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.adapters import local_reading as reading
from creatorpulse.adapters.local_embedder import _WORD, embed
from creatorpulse.adapters.local_reading import mentions, repeats, shingles
from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.quality import COPY_RUN_WORDS
from creatorpulse.domain.model.ranking import (
    MMR_LAMBDA,
    SAME_STORY,
    Candidate,
    Ranked,
    diversify,
)
from creatorpulse.domain.model.text import lower_words, word_runs

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def reference_embed(text: str, dimensions: int) -> list[float]:
    """The embedder as first written: every feature hashed, in text order."""
    words = [w.lower() for w in _WORD.findall(text)]
    feats = [(f"w:{w}", 1.0) for w in words] + [(f"b:{a} {b}", 0.7) for a, b in pairwise(words)]
    for w in words:
        feats += [(f"c:{f'<{w}>'[i : i + 3]}", 0.3) for i in range(len(w))]
    vector = [0.0] * dimensions
    for feature, weight in feats:
        digest = zlib.crc32(feature.encode("utf-8"))
        vector[digest % dimensions] += (1.0 if digest & 0x80000000 else -1.0) * weight
    norm = math.sqrt(sum(x * x for x in vector))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    return [x / norm for x in vector]


def reference_diversify(ranked: list[Ranked], limit: int) -> list[Ranked]:
    """Greedy MMR as first written: every likeness recomputed every round."""

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    pool = sorted(ranked, key=lambda r: (-r.score, str(r.candidate.item.id)))
    chosen: list[Ranked] = []
    hashes: set[str] = set()
    while pool and len(chosen) < limit:

        def mmr(r: Ranked) -> float:
            likeness = max((cosine(r.candidate.vector, c.candidate.vector) for c in chosen),
                           default=0.0)  # fmt: skip
            return MMR_LAMBDA * r.score - (1 - MMR_LAMBDA) * likeness

        best = max(pool, key=mmr)
        pool.remove(best)
        if any(cosine(best.candidate.vector, c.candidate.vector) > SAME_STORY for c in chosen):
            continue
        if best.candidate.item.content_hash in hashes:
            continue
        hashes.add(best.candidate.item.content_hash)
        chosen.append(best)
    return chosen


words = st.sampled_from(["launch", "Launch", "team", "ça", "naïve", "AI", "don't", "42", "🚀"])
texts = st.lists(words, max_size=60).map(" ".join) | st.text(max_size=300)


@settings(max_examples=200, deadline=None)
@given(text=texts, dimensions=st.sampled_from([8, 64, 768]))
def test_the_embedder_computes_what_hashing_every_feature_in_order_did(
    text: str, dimensions: int
) -> None:
    fast, plain = embed(text, dimensions), reference_embed(text, dimensions)
    assert max(abs(a - b) for a, b in zip(fast, plain, strict=True)) < 1e-12
    assert math.isclose(sum(x * x for x in fast), 1.0, rel_tol=1e-9)


def _ranked(n: int, vector: list[float], score: float, story: int) -> Ranked:
    item = SourceItem(
        id=UUID(int=n), source_id=UUID(int=1), user_id=UUID(int=2), title=None,
        content=f"item {n}", url=None, published_at=NOW - timedelta(hours=n),
        content_hash=f"{story:064x}", created_at=NOW,
    )  # fmt: skip
    return Ranked(candidate=Candidate(item=item, vector=vector, terms=[]), score=score, explain={})


def _unit(raw: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


# Few directions and few stories, so near-duplicates (cosine > 0.9) and repeated hashes happen.
candidates = st.lists(
    st.tuples(
        st.lists(st.sampled_from([-1.0, -0.2, 0.0, 0.1, 1.0]), min_size=4, max_size=4),
        st.floats(0, 1),
        st.integers(0, 6),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(drawn=candidates, limit=st.integers(1, 6))
def test_diversify_picks_what_recomputing_every_likeness_picked(
    drawn: list[tuple[list[float], float, int]], limit: int
) -> None:
    ranked = [_ranked(n, _unit(v), score, story) for n, (v, score, story) in enumerate(drawn)]
    picked = [r.candidate.item.id for r in diversify(ranked, limit)]
    assert picked == [r.candidate.item.id for r in reference_diversify(ranked, limit)]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(["a", "b", "launch", "don't", "42"]), max_size=20),
    n=st.integers(1, 9),
)
def test_word_runs_are_the_runs_slicing_every_position_gave(words: list[str], n: int) -> None:
    assert list(word_runs(words, n)) == [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_lower_words_on_ascii_text_are_the_words_lowered_one_by_one(text: str) -> None:
    # Lowering the whole text first differs only where lowering is contextual or grows a word
    # (Greek final sigma, dotted capital I): never in ASCII text.
    ascii_text = text.encode("ascii", "ignore").decode()
    assert lower_words(ascii_text) == [w.lower() for w in _WORD.findall(ascii_text)]


pieces = st.sampled_from(["ai", "AI", "a", "i", "_", "-", " ", ".", "é", "ß", "1", "+", "'"])


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(pieces, max_size=14).map("".join),
    phrase=st.lists(pieces, max_size=4).map("".join),
)
def test_mentions_finds_what_a_word_bounded_pattern_found(text: str, phrase: str) -> None:
    expected = re.search(rf"\b{re.escape(phrase)}\b", text) is not None
    assert mentions(text, phrase) == expected


@settings(max_examples=200, deadline=None)
@given(text=texts, other=texts)
def test_repeats_says_what_intersecting_the_runs_said(text: str, other: str) -> None:
    runs = shingles(other + " " + text[: len(text) // 2])
    assert repeats(text, runs) == bool(shingles(text) & runs)


def reference_reword(clause: str, limit: int, carry: int = 0) -> tuple[str, bool, int]:
    """local_reading._reword as first written: the run's words recounted for every word."""
    out: list[str] = []
    run: list[int] = []

    def copied() -> int:
        return carry + sum(len(reading._WORD.findall(out[i])) for i in run)

    for raw in clause.split():
        core = raw.strip(",.;:!?\"'()")
        swap = reading.SYNONYMS.get(core.lower())
        if core.lower() in reading.FILLERS or swap:
            if swap:
                out.append(raw.replace(core, swap.capitalize() if core[:1].isupper() else swap))
            run, carry = [], 0
            continue
        if copied() + max(1, len(reading._WORD.findall(raw))) >= COPY_RUN_WORDS:
            spare = [k for k, i in enumerate(run) if out[i] in reading.DROPPABLE]
            if not spare:
                return " ".join(w for w in out if w), False, 0
            out[run[spare[-1]]] = ""
            run, carry = run[spare[-1] + 1 :], 0
        if sum(1 for w in out if w) >= limit:
            return " ".join(w for w in out if w), False, 0
        run.append(len(out))
        out.append(raw)
    return " ".join(w for w in out if w), True, copied()


clause_words = st.sampled_from([
    "the", "a", "an", "of", "really", "very", "improve", "Improves", "model", "launch,",
    "state-of-the-art", "don't", "AI.", "--", "42", "team's", "just", "new", "data",
])  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(clause_words, max_size=40),
    limit=st.integers(1, 30),
    carry=st.integers(0, 9),
)
def test_reword_does_what_recounting_the_run_did(words: list[str], limit: int, carry: int) -> None:
    clause = " ".join(words)
    assert reading._reword(clause, limit, carry) == reference_reword(clause, limit, carry)
