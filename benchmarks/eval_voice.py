"""Voice fidelity: do the drafts read like the creator they were written for?

Five creators with clearly different voices (benchmarks/eval_data/voices.json, written for this
evaluation) follow the same feeds: a pool of English items from the shared real-feeds corpus,
re-dated so that each simulated day brings a few fresh ones per feed. Each creator's drafts are
generated (force, quality gate on) day after day until each has enough. An authorship
classifier trained on the creators' own posts only (character 3-5-gram TF-IDF, nearest
centroid) then attributes every draft; the figure is how often it names the right creator.

    .venv/bin/python -m benchmarks.eval_voice [--posts 25 --items 40 --drafts 15 --creators 5]

Goal: at least 90% of drafts attributed to their creator with the local generator (chance is
1 in the number of creators). With GEMINI_API_KEY set, the same run with Gemini's writer. Each
run is reported a second time on a held-out split (style from half of each creator's posts, the
classifier from the other half): the stricter reading, with no goal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from benchmarks.common import Figure, verdict
from creatorpulse.adapters.feeds.parse import parse_feed
from creatorpulse.adapters.gemini.client import make_client
from creatorpulse.adapters.gemini.generator import GeminiDraftGenerator
from creatorpulse.adapters.language import FastTextLanguage
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.drafts import Draft
from creatorpulse.entrypoints.facade import CreatorPulse
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.feeds import FeedFetcher, FetchedFeed
from creatorpulse.ports.generator import DraftGenerator

NAME = "eval_voice"
GOAL = 0.90
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-feeds"
VOICES = Path(__file__).with_name("eval_data") / "voices.json"
# Four English feeds of the corpus with many long items: news, and three personal tech blogs.
FEEDS = [
    ("5da3b20f957be51d.xml", "Tech – TIME"),
    ("01b5e6081cb62f3d.xml", "Elijah Potter's Blog"),
    ("ad1318939eb69cf1.xml", "Tom Hazledine"),
    ("72d1083fa3130282.xml", "Fallthrough"),
]
PER_FEED_PER_DAY = 2
START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
PASSWORD = "evaluation password 2025"


# --- the shared pool of items, a few fresh ones per feed each simulated day -----------------
@dataclass(frozen=True)
class PoolFeed:
    url: str
    name: str
    feed: FetchedFeed  # only the English items long enough to write about, newest first


def load_pool(per_feed: int) -> list[PoolFeed]:
    """`per_feed` English items (≥ 400 chars, titled) from each of FEEDS."""
    if not CORPUS.is_dir():
        raise SystemExit(f"the shared corpus is missing: {CORPUS}")
    language = FastTextLanguage()
    pool = []
    for file, name in FEEDS:
        feed = parse_feed((CORPUS / file).read_bytes())
        usable = [
            i
            for i in feed.items
            if i.title and len(i.content) >= 400 and language.detect(i.content[:2000]) == "en"
        ]
        url = f"https://feeds.eval.test/{file}"
        pool.append(PoolFeed(url, name, msgspec.structs.replace(feed, items=usable[:per_feed])))
    return pool


class DailyFeeds(FeedFetcher):
    """Day d (counted from `start`) publishes items [d*k, (d+1)*k) of each feed, dated to the
    last few hours, so every simulated day brings new material and nothing is stale."""

    def __init__(self, pool: Sequence[PoolFeed], clock: Clock, start: datetime, k: int) -> None:
        self._feeds = {p.url: p.feed for p in pool}
        self._clock, self._start, self._k = clock, start, k

    def day(self) -> int:
        return (self._clock.now() - self._start) // timedelta(days=1)

    def days_available(self) -> int:
        return min(len(f.items) for f in self._feeds.values()) // self._k

    async def fetch(self, url: str) -> FetchedFeed:
        feed, now, day = self._feeds[url], self._clock.now(), self.day()
        items = [
            msgspec.structs.replace(item, published_at=now - timedelta(hours=1 + i))
            for i, item in enumerate(feed.items[day * self._k : (day + 1) * self._k])
        ]
        return msgspec.structs.replace(feed, items=items)


# --- creators and the simulated days --------------------------------------------------------
def load_voices(posts: int, creators: int) -> dict[str, list[str]]:
    raw = json.loads(VOICES.read_text("utf-8"))
    return {name: v["posts"][:posts] for name, v in list(raw.items())[:creators]}


@contextmanager
def simulation(
    pool: Sequence[PoolFeed], generator: DraftGenerator | None = None,
    per_feed: int = PER_FEED_PER_DAY,
) -> Iterator[tuple[CreatorPulse, FixedClock, DailyFeeds]]:  # fmt: skip
    """An in-memory CreatorPulse on a FixedClock at START, reading the pool's daily feeds."""
    clock = FixedClock(START)
    feeds = DailyFeeds(pool, clock, START, per_feed)
    with tempfile.TemporaryDirectory(prefix="cp-eval-") as outbox:
        app = CreatorPulse.in_memory(feeds=feeds, clock=clock, outbox_dir=outbox)
        if generator is not None:  # same ports, another writer
            ports = app.use_cases.ports
            ports.generator = generator
            app.use_cases = UseCases(ports, base_url="http://eval.test")
        with app:
            yield app, clock, feeds


def enrol(app: CreatorPulse, pool: Sequence[PoolFeed], name: str, posts: list[str]) -> str:
    """Register a creator, follow every pool feed, train their style; return the user id."""
    user = app.verify_email(app.register(f"{name}@eval.test", PASSWORD).verification_token)
    for feed in pool:
        app.add_source(user, "rss", feed.url, feed.name)
    app.add_style_posts(user, posts)
    app.process_style(user)
    return str(user.id)


def generate_until(
    voices: Mapping[str, list[str]], pool: Sequence[PoolFeed], drafts: int,
    generator: DraftGenerator | None = None,
) -> tuple[dict[str, list[Draft]], int, Counter[str]]:  # fmt: skip
    """Each creator's drafts, day after day, until all have `drafts` (or the pool runs out)."""
    written: dict[str, list[Draft]] = defaultdict(list)
    rejected: Counter[str] = Counter()
    with simulation(pool, generator) as (app, clock, feeds):
        users = {name: enrol(app, pool, name, posts) for name, posts in voices.items()}
        day = 0
        while day < feeds.days_available() and min(len(written[n]) for n in users) < drafts:
            clock.set(START + timedelta(days=day, hours=1))
            for name, user in users.items():
                if day:
                    app.refresh_sources(user)
                outcome = app.generate_drafts(user, force=True)
                written[name] += outcome.drafts
                rejected.update(outcome.rejected.values())
            day += 1
    return dict(written), day, rejected


# --- the authorship classifier: character 3-5-gram TF-IDF, nearest centroid ----------------
def _grams(text: str) -> Counter[str]:
    return Counter(text[i : i + n] for n in (3, 4, 5) for i in range(len(text) - n + 1))


class Attributor:
    """Trained on the creators' own posts only; n-grams it never saw there count for nothing."""

    def __init__(self, posts: Mapping[str, Sequence[str]]) -> None:
        docs = [(name, _grams(p)) for name, texts in posts.items() for p in texts]
        df = Counter(g for _, grams in docs for g in grams)
        self._idf = {g: math.log((1 + len(docs)) / (1 + n)) + 1 for g, n in df.items()}
        sums: dict[str, Counter[str]] = defaultdict(Counter)
        for name, grams in docs:
            sums[name].update(self._vector(grams))
        self._centroids = {name: _normalised(total) for name, total in sums.items()}

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(n)) * self._idf[g] for g, n in grams.items() if g in self._idf}
        return _normalised(weights)

    def attribute(self, text: str) -> str:
        vector = self._vector(_grams(text))
        return max(
            self._centroids,
            key=lambda name: sum(w * self._centroids[name].get(g, 0.0) for g, w in vector.items()),
        )


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {g: w / norm for g, w in weights.items()}


def cross_validated(posts: Mapping[str, Sequence[str]], folds: int = 5) -> float:
    """The classifier's own accuracy on held-out posts: can it tell these voices apart at all?"""
    right = total = 0
    for fold in range(folds):
        train = {n: [p for i, p in enumerate(ps) if i % folds != fold] for n, ps in posts.items()}
        model = Attributor(train)
        for name, texts in posts.items():
            for text in texts[fold::folds]:
                right += model.attribute(text) == name
                total += 1
    return right / max(total, 1)


# --- the report -----------------------------------------------------------------------------
@dataclass(frozen=True)
class VoiceResult:
    accuracy: float
    per_creator: dict[str, float]
    confusion: dict[str, Counter[str]]
    drafts: int
    days: int
    rejected: Counter[str]


def evaluate(
    voices: Mapping[str, list[str]], pool: Sequence[PoolFeed], drafts: int,
    generator: DraftGenerator | None = None, *, held_out: bool = False,
) -> VoiceResult:  # fmt: skip
    """With `held_out`, each creator trains their style on half their posts (even places) and the
    classifier learns only the other half: no post is both the writer's template and the
    classifier's evidence, so the figure measures the voice, not recall of the same posts."""
    seen = {n: ps[::2] for n, ps in voices.items()} if held_out else voices
    written, days, rejected = generate_until(seen, pool, drafts, generator)
    model = Attributor({n: ps[1::2] for n, ps in voices.items()} if held_out else voices)
    confusion = {
        name: Counter(model.attribute(d.content) for d in ds) for name, ds in written.items()
    }
    per = {n: c[n] / max(sum(c.values()), 1) for n, c in confusion.items()}
    total = sum(len(ds) for ds in written.values())
    right = sum(c[n] for n, c in confusion.items())
    return VoiceResult(right / max(total, 1), per, confusion, total, days, rejected)


def report(label: str, result: VoiceResult, names: Sequence[str]) -> str:
    lines = [
        f"{label}: {result.drafts} drafts over {result.days} simulated days"
        + (f"; quality gate rejected {_plain(result.rejected)}" if result.rejected else ""),
        f"  accuracy {result.accuracy:.1%} (goal ≥ {GOAL:.0%}, chance {1 / len(names):.0%})"
        f"  {verdict(result.accuracy >= GOAL)}",
    ]
    for name in names:
        n = sum(result.confusion.get(name, Counter()).values())
        lines.append(f"  {name:<8} {result.per_creator.get(name, 0.0):6.1%} of {n}")
    width = max(len(n) for n in names) + 2
    lines.append("  confusion (rows: written for, columns: attributed to)")
    lines.append("  " + " " * width + "".join(n[:7].rjust(8) for n in names))
    for name in names:
        row = result.confusion.get(name, Counter())
        lines.append("  " + name.ljust(width) + "".join(str(row[c]).rjust(8) for c in names))
    return "\n".join(lines)


def _plain(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))


def _gemini() -> DraftGenerator | None:
    if not os.environ.get("GEMINI_API_KEY"):
        return None
    settings = Settings.from_env()
    client = make_client(settings.gemini_api_key or "", base_url=settings.gemini_base_url)
    return GeminiDraftGenerator(client, settings.gemini_model)


def run(argv: Sequence[str]) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval_voice")
    parser.add_argument("--posts", type=int, default=25, help="style posts per creator")
    parser.add_argument("--items", type=int, default=40, help="items in the shared pool")
    parser.add_argument("--drafts", type=int, default=15, help="drafts wanted per creator")
    parser.add_argument("--creators", type=int, default=5, choices=range(2, 6))
    args = parser.parse_args(argv)

    voices = load_voices(args.posts, args.creators)
    pool = load_pool(max(1, args.items // len(FEEDS)))
    names = list(voices)
    print(f"{len(names)} creators × {args.posts} own posts; {len(pool)} feeds × "
          f"{len(pool[0].feed.items)} items, {PER_FEED_PER_DAY} per feed per day")  # fmt: skip
    print(f"classifier on held-out own posts (5-fold): {cross_validated(voices):.1%}")
    figures = []
    for label, generator in (("local", None), ("gemini", _gemini())):
        if label == "gemini" and generator is None:
            print("\ngemini: skipped (GEMINI_API_KEY is not set)")
            continue
        result = evaluate(voices, pool, args.drafts, generator)
        print("\n" + report(label, result, names))
        figures.append(
            Figure(
                NAME,
                f"voice attribution accuracy ({label})",
                round(result.accuracy, 4),
                "",
                f"goal ≥ {GOAL:.0%}",
                None,
                result.accuracy >= GOAL,
            )
        )
        split = evaluate(voices, pool, args.drafts, generator, held_out=True)
        print("\n" + report(f"{label}, held-out split (style: even posts, classifier: odd)",
                             split, names))  # fmt: skip
        figures.append(
            Figure(NAME, f"voice attribution, held-out split ({label})",
                   round(split.accuracy, 4), "", "no goal: the stricter reading")
        )  # fmt: skip
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(sys.argv[1:] if argv is None else argv)
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
