"""What the README promises: `creatorpulse demo` and the embedding example run as shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREATORPULSE_")}
    env["CREATORPULSE_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_demo_prints_drafts_and_the_email_it_wrote(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "creatorpulse.entrypoints.cli", "demo"],
        env=_env(tmp_path), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("--- draft ") >= 6  # two creators, 3-5 drafts each
    emails = re.findall(r"email \(sent\): (\S+\.eml)", done.stdout)
    assert len(emails) == 2
    for path in emails:
        assert Path(path).is_file()
        assert Path(path).is_relative_to(tmp_path / "data" / "outbox")


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"CREATORPULSE_BASE_URL": "not a url"}
    done = subprocess.run(
        [sys.executable, "-m", "creatorpulse.entrypoints.cli", "demo"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "CREATORPULSE_BASE_URL" in done.stderr


def test_readme_example_runs_as_shown(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Use it as a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    done = subprocess.run(
        [sys.executable, "-c", code.group(1)],
        cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "email written to outbox/" in done.stdout
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3  # verification, welcome, daily


def test_db_url_migrate_and_stop_on_the_embedded_database(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env.pop("DATABASE_URL", None)

    def creatorpulse(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "creatorpulse.entrypoints.cli", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    url = creatorpulse("db", "url")
    assert url.returncode == 0, url.stderr
    assert url.stdout.startswith("postgresql://postgres@/creatorpulse?host=")
    assert url.stderr == ""
    assert (tmp_path / "data" / "postgres" / "postmaster.pid").exists(), "left running"
    assert creatorpulse("db", "migrate").stdout.strip() == "the schema is up to date"
    assert "stopped" in creatorpulse("db", "stop").stdout
    assert not (tmp_path / "data" / "postgres" / "postmaster.pid").exists()
    assert "not running" in creatorpulse("db", "stop").stdout


def test_a_bad_database_url_is_named(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"DATABASE_URL": "mysql://nope"}
    done = subprocess.run(
        [sys.executable, "-m", "creatorpulse.entrypoints.cli", "db", "url"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "DATABASE_URL" in done.stderr
