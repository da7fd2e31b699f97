"""A draft writer that needs no network and no model: it composes posts from the item itself.

The item's key sentences are cut to their most informative clause and reworded; the creator's
measured habits (length, rhythm, emoji, hashtags, closing) decide the frame around them. Every
choice is seeded from the item id, so the same brief always yields the same drafts.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from creatorpulse.adapters import local_composer_phrases as bank
from creatorpulse.adapters import local_reading as reading
from creatorpulse.adapters.local_forms import NUMBER_WORDS, SOBER, Form, grave
from creatorpulse.adapters.local_signatures import Signatures, read_signatures
from creatorpulse.adapters.local_voice import Voice
from creatorpulse.domain.model.quality import copy_runs
from creatorpulse.domain.model.text import truncate_words
from creatorpulse.ports.generator import (
    DraftBrief,
    DraftGenerator,
    GeneratedDraft,
    GenerationResult,
    ItemBrief,
)

MODEL = "local-composer-1"
ATTEMPTS = 4
_WORD = re.compile(r"[\w']+")
_COUNTS = re.compile(r"\{[nN]\}")  # a framing that says how many points follow
_MARKER = re.compile(r"^\s*(\d+[.)]|[-•→*▪✅👉])\s", re.MULTILINE)


def _marker(texts: Sequence[str], voice: Voice) -> str:
    found = Counter(m if not m[0].isdigit() else "1." for t in texts for m in _MARKER.findall(t))
    if found:
        return found.most_common(1)[0][0]
    return "→" if voice.energetic else "1."


def _signed(
    hook: str, closing: str, takes: list[str], signatures: Signatures, rng: random.Random
) -> tuple[str, str]:
    """The creator's own moves: how they open, how they close, the lines they repeat.
    Shuffles `takes` in place and puts a repeated line of theirs first."""
    rng.shuffle(takes)
    if signatures.openers:
        hook = f"{rng.choice(signatures.openers)} {hook[:1].lower()}{hook[1:]}"
    if signatures.closers:
        mark = rng.choice(signatures.closers)
        closing = f"{mark} {closing}" if mark.endswith(":") else f"{closing}\n\n{mark}"
    if signatures.lines:
        takes.insert(0, rng.choice(signatures.lines))
    return hook, closing


# Many creators follow the same feeds, so a worker meets the same item text again and again:
# what is read from it depends on the text alone and is kept (a few MB at most).
@lru_cache(maxsize=2048)
def _read(content: str, raw_title: str) -> tuple[str, str, str, Counter[str]]:
    """The item's plain text, its key term, its headline restated, and its term weights."""
    text, title = reading.plain_text(content), reading.plain_text(raw_title)
    weights = reading.term_weights(text, title)
    term = reading.key_term(title, text, weights)
    topic = reading.restated_headline(title, text) if title else term
    return text, term, topic, weights


@lru_cache(maxsize=8192)
def _points(content: str, raw_title: str, limit: int) -> tuple[str, ...]:
    text, *_, weights = _read(content, raw_title)
    return tuple(reading.key_points(text, weights, limit))


def _point_line(form: Form, marker: str, n: int, point: str) -> str:
    if form.labels:  # "Detail: the point."
        return f"{form.labels[(n - 1) % len(form.labels)]}: {point}{form.point_end}"
    prefix = f"{n}. " if marker == "1." else f"{marker} " if marker else ""
    return f"{prefix}{point}{form.point_end}"


def _slots(
    item: ItemBrief, voice: Voice, text: str, term: str, topic: str, rng: random.Random
) -> dict[str, str]:
    """What the framing phrases' {slots} say for this item."""
    nearby = f"{text} {' '.join(item.examples)}".lower()
    favs = [w for w in voice.favourites if w not in term.lower()]
    fav = rng.choice([w for w in favs if reading.mentions(nearby, w)] or favs[:2] or ["team"])
    source = item.source_name or "the original report"
    named = " " in term or term[:1].isupper()  # a lone common noun reads better as "this"
    said = term if named else "this"
    return {
        "topic": topic,
        "Topic": topic[:1].upper() + topic[1:],
        "term": said,
        "Term": said[:1].upper() + said[1:],
        "TERM": term.upper(),
        "source": source,
        "Source": source[:1].upper() + source[1:],
        "fav": fav,
    }


def _fitted(
    render: Callable[[int, int, bool], str], points: int, takes: int, voice: Voice,
    allowed: Callable[[str], bool] | None = None,
) -> str:  # fmt: skip
    """The allowed shape (points, takes, context or not) nearest the creator's usual length."""
    shapes = [
        (p, t, c)
        for c in (False, True)
        for p in range(min(2, points), points + 1)
        for t in range(takes + 1)
    ]
    texts = {s: render(*s) for s in shapes}
    sized = {
        s: len(t)
        for s, t in texts.items()
        if len(t) <= voice.max_chars and (allowed is None or allowed(t))
    }
    close = [s for s, n in sized.items() if abs(n - voice.target) <= 0.12 * voice.target]
    if close:  # near the usual length: the item's points first, one own take, then context
        best = max(close, key=lambda s: (min(s[1], 1), s[0], -s[1], s[2]))
    else:
        best = min(sized or {(0, 0, False): 0}, key=lambda s: abs(sized.get(s, 0) - voice.target))
    return truncate_words(render(*best), voice.max_chars)


class LocalDraftGenerator(DraftGenerator):
    """Composes drafts on this machine; `include_link` appends the item's own url."""

    def __init__(self, *, include_link: bool = False) -> None:
        self._include_link = include_link

    async def write(self, brief: DraftBrief) -> GenerationResult:
        voice = Voice.of(
            brief.profile, brief.liked_drafts, min(brief.max_chars, 3000),
            brief.format_preferences, brief.own_posts,
        )  # fmt: skip
        drafts, attempts = [], 0
        signatures = read_signatures(brief.own_posts)
        liked = [*brief.liked_drafts, *brief.own_posts]
        theirs = set().union(*(reading.shingles(t) for t in liked))  # once, not once per item
        for item in brief.items:
            content, tries = self._draft(item, voice, liked, theirs, signatures)
            drafts.append(GeneratedDraft(item.item_id, content))
            attempts += tries
        return GenerationResult(
            drafts=drafts,
            model=MODEL,
            parameters={
                "target_length": voice.target,
                "one_line_paragraphs": voice.one_liners,
                "closing": "question" if voice.question else "takeaway",
                "form": voice.form.name,
                "emoji_per_post": voice.emoji_rate,
                "hashtags_per_post": voice.hashtags,
                "seed": "item_id",
                "include_link": self._include_link,
            },
            usage={
                "items": len(brief.items),
                "drafts": len(drafts),
                "input_chars": sum(len(i.content) for i in brief.items),
                "output_chars": sum(len(d.content) for d in drafts),
                "attempts": attempts,
            },
        )

    def _draft(
        self, item: ItemBrief, voice: Voice, liked: Sequence[str],
        theirs: set[tuple[str, ...]], signatures: Signatures,
    ) -> tuple[str, int]:  # fmt: skip
        own = theirs.union(*(copy_runs(t) for t in item.examples))
        source = copy_runs(item.content)

        def passes(draft: str) -> bool:
            mine = reading.shingles(draft)
            return len(mine & source) <= 1 and not mine & own

        draft = ""
        for attempt in range(ATTEMPTS):
            draft = self._compose(item, voice, liked, attempt, own, signatures, passes)
            if passes(draft):
                return draft, attempt + 1
        return draft, ATTEMPTS

    def _compose(
        self,
        item: ItemBrief,
        voice: Voice,
        liked: Sequence[str],
        attempt: int,
        own: set[tuple[str, ...]],
        signatures: Signatures,
        passes: Callable[[str], bool],
    ) -> str:
        rng = random.Random(item.item_id.int + attempt)  # noqa: S311 - reproducible, not secret
        text, term, topic, _ = _read(item.content, item.title or "")
        points = _points(item.content, item.title or "", max(6, voice.sentence_words - 4 * attempt))
        form = SOBER if (sober := grave(item.title or "", text)) else voice.form
        marker = _marker([*item.examples, *liked], voice) if form.layout == "list" else ""
        lines = [_point_line(form, marker, n, p) for n, p in enumerate(points, 1)]
        slots = _slots(item, voice, text, term, topic, rng)

        def say(template: str, n: int = 3) -> str:
            count = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
            return template.format(n=n, N=count, **slots)

        def fresh(options: Sequence[str], after: str = "") -> list[str]:
            """The framings that repeat none of the creator's own wording, if any do not."""
            usable = [o for o in options if item.source_name or "{source}" not in o.lower()]
            unused = [o for o in usable if not reading.repeats(f"{say(o)} {after}", own)]
            return unused or usable or list(options)

        hooks = form.hooks_question if voice.question else form.hooks_claim
        counted = [h for h in hooks if len(lines) >= 2 or not _COUNTS.search(h)]
        hook = rng.choice(fresh(counted or ["{Topic}."]))  # too few points to count
        contexts = form.contexts or (
            bank.CONTEXT_FIRST if voice.first_person else bank.CONTEXT_PLAIN
        )
        context = rng.choice(fresh(contexts))
        # later attempts leave out the short framing lines, whose neighbours can make a run
        plain = attempt == ATTEMPTS - 1
        intro = "" if plain else rng.choice(fresh(form.intros))
        takes = fresh(
            form.takes or (bank.TAKES_MEASURED if voice.long_sentences else bank.TAKES_ENERGETIC)
        )
        closes = form.closes_question if voice.question else form.closes_takeaway
        tags = self._hashtags(voice, term)
        closing = rng.choice(fresh(closes, after=" ".join(tags)))
        if not sober:  # no "Hot take:" of theirs on news of harm
            hook, closing = _signed(hook, closing, takes, signatures, rng)
        emojis = [] if sober else self._emojis(voice, rng)
        hook += f" {emojis.pop(0)}" if emojis else ""
        closing += f" {emojis.pop(0)}" if emojis else ""
        if form.layout == "paragraphs":  # one line a paragraph: the rest end the points
            for i, emoji in enumerate(emojis[: len(lines)]):
                lines[i] += f" {emoji}"
            emojis = emojis[len(lines) :]
        tail = closing + ("\n" + " ".join(tags) if tags else "")
        tail += f"\n\n{item.url}" if self._include_link and item.url else ""
        joiner = {"prose": " ", "paragraphs": "\n\n"}.get(form.layout, "\n")

        def render(n_points: int, n_takes: int, with_context: bool) -> str:
            with_context = with_context and not plain
            points = [say(intro, n_points), *lines[:n_points]] if n_points else []
            body = joiner.join(p for p in points if p)
            extra = [say(t, n_points) for t in takes[:n_takes]]
            if emojis and extra:
                extra[0] += " " + " ".join(emojis)
            opening = say(hook, n_points)
            head = [opening]
            if with_context and opening.endswith(":"):  # the points follow the hook at once
                extra.insert(0, say(context, n_points))
            elif with_context:
                head.append(say(context, n_points))
                if not voice.one_liners and extra:
                    head[1] += " " + extra.pop(0)
            return "\n\n".join(p for p in [*head, body, *extra, say(tail, n_points)] if p)

        # the last attempt keeps only the shapes that pass the copy check
        return _fitted(render, len(lines), len(takes), voice, passes if plain else None)

    @staticmethod
    def _emojis(voice: Voice, rng: random.Random) -> list[str]:
        if not voice.emojis or voice.emoji_rate <= 0:
            return []
        whole = int(voice.emoji_rate)
        count = whole + (rng.random() < voice.emoji_rate - whole)
        return [
            voice.emojis[(i + rng.randrange(len(voice.emojis))) % len(voice.emojis)]
            for i in range(min(count, 6))
        ]

    @staticmethod
    def _hashtags(voice: Voice, term: str) -> list[str]:
        if voice.hashtags <= 0:
            return []
        tags = list(voice.tags[: voice.hashtags])
        own = "#" + "".join(w.capitalize() for w in _WORD.findall(term) if w.isalpha())
        if len(tags) < voice.hashtags and len(own) > 2 and own.lower() not in tags:
            tags.append(own)
        return tags
