"""The real bot, built the way `quizbot run` builds it, pointed at a benchmark server."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.telegram.app import QuizApplication, build_application
from bot.telegram.context import Tuning
from bot.telegram.ratelimit import RetryPolicy
from scheduler.limits import Limits
from scheduler.settings import SchedulerSettings

TOKEN = "7100000001:AAQuizbotBenchmarkToken_abcdefghijklmno"
USERNAME = "quiz_bench_bot"


class Clock:
    """The bot's clock, set by the benchmark."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def settings(url: str, db_path: Path | str, *, content: list[Path] | None = None) -> Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "QUIZBOT_TELEGRAM_API_URL": url,
        "QUIZBOT_DB": str(db_path),
    }
    if content:
        env["QUIZBOT_CONTENT"] = ":".join(str(path) for path in content)
    return Settings.from_env(env)


def build(
    url: str,
    db_path: Path | str,
    clock: Clock,
    limits: Limits,
    *,
    with_scheduler: bool,
    content: list[Path] | None = None,
) -> QuizApplication:
    """`build_application` with the benchmark's clock and limits (nothing else changed)."""
    tuning = Tuning(
        limits=limits,
        retry=RetryPolicy(),
        clock=clock,
        with_scheduler=with_scheduler,
        scheduler=SchedulerSettings(limits=limits),
    )
    return build_application(settings(url, db_path, content=content), tuning)
