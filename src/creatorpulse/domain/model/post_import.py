"""Reading a creator's past posts from what LinkedIn gives them: the data-export archive, its
Shares.csv, or plain text with one post per blank-line-separated block (or, for posts with
paragraphs, posts separated by lines of dashes `---`). Bytes in, texts out."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime

import msgspec

from creatorpulse.domain.model.errors import InvalidInput

MAX_UPLOAD = 20 * 1024 * 1024
MAX_SHARES_CSV = 10 * 1024 * 1024
_BLOCKS = re.compile(r"\n\s*\n")
_SEPARATOR = re.compile(r"(?m)^\s*-{3,}\s*$")  # a line of dashes between multi-paragraph posts


class ImportedPost(msgspec.Struct, frozen=True):
    text: str
    posted_at: datetime | None = None


def _fail(message: str) -> InvalidInput:
    return InvalidInput.of("file", "unreadable_import", message)


def _shares(csv_bytes: bytes) -> list[ImportedPost]:
    try:
        text = csv_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail("Shares.csv is not UTF-8 text") from None
    rows = csv.DictReader(io.StringIO(text))
    if not rows.fieldnames or "ShareCommentary" not in rows.fieldnames:
        raise _fail("Shares.csv has no ShareCommentary column: is it LinkedIn's export?")
    posts = []
    for row in rows:
        body = (row.get("ShareCommentary") or "").strip()
        if body:
            posts.append(ImportedPost(body, _date(row.get("Date") or "")))
    return posts


def _date(raw: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), pattern)
        except ValueError:
            continue
    return None


def _archive(data: bytes) -> list[ImportedPost]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entry = next(
                (i for i in archive.infolist() if i.filename.rsplit("/", 1)[-1] == "Shares.csv"),
                None,
            )
            if entry is None:
                raise _fail("the archive has no Shares.csv: export your posts from LinkedIn")
            if entry.file_size > MAX_SHARES_CSV:
                raise _fail("Shares.csv in the archive is larger than 10 MB")
            with archive.open(entry) as file:
                return _shares(file.read(MAX_SHARES_CSV + 1)[:MAX_SHARES_CSV])
    except zipfile.BadZipFile:
        raise _fail("the file is not a readable zip archive") from None


def read_posts(filename: str, data: bytes) -> list[ImportedPost]:
    """Posts newest first where dates are known; raises InvalidInput for an unreadable file."""
    if len(data) > MAX_UPLOAD:
        raise _fail("the file is larger than 20 MB")
    name = filename.lower()
    if name.endswith(".zip") or data[:4] == b"PK\x03\x04":
        posts = _archive(data)
    elif name.endswith(".csv"):
        posts = _shares(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail("the file is not UTF-8 text, a Shares.csv or a LinkedIn archive") from None
        text = text.replace("\r\n", "\n")
        blocks = _SEPARATOR.split(text) if _SEPARATOR.search(text) else _BLOCKS.split(text)
        posts = [ImportedPost(b.strip()) for b in blocks]
        posts = [p for p in posts if p.text]
    if not posts:
        raise _fail("no posts found in the file")
    dated = sorted((p for p in posts if p.posted_at), key=lambda p: p.posted_at, reverse=True)  # type: ignore[arg-type,return-value]
    return dated + [p for p in posts if p.posted_at is None]
