"""Text rules shared by style posts, source items and drafts: counting, cleaning, hashing."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence

URL_PATTERN = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
# "@" and "#" first, the character before them checked behind: a pattern that opens with a
# literal is scanned for fast (50x on long text); one opening with a lookbehind is not.
_MENTION = re.compile(r"@(?<![\w@]@)[A-Za-z0-9_]{1,50}\b")
_HASHTAG = re.compile(r"#(?<![\w&#]#)[^\W\d_]\w*")
# Space characters other than " " and "\n" (each is looked for with a plain find: 18 of those
# cost less than one scan by a pattern that opens with a character class).
_ODD_SPACES = "\t\f\v\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Odd spaces become plain ones (str.replace, absent ones cost a scan), then runs collapse: a
# pattern opening with a literal is scanned for fast, one opening with a class tries every space.
_SPACE_RUN = re.compile("  +")
# Whitespace str.strip() removes that neither _ODD_SPACES nor the line breaks cover.
_RARE_EDGES = "\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Two ASCII letters or digits in a row: a cut between them is invisible to every step of
# normalise_whitespace (no space run, line edge, CRLF, NFC composition or reordering spans it).
_WORD_INSIDE = re.compile(r"[A-Za-z0-9]{2}")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_WORDS = re.compile(r"[\w']+")


def lower_words(text: str) -> list[str]:
    """The words of `text` (runs of letters, digits, "_" and "'"), lowercased: the text is
    lowered once, not word by word (the copy checks split every draft and source this way)."""
    return _WORDS.findall(text.lower())


def word_runs(words: Sequence[str], n: int) -> Iterator[tuple[str, ...]]:
    """Every run of `n` consecutive words, in order; none when there are fewer than `n`."""
    return zip(*(words[i:] for i in range(n)), strict=False)


def character_count(text: str) -> int:
    return len(text)


def word_count(text: str) -> int:
    return len(text.split())


def count_links(text: str) -> int:
    return len(URL_PATTERN.findall(text))


def count_hashtags(text: str) -> int:
    return len(_HASHTAG.findall(text))


def hashtags(text: str) -> list[str]:
    return _HASHTAG.findall(text)


def normalise_whitespace(text: str) -> str:
    """Unix newlines, no zero-width characters, single spaces, at most one blank line in a row."""
    text = _visible_nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    # Ingest runs this on every feed entry: whole-text passes, and only the ones needed.
    if any(map(text.__contains__, _ODD_SPACES)):
        for odd in _ODD_SPACES:
            if odd in text:
                text = text.replace(odd, " ")
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if any(rare in text for rare in _RARE_EDGES):
        text = "\n".join(line.strip() for line in text.split("\n"))
    else:  # spaces are single now, so each line has at most one at either end
        text = text.replace(" \n", "\n").replace("\n ", "\n")
    if "\n\n\n" in text:  # no whitespace but "\n" is left beside a line break now
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def normalised_head(text: str, limit: int) -> str:
    """normalise_whitespace(text), or for long text a shorter string that agrees with it on
    more than `limit` leading characters: the rest of a 200 kB post is not worth normalising
    when only its first `limit` characters are kept."""
    size = 2 * limit
    while size < len(text):
        inside = _WORD_INSIDE.search(text, size - 1)
        if inside is None:
            break
        head = normalise_whitespace(text[: inside.start() + 1])
        if len(head) > limit:
            return head
        size *= 4
    return normalise_whitespace(text)


def _visible_nfc(text: str) -> str:
    """NFC without zero-width characters; the common already-clean case costs two scans."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    for invisible in _INVISIBLE_CHARS:
        if invisible in text:  # str.replace, not str.translate: 30x faster on long text
            text = text.replace(invisible, "")
    return text


def clean_for_embedding(text: str) -> str:
    """Drop URLs, @mentions and #hashtags, then normalise whitespace. Idempotent."""
    previous = None
    while previous != text:
        previous = text
        text = URL_PATTERN.sub(" ", text)
        text = _MENTION.sub(" ", text)
        text = _HASHTAG.sub(" ", text)
        text = normalise_whitespace(text)
    return text


def content_hash(text: str) -> str:
    """SHA-256 of the text with case and spacing folded, so trivial edits do not dodge dedupe."""
    # split() folds every space normalise_whitespace would, so only NFC and the invisible
    # characters need doing: the same hash for half the work.
    folded = _single_spaced(_visible_nfc(text).casefold())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


_UNFOLDED = ("  ", " \n", "\n ", "\n\n\n", "\r")


def _single_spaced(text: str) -> str:
    """What " ".join(text.split()) gives; for text normalise_whitespace has been through
    (ingest hashes nothing else), two replaces instead of a list of every word."""
    if (
        text[:1].isspace()
        or text[-1:].isspace()
        or any(unfolded in text for unfolded in _UNFOLDED)
        or any(map(text.__contains__, _ODD_SPACES))
        or any(rare in text for rare in _RARE_EDGES)
    ):
        return " ".join(text.split())
    # Its only spaces are single " ", "\n" and "\n\n" (every other str.isspace() character
    # was ruled out above), and split() would turn each into one space.
    return text.replace("\n\n", " ").replace("\n", " ")


def token_hash(token: str) -> str:
    """How a secret token is stored: its SHA-256 (256-bit random tokens need no salt or KDF)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


CHUNK_SIZE = 500
CHUNK_OVERLAP = 50


def chunk(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Split into `size`-character segments, each overlapping the previous one by `overlap`.

    Every character lands in some chunk; consecutive chunks share exactly `overlap` characters;
    no chunk is a mere tail of the one before.
    """
    if not 0 <= overlap < size:
        raise ValueError("overlap must be smaller than size")
    if len(text) <= size:
        return [text] if text else []
    step = size - overlap
    pieces = []
    start = 0
    while True:
        pieces.append(text[start : start + size])
        if start + size >= len(text):
            return pieces
        start += step


def truncate_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary where one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit - 200)
    return (cut[:space] if space > 0 else cut).rstrip()
