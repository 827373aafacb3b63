"""quizbot.toml: every setting the environment has, the environment winning, secrets refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings
from bot.ops.configfile import (
    KEYS,
    apply_config_file,
    config_path,
    load_config_file,
    merged,
)
from bot.ops.settings import OpsSettings
from scheduler.settings import SchedulerSettings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "quizbot.example.toml"


def write(tmp_path: Path, text: str, name: str = "quizbot.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config_file(path)
    return str(caught.value).splitlines()


def test_file_values_become_the_environment_variables_they_stand_for(tmp_path: Path) -> None:
    more = tmp_path / "srv" / "more-decks"
    for folder in (tmp_path / "decks", more):
        folder.mkdir(parents=True)
    path = write(
        tmp_path,
        f"""
db = "data/quiz.db"
content = ["decks", "{more}"]
timezone = "Europe/Berlin"
push_time = "07:30"

[scheduler]
rate_per_second = 25
remind_at = "21:15"
send_timeout = 12.5

[health]
port = 9100

[backup]
dir = "/backups"
keep = 3
""",
    )

    values = load_config_file(path).values

    assert values["QUIZBOT_DB"] == str(tmp_path / "data/quiz.db")  # relative to the file
    assert values["QUIZBOT_CONTENT"] == f"{tmp_path / 'decks'}:{more}"
    assert values["QUIZBOT_TIMEZONE"] == "Europe/Berlin"
    assert values["QUIZBOT_RATE_PER_SECOND"] == "25"
    assert values["QUIZBOT_SEND_TIMEOUT"] == "12.5"
    assert values["QUIZBOT_HEALTH_PORT"] == "9100"
    assert values["QUIZBOT_BACKUP_KEEP"] == "3"
    env = merged(values, {})
    settings = Settings.from_env(env)
    assert settings.default_push_time == "07:30"
    assert SchedulerSettings.from_env(env).remind_at.hour == 21
    assert OpsSettings.from_env(env).backup_dir == Path("/backups")


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'timezone = "Asia/Tokyo"\npush_time = "06:00"\n')
    environ = {"QUIZBOT_CONFIG": str(path), "QUIZBOT_TIMEZONE": "America/Chicago"}

    apply_config_file(environ)

    assert environ["QUIZBOT_TIMEZONE"] == "America/Chicago"  # set: kept
    assert environ["QUIZBOT_PUSH_TIME"] == "06:00"  # unset: from the file
    settings = Settings.from_env(environ)
    assert (settings.default_timezone, settings.default_push_time) == ("America/Chicago", "06:00")


def test_an_empty_variable_counts_as_unset() -> None:
    assert merged({"QUIZBOT_DB": "/data/q.db"}, {"QUIZBOT_DB": "  "})["QUIZBOT_DB"] == "/data/q.db"


def test_bad_values_name_the_file_and_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
timezone = "Mars/Olympus_Mons"
push_time = "25:00"
[scheduler]
rate_per_second = "fast"
catchup_hours = -1
[health]
port = 70000
[backup]
keep = 0
""",
    )

    found = problems(path)

    assert len(found) == 6
    assert all(line.startswith(f"{path}: ") for line in found)
    text = "\n".join(found)
    assert f"{path}: timezone: 'Mars/Olympus_Mons' is not an IANA timezone name" in text
    assert f"{path}: push_time: '25:00' is not a time of day" in text
    assert f"{path}: scheduler.rate_per_second: expected a number, got 'fast'" in text
    assert f"{path}: scheduler.catchup_hours: '-1' must be a number of at least 0" in text
    assert f"{path}: health.port: '70000' is not a port number" in text
    assert f"{path}: backup.keep: '0' is not a whole number of at least 1" in text


def test_unknown_keys_are_reported_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, '[helth]\nport = 9100\n[scheduler]\nremind = "20:00"\ncolour = 1\n')

    found = problems(path)

    assert f"{path}: helth.port: unknown key (did you mean 'health.port'?)" in found[0]
    assert "scheduler.remind: unknown key (did you mean 'scheduler.remind_at'?)" in found[1]
    assert found[2] == (
        f"{path}: scheduler.colour: unknown key; the keys are listed in quizbot.example.toml"
    )


@pytest.mark.parametrize(
    ("text", "key", "variable"),
    [
        ('[telegram]\ntoken = "123:abc"\n', "telegram.token", "TELEGRAM_BOT_TOKEN"),
        ('telegram_bot_token = "123:abc"\n', "telegram_bot_token", "TELEGRAM_BOT_TOKEN"),
        ('[discord]\ntoken = "x"\n', "discord.token", "DISCORD_BOT_TOKEN"),
        ('[telegram]\nwebhook_secret = "s"\n', "telegram.webhook_secret", "QUIZBOT_WEBHOOK_SECRET"),
        ('[health]\napi_token = "s"\n', "health.api_token", "environment variable"),
    ],
)
def test_a_token_in_the_file_is_refused(tmp_path: Path, text: str, key: str, variable: str) -> None:
    path = write(tmp_path, text)

    [line] = problems(path)

    assert line.startswith(f"{path}: {key}: tokens and secrets are never read from the config file")
    assert variable in line
    assert "123:abc" not in line  # the refused secret is not echoed back


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'timezone = "UTC"\npush_time = \n')

    [line] = problems(path)

    assert line.startswith(f"{path}: not valid TOML:") and "line 2" in line


def test_the_file_is_found_by_variable_or_in_the_working_directory(tmp_path: Path) -> None:
    assert config_path({}, cwd=tmp_path) is None
    local = write(tmp_path, "")
    assert config_path({}, cwd=tmp_path) == local
    other = write(tmp_path, "", name="elsewhere.toml")
    assert config_path({"QUIZBOT_CONFIG": str(other)}, cwd=tmp_path) == other
    with pytest.raises(ConfigError, match=r"QUIZBOT_CONFIG: .*missing\.toml: no such file"):
        config_path({"QUIZBOT_CONFIG": str(tmp_path / "missing.toml")}, cwd=tmp_path)


def test_the_example_file_is_valid_and_documents_every_key(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert load_config_file(write(tmp_path, text)).values == {}  # everything commented out
    uncommented = "\n".join(
        line.removeprefix("# ") if line.startswith("# ") and " = " in line else line
        for line in text.splitlines()
    )
    (tmp_path / "content").mkdir()  # content paths must exist
    values = load_config_file(write(tmp_path, uncommented)).values
    assert set(values) == {key.env for key in KEYS.values()}


def test_env_example_lists_every_variable() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    variables = {key.env for key in KEYS.values()} | {
        "TELEGRAM_BOT_TOKEN",
        "DISCORD_BOT_TOKEN",
        "QUIZBOT_WEBHOOK_SECRET",
        "QUIZBOT_CONFIG",
    }
    for name in sorted(variables):
        assert f"{name}=" in text, f".env.example does not show {name}"


def test_the_cli_stops_on_a_bad_file_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "123:abc"\n')
    monkeypatch.setenv("QUIZBOT_CONFIG", str(path))

    assert main(["content", "check"]) == 2

    err = capsys.readouterr().err
    assert f"{path}: telegram.token: tokens and secrets" in err
