"""A player's progress in words: answers and average, questions seen, reviews due, the
streak, each topic played, and the topics to practise next."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.results import TopicMastery, UserStats
from bot.i18n import Translator, percent
from bot.presentation.markup import Markup
from bot.presentation.wording import streak_line


def stats_title(m: Markup, t: Translator) -> str:
    title = t._("Your progress")
    return f"📊 {m.bold(title)}"


def summary_lines(data: UserStats, m: Markup, t: Translator) -> list[str]:
    """Answers and average, questions seen, reviews due, the streak."""
    return [
        t._(
            "Answers: {answers} · average {average}",
            answers=data.answered,
            average=percent(data.average_score),
        ),
        t._("Questions seen: {seen}/{total}", seen=data.questions_seen, total=data.questions_total),
        t._("Due for review: {count}", count=data.due_now),
        streak_line(data.streak, m.bold, t),
    ]


def by_topic(t: Translator) -> str:
    return t._("By topic")


def topics_played(data: UserStats) -> tuple[TopicMastery, ...]:
    return tuple(topic for topic in data.topics if topic.seen)


def topic_lines(topics: Sequence[TopicMastery], m: Markup, t: Translator) -> list[str]:
    return [
        "• "
        + t._(
            "{topic}: {seen}/{total} seen, {average}",
            topic=m.escape(topic.topic),
            seen=topic.seen,
            total=topic.total,
            average=percent(topic.average_score),
        )
        for topic in topics
    ]


def practise_next(t: Translator) -> str:
    return t._("Practise next")


def weakest_text(data: UserStats, m: Markup) -> str:
    return ", ".join(m.escape(topic) for topic in data.weakest)


def no_answers_yet(t: Translator) -> str:
    return t._("No answers yet: try /quiz.")
