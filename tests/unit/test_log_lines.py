"""Log lines are one JSON object each; a logged traceback names its frames, never their
local variables (a frame may hold a password or a token)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

_SCRIPT = """
import uuid
import structlog
from creatorpulse.entrypoints.logs import configure_logging

configure_logging()
log = structlog.get_logger("test")

def sign_in(password):
    raise ValueError("wrong password")

log.info("request", route="/v1/drafts", user=uuid.UUID(int=7), odd=object())
try:
    sign_in("hunter2-secret")
except ValueError:
    log.exception("sign_in_failed")
"""


def test_lines_are_json_and_tracebacks_hold_no_locals() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["event"] == "request" and first["route"] == "/v1/drafts"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", first["timestamp"])
    assert first["level"] == "info"
    assert first["user"] == "00000000-0000-0000-0000-000000000007"
    assert first["odd"].startswith("<object object")  # what JSON cannot hold: its repr
    assert second["level"] == "error"
    [raised] = second["exception"]
    assert raised["exc_type"] == "ValueError"
    assert [frame["name"] for frame in raised["frames"]] == ["<module>", "sign_in"]
    assert "hunter2" not in out
