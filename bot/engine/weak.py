"""The weak-topic drill (`/quiz weak`): which of a player's topics need work (pure).

A question the player has met is as strong as the weaker of two signals: their average
score on it (graded answers only) and, when it has a spaced-repetition card, FSRS's
probability that they recall it right now. A topic is as strong as the average of the
questions met in it; the drill asks from the weakest few. Topics never met are not
"weak" (they are new; the normal quiz brings them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.decks.model import Question
from bot.engine.mastery import gradable

WEAK_FILTER = "weak"
"""The /quiz argument that starts the drill (it wins over a topic or tag of that name)."""
WEAK_TOPICS = 3
STRONG = 0.85
"""A topic this strong is only drilled when no weaker one is left."""


def is_weak_filter(text: str | None) -> bool:
    return " ".join((text or "").split()).casefold() == WEAK_FILTER


@dataclass(frozen=True, slots=True)
class TopicStrength:
    topic: str
    strength: float
    """0..1: the mean of its met questions' strengths."""
    score: float | None
    """Average score over its graded questions, if any were answered."""
    recall: float | None
    """Mean FSRS retrievability of its cards now, if it has any."""
    met: int


def topic_strengths(
    questions: Sequence[Question],
    averages: Mapping[str, float],
    recall: Mapping[str, float],
) -> list[TopicStrength]:
    """Each topic the player has met, in deck order. `averages` maps question id to the
    player's average score, `recall` to its card's retrievability now."""
    by_topic: dict[str, list[Question]] = {}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    result = []
    for topic, in_topic in by_topic.items():
        strengths, scores, recalls = [], [], []
        for question in in_topic:
            signals = []
            if question.id in averages and gradable(question):
                scores.append(averages[question.id])
                signals.append(averages[question.id])
            if question.id in recall:
                recalls.append(recall[question.id])
                signals.append(recall[question.id])
            if signals:
                strengths.append(min(signals))
        if strengths:
            result.append(
                TopicStrength(
                    topic=topic,
                    strength=sum(strengths) / len(strengths),
                    score=sum(scores) / len(scores) if scores else None,
                    recall=sum(recalls) / len(recalls) if recalls else None,
                    met=len(strengths),
                )
            )
    return result


def weakest(strengths: Sequence[TopicStrength], limit: int = WEAK_TOPICS) -> list[str]:
    """Up to `limit` weakest topics, weakest first (ties keep deck order). Topics at or
    above `STRONG` are left out while weaker ones exist; when all are strong, the
    weakest one is still drilled (the player asked for a drill)."""
    order = {item.topic: index for index, item in enumerate(strengths)}
    ranked = sorted(strengths, key=lambda item: (round(item.strength, 6), order[item.topic]))
    weak = [item for item in ranked if item.strength < STRONG][:limit] or ranked[:1]
    return [item.topic for item in weak]
