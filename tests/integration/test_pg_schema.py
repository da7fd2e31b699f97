"""Schema rules that hold whatever the application does: checked with raw SQL as the owner."""

from __future__ import annotations

import hashlib
import uuid

import psycopg
import pytest


@pytest.mark.parametrize(
    ("content", "kept"),
    [
        ("a" * 9, False),
        ("a" * 10, True),
        ("🚀" * 9, False),  # 36 bytes: the characters are counted
        ("🚀" * 10, True),
        ("é" * 10_000, True),  # 20,000 bytes: still 10,000 characters
        ("é" * 10_001, False),
        ("a" * 10_000, True),
        ("a" * 10_001, False),
    ],
)
def test_an_item_holds_10_to_10000_characters_whatever_its_bytes(
    pg_clean: str, content: str, kept: bool
) -> None:
    user, source = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(pg_clean, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, email, password_hash) VALUES (%s, %s, 'x')",
            (user, f"{user}@example.com"),
        )
        conn.execute(
            "INSERT INTO sources (id, user_id, type, url, name) "
            "VALUES (%s, %s, 'rss', 'https://a.example', 'a')",
            (source, user),
        )
        insert = (
            "INSERT INTO source_content (source_id, user_id, content, published_at, content_hash) "
            "VALUES (%s, %s, %s, now(), %s)"
        )
        args = (source, user, content, hashlib.sha256(content.encode()).hexdigest())
        if kept:
            conn.execute(insert, args)
        else:
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(insert, args)
