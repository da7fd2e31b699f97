"""`creatorpulse check …` makes one real call with the operator's settings and says how it went."""

from __future__ import annotations

import pytest

from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.entrypoints.checks import run_check
from creatorpulse.entrypoints.cli import main
from creatorpulse.entrypoints.settings import Settings, SettingsError
from fakes.gemini import API_KEY, gemini_server
from fakes.smtp import smtp_server


def _settings(tmp_path, **env: str) -> Settings:
    return Settings.from_env({"CREATORPULSE_DATA_DIR": str(tmp_path), **env})


def test_check_smtp_against_a_real_smtp_server(tmp_path) -> None:
    with smtp_server() as (host, port, _):
        report = run_check("smtp", _settings(tmp_path, SMTP_URL=f"smtp://{host}:{port}"))
    assert report


def test_check_gemini_against_the_gemini_protocol(tmp_path) -> None:
    with gemini_server() as (base_url, fake):
        settings = _settings(tmp_path, GEMINI_API_KEY=API_KEY, GEMINI_BASE_URL=base_url)
        report = run_check("gemini", settings)
    assert report
    assert fake.requests, "a real call was made"


def test_a_failing_check_names_the_problem(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UpstreamError):
        run_check("smtp", _settings(tmp_path, SMTP_URL="smtp://127.0.0.1:1"))
    with pytest.raises(SettingsError, match="SENDGRID_API_KEY"):
        run_check("sendgrid", _settings(tmp_path))


def test_the_cli_exit_codes(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CREATORPULSE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    assert main(["check", "gemini"]) == 2
    assert "GEMINI_API_KEY" in capsys.readouterr().err
    monkeypatch.setenv("SMTP_URL", "smtp://user:hunter22@127.0.0.1:1")
    assert main(["check", "smtp"]) == 1
    err = capsys.readouterr().err
    assert "could not be reached" in err and "hunter22" not in err
