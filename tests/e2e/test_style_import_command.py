"""`creatorpulse style import FILE --user EMAIL` against the configured database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from creatorpulse import CreatorPulse
from creatorpulse.entrypoints.demo import sample_voices


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creatorpulse.entrypoints.cli", *args],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def test_import_a_text_file_of_past_posts(
    tmp_path: Path, pg_clean: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREATORPULSE_")}
    env |= {"DATABASE_URL": pg_clean, "CREATORPULSE_DATA_DIR": str(tmp_path / "data")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with CreatorPulse.embedded(outbox_dir=tmp_path / "outbox") as app:
        registration = app.register("tom@example.com", "a long enough password")
        user = app.verify_email(registration.verification_token)
    posts = sample_voices()["tom"].posts
    export = tmp_path / "posts.txt"
    export.write_text("\n---\n".join([*posts, posts[0], "Too short."]), encoding="utf-8")

    done = _cli(env, "style", "import", str(export), "--user", "TOM@example.com")

    assert done.returncode == 0, done.stderr
    assert f"{len(posts)} of {len(posts) + 2} posts imported" in done.stdout
    assert "1 already there, 1 not usable" in done.stdout
    with CreatorPulse.embedded(outbox_dir=tmp_path / "outbox") as app:
        progress = app.process_style(user)
    assert progress.processed_posts == progress.total_posts == len(posts)


def test_unknown_user_and_missing_file_say_so(tmp_path: Path, pg_clean: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREATORPULSE_")}
    env |= {"DATABASE_URL": pg_clean, "CREATORPULSE_DATA_DIR": str(tmp_path / "data")}
    export = tmp_path / "posts.txt"
    export.write_text("A post long enough to be a real post about shipping software calmly.")
    unknown = _cli(env, "style", "import", str(export), "--user", "nobody@example.com")
    assert unknown.returncode == 1 and "no account is registered" in unknown.stderr
    missing = _cli(env, "style", "import", str(tmp_path / "nope.zip"), "--user", "a@example.com")
    assert missing.returncode == 1 and "nope.zip" in missing.stderr
