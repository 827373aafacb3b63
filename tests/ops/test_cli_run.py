"""`quizbot run`'s webhook flags: usage errors before anything starts (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("QUIZBOT_CONFIG", "QUIZBOT_WEBHOOK_URL", "QUIZBOT_WEBHOOK_LISTEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUIZBOT_DB", str(tmp_path / "q.db"))


def test_listen_needs_a_webhook_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--listen", "0.0.0.0:8443"]) == 2
    assert "--listen needs --webhook-url" in capsys.readouterr().err


def test_webhook_flags_are_for_telegram_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--platform", "discord", "--webhook-url", "https://a.example/x"]) == 2
    assert "Telegram only" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--webhook-url", "a.example/x"], "--webhook-url: 'a.example/x' is not a URL"),
        (["--webhook-url", "https://a.example/x", "--listen", "8443"], "--listen: '8443'"),
    ],
)
def test_bad_webhook_flags_are_named(
    flags: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")

    assert main(["run", *flags]) == 2
    assert message in capsys.readouterr().err


def test_a_bad_ops_setting_stops_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZBOT_HEALTH_PORT", "eighty")

    assert main(["run"]) == 2
    assert "QUIZBOT_HEALTH_PORT" in capsys.readouterr().err
