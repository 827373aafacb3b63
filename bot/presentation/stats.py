"""A player's progress in words: answers and average, questions seen, reviews due, the
streak, each topic played, and the topics to practise next."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.results import TopicMastery, UserStats
from bot.presentation.markup import Markup
from bot.presentation.wording import streak_line


def percent(share: float) -> int:
    return round(share * 100)


def stats_title(m: Markup) -> str:
    return f"📊 {m.bold('Your progress')}"


def summary_lines(data: UserStats, m: Markup) -> list[str]:
    """Answers and average, questions seen, reviews due, the streak."""
    return [
        f"Answers: {data.answered} · average {percent(data.average_score)}%",
        f"Questions seen: {data.questions_seen}/{data.questions_total}",
        f"Due for review: {data.due_now}",
        streak_line(data.streak, m.bold),
    ]


def by_topic() -> str:
    return "By topic"


def topics_played(data: UserStats) -> tuple[TopicMastery, ...]:
    return tuple(topic for topic in data.topics if topic.seen)


def topic_lines(topics: Sequence[TopicMastery], m: Markup) -> list[str]:
    return [
        f"• {m.escape(t.topic)}: {t.seen}/{t.total} seen, {percent(t.average_score)}%"
        for t in topics
    ]


def practise_next() -> str:
    return "Practise next"


def weakest_text(data: UserStats, m: Markup) -> str:
    return ", ".join(m.escape(topic) for topic in data.weakest)


def no_answers_yet() -> str:
    return "No answers yet: try /quiz."
