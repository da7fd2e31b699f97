"""Reading an item for the local composer: its plain text, key term, headline said again and
key points. The key sentences are cut to their most informative clause and reworded (synonyms,
dropped articles) so that no run of the item's wording reaches the quality gate's copy limit.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections import Counter

from creatorpulse.domain.model.quality import COPY_RUN_WORDS
from creatorpulse.domain.model.text import (
    URL_PATTERN,
    lower_words,
    normalise_whitespace,
    word_runs,
)

_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"\s*(?:[;:()]|,\s|\s[—–-]\s)\s*")
_WORD = re.compile(r"[\w']+")

_STOP_WORDS = """
    a an the and or but if of to in on at for with from by is are was were be been being it its
    this that these those i you we they he she my your our their me us them not no so as just
    than then there here what which who whom how why when where can will would should could
    may might must do does did have has had about into over more most very really also all any
    some one it's i'm don't new said says after before while such each other only own same
    both few many much like through during under again further once out up down off per via
    every
"""
STOP = frozenset(_STOP_WORDS.split())

DROPPABLE = frozenset(["a", "an", "the", "also", "already", "currently", "now", "still"])
LEADING = frozenset(["and", "but", "so", "which", "while", "that", "however", "still", "as"])
FILLERS = frozenset(["very", "really", "just", "actually", "basically", "quite", "reportedly"])

SYNONYMS: dict[str, str] = {
    "announced": "unveiled",
    "announces": "unveils",
    "launched": "rolled out",
    "launches": "rolls out",
    "released": "shipped",
    "releases": "ships",
    "company": "firm",
    "companies": "firms",
    "customers": "clients",
    "increase": "boost",
    "increased": "grew",
    "increases": "boosts",
    "reduce": "cut",
    "reduced": "cut",
    "reduces": "cuts",
    "reducing": "cutting",
    "significant": "major",
    "significantly": "sharply",
    "large": "big",
    "larger": "bigger",
    "approximately": "roughly",
    "however": "still",
    "because": "since",
    "shows": "suggests",
    "showed": "suggested",
    "demonstrated": "showed",
    "begin": "start",
    "began": "started",
    "quickly": "fast",
    "rapidly": "fast",
    "additionally": "plus",
    "currently": "now",
    "previously": "before",
    "developers": "builders",
    "engineers": "builders",
    "organizations": "orgs",
    "organisations": "orgs",
    "percent": "per cent",
    "enables": "lets",
    "allows": "lets",
    "difficult": "hard",
    "require": "need",
    "requires": "needs",
    "required": "needed",
    "purchase": "buy",
    "utilize": "use",
    "numerous": "many",
    "eliminate": "remove",
    "eliminates": "removes",
    "improve": "lift",
    "improved": "lifted",
    "improves": "lifts",
}


def plain_text(text: str) -> str:
    return normalise_whitespace(URL_PATTERN.sub(" ", html.unescape(_TAG.sub(" ", text))))


def shingles(text: str) -> set[tuple[str, ...]]:
    return set(word_runs(lower_words(text), COPY_RUN_WORDS))


def repeats(text: str, runs: set[tuple[str, ...]] | frozenset[tuple[str, ...]]) -> bool:
    """`text` has a run of words in `runs` (`shingles(text) & runs`, stopping at the first)."""
    return bool(runs) and any(r in runs for r in word_runs(lower_words(text), COPY_RUN_WORDS))


def term_weights(text: str, title: str) -> Counter[str]:
    weights = Counter(w for w in lower_words(text) if w not in STOP and len(w) > 2)
    weights.update({w: 2 for w in lower_words(title) if w in weights})
    return weights


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def mentions(text: str, phrase: str) -> bool:
    """`phrase` occurs in `text` with a word boundary at both ends, as `\bphrase\b` would
    find it; by str.find, as a pattern compiled per phrase (most are new) cost ~50 µs a call."""
    if not phrase:
        return re.search(r"\b", text) is not None
    first, last = _word_char(phrase[0]), _word_char(phrase[-1])
    at = text.find(phrase)
    while at != -1:
        end = at + len(phrase)  # outside the text counts as a non-word character
        before = _word_char(text[at - 1]) if at else False
        after = _word_char(text[end]) if end < len(text) else False
        if before != first and after != last:
            return True
        at = text.find(phrase, at + 1)
    return False


def _cased(phrase: str, text: str) -> str:
    """Lower case, unless the item writes it with capitals: an acronym or a name."""
    if phrase.isupper() or phrase.lower() in STOP or mentions(text, phrase.lower()):
        return phrase if phrase.isupper() else phrase.lower()
    for found in re.finditer(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE):
        before = text[: found.start()].rstrip()
        mid_sentence = bool(before) and before[-1] not in ".!?:"
        if found.group(0)[:1].isupper() and (mid_sentence or " " not in phrase):
            return found.group(0)
    return phrase.lower()


def key_term(title: str, text: str, weights: Counter[str]) -> str:
    """The title's longest phrase the item also uses, else the item's most repeated pair."""
    lower = text.lower()
    heads = [w.strip(",.:;!?\"'()") for w in title.split()]
    grams = [heads[i : i + n] for n in (1, 2, 3) for i in range(len(heads) - n + 1)]
    scored = [
        (
            len(g) * 3 * len(re.findall(rf"\b{re.escape(c.lower())}\b", lower))
            + sum(weights[w] for w in lower_words(c)),
            c,
        )
        for g in grams
        if (c := " ".join(g))
        and not any(w.lower() in STOP for w in g)
        and len(c) > 3
        and mentions(lower, c.lower())
    ]
    if not scored:
        pairs = Counter(
            f"{a} {b}".lower()
            for a, b in itertools.pairwise(_WORD.findall(text))
            if a.lower() not in STOP and b.lower() not in STOP and len(a) > 2 < len(b)
        )
        scored = [(n, c) for c, n in pairs.most_common(1) if n >= 2]
        scored += [(n, w) for w, n in weights.most_common(1)]
    return _cased(max(scored)[1], text) if scored else "this shift"


def restated_headline(title: str, text: str) -> str:
    """The headline in sentence case and its own words, short enough for a hook."""
    words = title.split()
    for i, raw in enumerate(words[1:], 1):
        core = raw.strip(",.:;!?\"'()")
        cased = "-".join(_cased(part, text) if part else part for part in core.split("-"))
        words[i] = raw.replace(core, cased) if core else raw
    if shingles(" ".join(words)) & shingles(text):  # the item repeats its headline: reword
        words = _reword(" ".join(words), 12)[0].split()
    while len(words) > 1 and words[-1].lower().strip(",.:;") in STOP:
        words.pop()
    return " ".join(words).strip(" ,.:;!?")


def _reword(clause: str, limit: int, carry: int = 0) -> tuple[str, bool, int]:
    """Swap and drop words so no run of the item's wording reaches the copy limit.

    `carry` is how many copied words the previous line ended on, when this clause follows them
    in the item too. Returns the text, whether the clause is whole, and the copied words it ends on.
    """
    out: list[str] = []
    run: list[int] = []  # positions in `out` of words still beside their original neighbour
    words: dict[int, int] = {}  # the words each of those counts for (counted once, on the way in)

    def copied() -> int:
        return carry + sum(words[i] for i in run)

    for raw in clause.split():
        core = raw.strip(",.;:!?\"'()")
        swap = SYNONYMS.get(core.lower())
        if core.lower() in FILLERS or swap:
            if swap:
                out.append(raw.replace(core, swap.capitalize() if core[:1].isupper() else swap))
            run, carry = [], 0
            continue
        counted = len(_WORD.findall(raw))
        if copied() + max(1, counted) >= COPY_RUN_WORDS:
            spare = [k for k, i in enumerate(run) if out[i] in DROPPABLE]
            if not spare:
                return " ".join(w for w in out if w), False, 0
            out[run[spare[-1]]] = ""  # dropping an article parts two original neighbours
            run, carry = run[spare[-1] + 1 :], 0
        if sum(1 for w in out if w) >= limit:
            return " ".join(w for w in out if w), False, 0
        run.append(len(out))
        words[len(out)] = counted
        out.append(raw)
    return " ".join(w for w in out if w), True, copied()


def _restate(sentence: str, weights: Counter[str], limit: int, carry: int) -> tuple[str, int]:
    parts = [sentence, *(c for c in _CLAUSE.split(sentence) if len(c.split()) >= 4)]
    options = [_reword(p.strip().rstrip(".!?"), limit, carry) for p in parts]
    text, _, trailing = max(
        options, key=lambda o: sum(weights[w] for w in lower_words(o[0])) * (1 + o[1])
    )
    words = text.split()
    while words and words[-1].lower().strip(",.;:") in STOP:
        words.pop()
    while words and words[0].lower() in LEADING:
        words.pop(0)
    line = " ".join(words).strip(" ,.;:")
    return (line[:1].upper() + line[1:] if len(words) >= 3 else ""), trailing


def key_points(text: str, weights: Counter[str], limit: int) -> list[str]:
    sentences = [s for s in _SENTENCE.split(text) if 6 <= len(s.split()) <= 60]

    def rank(i: int) -> float:
        words = lower_words(sentences[i])
        return (
            sum(weights[w] for w in set(words)) / math.sqrt(len(words))
            - 0.3 * i
            + 2.0 * any(c.isdigit() for c in sentences[i])
        )

    points, carry, last = [], 0, -2
    for i in sorted(sorted(range(len(sentences)), key=rank, reverse=True)[:5]):
        line, carry = _restate(sentences[i], weights, limit, carry if i == last + 1 else 0)
        if line and line not in points:
            points.append(line)
        last = i
    return points
