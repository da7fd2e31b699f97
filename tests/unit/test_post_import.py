"""Importing past posts: LinkedIn's archive, its Shares.csv, or plain text blocks."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest

from builders import make_user
from creatorpulse.adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from creatorpulse.adapters.system import FixedClock, RandomIds
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.post_import import read_posts
from creatorpulse.domain.use_cases.import_posts import ImportStylePosts

POST = "Shipping small changes every day beats a big launch every quarter, in my experience {}."


class English:
    def detect(self, text: str) -> str | None:
        return "en"


def shares_csv(rows: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
    for date, text in rows:
        writer.writerow(
            [date, "https://www.linkedin.com/feed/update/x", text, "", "", "MEMBER_NETWORK"]
        )
    return out.getvalue().encode("utf-8")


def archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_the_archive_and_its_csv_give_posts_newest_first() -> None:
    newest = POST.format('new, with "quotes"\nand a line')
    data = shares_csv(
        [("2024-01-02 10:00:00", POST.format("old")), ("2025-06-01 09:00:00", newest)]
    )
    for name, blob in (("Shares.csv", data), ("export.zip", archive({"Basic/Shares.csv": data}))):
        posts = read_posts(name, blob)
        assert [p.text for p in posts] == [
            POST.format('new, with "quotes"\nand a line'),
            POST.format("old"),
        ]
        assert posts[0].posted_at == datetime(2025, 6, 1, 9)


def test_plain_text_is_split_on_blank_lines() -> None:
    text = f"{POST.format(1)}\n\n\n{POST.format(2)}\r\n\r\n{POST.format(3)}\n"
    assert len(read_posts("posts.txt", text.encode())) == 3


def test_dash_lines_separate_posts_that_have_paragraphs() -> None:
    first = f"{POST.format(1)}\n\nA second paragraph of the same post."
    text = f"{first}\n---\n{POST.format(2)}\n\n{POST.format(3)}\n"
    assert [p.text for p in read_posts("posts.txt", text.encode())] == [
        first,
        f"{POST.format(2)}\n\n{POST.format(3)}",
    ]


@pytest.mark.parametrize(
    ("name", "blob", "says"),
    [
        ("export.zip", archive({"Profile.csv": b"x"}), "no Shares.csv"),
        ("export.zip", b"PK\x03\x04 not really a zip", "zip"),
        ("Shares.csv", b"a,b\n1,2\n", "ShareCommentary"),
        ("posts.txt", b"\xff\xfe\x00", "UTF-8"),
        ("posts.txt", b"   \n\n  ", "no posts"),
    ],
)
def test_unreadable_files_say_why(name: str, blob: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_posts(name, blob)
    assert error.value.codes == {"unreadable_import"} and says in error.value.message


def test_import_reports_duplicates_short_posts_and_respects_the_cap() -> None:
    async def scenario() -> tuple[int, int, int, int]:
        uow = MemoryUnitOfWorkFactory()
        user = make_user()
        async with uow.system() as tx:
            await tx.users.add(user)
            await tx.commit()
        clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
        importer = ImportStylePosts(uow, clock, RandomIds(), English())
        rows = [(f"2025-01-{d:02d}", POST.format(d)) for d in range(1, 28)] * 2  # each twice
        rows += [(f"2025-03-{d:02d}", POST.format(f"late {d}")) for d in range(1, 28)]
        rows += [("2025-02-01", "too short")]
        first = await importer(user.id, "Shares.csv", shares_csv(rows))
        bulk = "\n\n".join(POST.format(f"more {n}") for n in range(80)).encode()
        second = await importer(user.id, "more.txt", bulk)
        return first.added, first.duplicates, len(first.rejected), second.over_cap

    added, duplicates, rejected, over_cap = asyncio.run(scenario())
    assert (added, duplicates, rejected) == (54, 27, 1)
    assert over_cap == 80 - (100 - 54)


def test_oversized_files_and_zip_bombs_are_refused_by_size() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Basic/Shares.csv", b"a" * (10 * 1024 * 1024 + 1))
    bomb = out.getvalue()
    assert len(bomb) < 100_000  # inflates over 100 times
    with pytest.raises(InvalidInput) as error:
        read_posts("export.zip", bomb)
    assert "larger than 10 MB" in error.value.message
    with pytest.raises(InvalidInput) as error:
        read_posts("posts.txt", b"a" * (20 * 1024 * 1024 + 1))
    assert "larger than 20 MB" in error.value.message
