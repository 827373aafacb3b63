"""Scheduler settings from the environment."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.config import ConfigError
from scheduler.limits import Limits
from scheduler.settings import SchedulerSettings


def test_defaults() -> None:
    settings = SchedulerSettings.from_env({})
    assert settings.limits == Limits(30.0, 20.0, 1.0)
    assert settings.catchup == timedelta(hours=6)
    assert settings.remind_at == time(20, 0)
    assert settings.worker_count == 30


def test_values_from_the_environment() -> None:
    settings = SchedulerSettings.from_env(
        {
            "QUIZBOT_RATE_PER_SECOND": "1000",
            "QUIZBOT_RATE_PER_GROUP_PER_MINUTE": "600",
            "QUIZBOT_RATE_PER_CHAT_PER_SECOND": "50",
            "QUIZBOT_CATCHUP_HOURS": "1.5",
            "QUIZBOT_REMIND_AT": "19:30",
            "QUIZBOT_SEND_WORKERS": "12",
            "QUIZBOT_SEND_TIMEOUT": "3",
        }
    )
    assert settings.limits == Limits(1000.0, 600.0, 50.0)
    assert settings.catchup == timedelta(minutes=90)
    assert settings.remind_at == time(19, 30)
    assert settings.worker_count == 12
    assert settings.send_timeout == 3.0
    assert SchedulerSettings.from_env({"QUIZBOT_RATE_PER_SECOND": "1000"}).worker_count == 200
    assert SchedulerSettings.from_env({"QUIZBOT_RATE_PER_SECOND": "2"}).worker_count == 4


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QUIZBOT_RATE_PER_SECOND", "fast"),
        ("QUIZBOT_RATE_PER_SECOND", "0"),
        ("QUIZBOT_RATE_PER_CHAT_PER_SECOND", "-1"),
        ("QUIZBOT_CATCHUP_HOURS", "nan"),
        ("QUIZBOT_REMIND_AT", "8pm"),
        ("QUIZBOT_SEND_TIMEOUT", "0"),
        ("QUIZBOT_REPLICA_LEASE_SECONDS", "0"),
        ("QUIZBOT_REPLICA_LEASE_SECONDS", "soon"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        SchedulerSettings.from_env({name: value})


def test_the_replica_lease_applies_only_to_replicas() -> None:
    settings = SchedulerSettings.from_env({"QUIZBOT_REPLICA_LEASE_SECONDS": "45"})
    assert settings.claim_lease == timedelta(0)  # one process finishes its claims at start
    assert settings.for_replicas().claim_lease == timedelta(seconds=45)
    assert SchedulerSettings.from_env({}).for_replicas().claim_lease == timedelta(minutes=10)
