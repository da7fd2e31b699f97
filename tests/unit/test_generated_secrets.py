"""Secrets generated into the data directory: once, private, and the same for every process."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from creatorpulse.entrypoints.database import read_or_create_secret


def test_generated_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "jwt-secret"
    first = read_or_create_secret(path, 48)
    assert len(first) >= 64 and read_or_create_secret(path, 48) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_processes_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "jwt-secret"
    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: read_or_create_secret(path, 32), range(32)))
    assert values == {path.read_text().strip()}
    assert list(path.parent.iterdir()) == [path], "no staging files left behind"
