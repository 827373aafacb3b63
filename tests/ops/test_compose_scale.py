"""compose.scale.yaml: two replicas that are one bot (one PostgreSQL database, one webhook
secret, Telegram's overall limit as the bot's one budget they share) behind a proxy
that reaches both."""

from __future__ import annotations

from pathlib import Path

import yaml

from scheduler.settings import SchedulerSettings

REPO = Path(__file__).resolve().parents[2]
TELEGRAM_OVERALL_LIMIT = 30


def services() -> dict[str, dict]:
    compose = yaml.safe_load((REPO / "compose.scale.yaml").read_text(encoding="utf-8"))
    return compose["services"]


def replicas() -> dict[str, dict]:
    return {name: s for name, s in services().items() if s.get("image") == "quizbot:latest"}


def test_the_replicas_share_one_postgresql_database_and_one_webhook_secret() -> None:
    found = replicas()
    assert len(found) == 2
    settings = [service["environment"] for service in found.values()]
    assert settings[0] == settings[1]
    assert settings[0]["QUIZBOT_DB"].startswith("postgresql://")
    assert "@postgres:5432/" in settings[0]["QUIZBOT_DB"]
    assert settings[0]["QUIZBOT_WEBHOOK_SECRET"].startswith("${QUIZBOT_WEBHOOK_SECRET")
    for service in found.values():
        assert service["env_file"] == ".env"  # the token from .env, never from the file
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_replica_paces_to_telegrams_overall_limit_which_they_share() -> None:
    # The replicas take their send slots from one budget in the database
    # (scheduler.sharedlimits), so each is given the whole bot's rate, not a part of it.
    for service in replicas().values():
        env = {k: str(v) for k, v in service["environment"].items()}
        assert SchedulerSettings.from_env(env).limits.per_second == TELEGRAM_OVERALL_LIMIT


def test_the_proxy_forwards_to_every_replica_and_postgres_keeps_its_data() -> None:
    command = services()["proxy"]["command"]
    targets = {command[i + 1] for i, word in enumerate(command) if word == "--to"}
    assert targets == {f"{name}:8443" for name in replicas()}
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services()["postgres"]["volumes"])
