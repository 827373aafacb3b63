"""MeteredSender: each scheduled send counted by how it ended, the outcome passed on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol, runtime_checkable

import pytest

from bot.decks.catalog import Catalog
from bot.engine.results import Asked
from bot.ops.engine import MeteredEngine
from bot.ops.metrics import PrometheusMetrics
from bot.ops.sending import MeteredSender
from bot.store import Store
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    Sender,
    SendRejected,
    SentMessage,
)
from tests.helpers import ALICE, ALICE_DM, ask_and_send, full_answer

TARGET = ChatTarget("telegram", 42, False)


class Scripted:
    """A sender that fails with the given exceptions, then succeeds."""

    platform = "telegram"

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)

    def _next(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        self._next()
        return SentMessage(message_id=7)

    async def send_reveal(self, reveal: object) -> None:
        self._next()

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        self._next()


def value(metrics: PrometheusMetrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return found or 0.0


async def test_each_outcome_is_counted_and_raised_on() -> None:
    failures = [
        RetryLater(1.0),
        ChatMoved(43),
        ChatUnreachable(),
        OutcomeUnknown(),
        SendRejected("bad"),
        RuntimeError("bug"),
    ]
    metrics = PrometheusMetrics()
    sender = MeteredSender(Scripted(*failures), metrics, count_rate_limits=True)
    assert isinstance(sender, Sender) and sender.platform == "telegram"

    for failure in failures:
        with pytest.raises(type(failure)):
            await sender.send_reminder(TARGET, ReminderStreak(3, 0))
    asked = Asked(1, None, "en", "daily", date(2025, 3, 3), False, False)  # type: ignore[arg-type]
    assert await sender.send_question(TARGET, asked) == SentMessage(message_id=7)

    deliveries = "quizbot_deliveries_total"
    assert value(metrics, deliveries, outcome="retried") == 2
    assert value(metrics, deliveries, outcome="unreachable") == 1
    assert value(metrics, deliveries, outcome="unknown") == 1
    assert value(metrics, deliveries, outcome="failed") == 2
    assert value(metrics, deliveries, outcome="sent") == 1
    assert value(metrics, "quizbot_rate_limited_total") == 1


async def test_rate_limits_are_left_to_a_metered_http_layer() -> None:
    metrics = PrometheusMetrics()
    sender = MeteredSender(Scripted(RetryLater(1.0)), metrics, count_rate_limits=False)

    with pytest.raises(RetryLater):
        await sender.send_reminder(TARGET, ReminderStreak(3, 0))

    assert value(metrics, "quizbot_rate_limited_total") == 0
    assert value(metrics, "quizbot_deliveries_total", outcome="retried") == 1


@runtime_checkable
class RecapSender(Protocol):
    """As scheduler.recaps checks for it: an optional method of a Sender."""

    async def send_recap(self, target: ChatTarget, recap: object) -> None: ...


class WithRecaps(Scripted):
    async def send_recap(self, target: ChatTarget, recap: object) -> None:
        self._next()


async def test_optional_sender_methods_pass_through_only_when_the_platform_has_them() -> None:
    metrics = PrometheusMetrics()
    plain = MeteredSender(Scripted(), metrics, count_rate_limits=False)
    recapping = MeteredSender(WithRecaps(SendRejected("no")), metrics, count_rate_limits=False)

    assert not isinstance(plain, RecapSender)
    assert isinstance(recapping, RecapSender)
    with pytest.raises(SendRejected):
        await recapping.send_recap(TARGET, object())
    await recapping.send_recap(TARGET, object())
    assert value(metrics, "quizbot_deliveries_total", outcome="failed") == 1
    assert value(metrics, "quizbot_deliveries_total", outcome="sent") == 1


async def test_the_metered_engine_counts_each_answer_once(store: Store, catalog: Catalog) -> None:
    now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    metrics = PrometheusMetrics()
    engine = MeteredEngine(store, catalog, metrics=metrics)
    asked, _ = await ask_and_send(engine, ALICE_DM, ALICE, now)
    for _ in range(2):  # the same message delivered twice
        await engine.answering.answer(
            ALICE_DM, ALICE, full_answer(asked.question), now, source_key="m:1"
        )

    assert value(metrics, "quizbot_answers_total") == 1
