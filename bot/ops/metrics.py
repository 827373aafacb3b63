"""What the running bot counts, for `/metrics` (Prometheus) and `/healthz`.

Adapters and the scheduler call a `Metrics` object; `Metrics` itself does nothing, so
code can always call it, and `PrometheusMetrics` records into its own registry when the
health port is configured. Every method is cheap and never raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily

DELIVERY_OUTCOMES = ("sent", "failed", "retried", "unknown", "unreachable")
"""`retried`: rate limited or moved, sent again; `unknown`: timed out, may have arrived;
`unreachable`: the chat blocked or removed the bot."""

SENDING_FIGURES = {
    "send_waits_for_answers": "Sends held because earlier sends were slow to be answered"
    " (they might still land in the same second).",
    "send_slots_used": "Sends paced by the overall budget replicas share (this replica's).",
    "send_slots_dropped": "Shared send slots dropped: their moment passed before their send"
    " was ready (a busy replica).",
    "send_budget_statements": "Database statements that took send slots from the shared budget.",
}
"""The send limiter's counts (`SendLimiter.figures()`), as counters named quizbot_<name>;
the shared budget's only where replicas share one."""

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The no-op default: every call is accepted and forgotten."""

    def update_handled(self, kind: str, seconds: float) -> None:
        """An incoming update (`kind`: message, command, callback_query, ...) was handled."""

    def answer_recorded(self) -> None:
        """An answer was graded and stored (not a repeat of one already stored)."""

    def delivery(self, outcome: str) -> None:
        """A scheduled message's send ended with `outcome` (one of DELIVERY_OUTCOMES)."""

    def rate_limited(self) -> None:
        """The platform answered 429 (too many requests)."""

    def api_call(self, ok: bool) -> None:
        """A call to the platform's API got an answer (`ok`) or failed."""

    def watch_queue(self, depth: Callable[[], int]) -> None:
        """Read the queue depth from `depth()` whenever metrics are collected."""

    def watch_sending(self, figures: Callable[[], Mapping[str, float]]) -> None:
        """Read the send limiter's counts (names of SENDING_FIGURES) from `figures()`
        whenever metrics are collected."""

    @property
    def last_api_success(self) -> datetime | None:
        return None


class PrometheusMetrics(Metrics):
    """Metrics in a registry of their own (several bots or tests never collide)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._clock = clock
        self._last_api_success: float | None = None
        registry = self.registry
        self.updates = Counter(
            "quizbot_updates", "Updates handled, by kind.", ["kind"], registry=registry
        )
        self.handler_seconds = Histogram(
            "quizbot_handler_seconds",
            "Time to handle one update, by kind.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.answers = Counter("quizbot_answers", "Answers recorded.", registry=registry)
        self.deliveries = Counter(
            "quizbot_deliveries",
            "Scheduled sends (daily questions, reveals, reminders), by outcome.",
            ["outcome"],
            registry=registry,
        )
        for outcome in DELIVERY_OUTCOMES:
            self.deliveries.labels(outcome)
        self.rate_limits = Counter(
            "quizbot_rate_limited", "API answers 429 Too Many Requests.", registry=registry
        )
        self.api_errors = Counter(
            "quizbot_api_errors",
            "API calls that failed (error answer or no answer).",
            registry=registry,
        )
        self.api_success_time = Gauge(
            "quizbot_last_api_success_timestamp_seconds",
            "Unix time of the last successful API call (0: none yet).",
            registry=registry,
        )
        self.queue = Gauge(
            "quizbot_update_queue_depth",
            "Updates received and not yet handled.",
            registry=registry,
        )

    def update_handled(self, kind: str, seconds: float) -> None:
        self.updates.labels(kind).inc()
        self.handler_seconds.labels(kind).observe(max(0.0, seconds))

    def answer_recorded(self) -> None:
        self.answers.inc()

    def delivery(self, outcome: str) -> None:
        self.deliveries.labels(outcome).inc()

    def rate_limited(self) -> None:
        self.rate_limits.inc()

    def api_call(self, ok: bool) -> None:
        if ok:
            self._last_api_success = self._clock()
            self.api_success_time.set(self._last_api_success)
        else:
            self.api_errors.inc()

    def watch_queue(self, depth: Callable[[], int]) -> None:
        self.queue.set_function(lambda: float(depth()))

    def watch_sending(self, figures: Callable[[], Mapping[str, float]]) -> None:
        self.registry.register(_SendingCounts(figures))

    @property
    def last_api_success(self) -> datetime | None:
        if self._last_api_success is None:
            return None
        return datetime.fromtimestamp(self._last_api_success, UTC)

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _SendingCounts:
    """A collector of the send limiter's counts, read at each collection."""

    def __init__(self, figures: Callable[[], Mapping[str, float]]) -> None:
        self.figures = figures

    def describe(self) -> Iterator[CounterMetricFamily]:
        for name, about in SENDING_FIGURES.items():
            yield CounterMetricFamily(f"quizbot_{name}", about)

    def collect(self) -> Iterator[CounterMetricFamily]:
        values = self.figures()
        for name, about in SENDING_FIGURES.items():
            if name in values:
                yield CounterMetricFamily(f"quizbot_{name}", about, value=values[name])
