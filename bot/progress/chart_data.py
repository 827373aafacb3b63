"""What the engine gathers for the images: plain values, drawn by `stats_chart` and
`leaderboard_chart` (in a worker thread, away from the store)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.decks.model import Question
from bot.engine.results import Leaderboard, StreakInfo, TopicMastery
from bot.progress.heatmap import Heatmap, build_heatmap, streak_days
from bot.progress.mastery import gradable, topic_mastery


@dataclass(frozen=True, slots=True)
class StatsChartData:
    display_name: str
    today: date
    """The player's local day."""
    heatmap: Heatmap
    topics: tuple[TopicMastery, ...]
    streak: StreakInfo
    answered: int
    questions_seen: int
    questions_total: int
    average_score: float
    """Over graded answers, 0..1."""


@dataclass(frozen=True, slots=True)
class LeaderboardChartData:
    board: Leaderboard
    chat_title: str
    today: date
    """The group's local day."""
    week_start: date | None
    """The Monday of the ranked week; None for all time."""


def stats_chart_data(
    *,
    display_name: str,
    today: date,
    streak: StreakInfo,
    last_active_day: date | None,
    questions: Sequence[Question],
    summary: Mapping[str, tuple[int, float]],
    answered_days: Iterable[tuple[str, int]],
    frozen_days: Iterable[str],
) -> StatsChartData:
    """Assemble the /stats image's data from what the store holds about a player.

    `summary` maps question id to (answers, average score); `answered_days` and
    `frozen_days` are ISO local days as the store keeps them.
    """
    by_id = {q.id: q for q in questions}
    answers = {date.fromisoformat(day): count for day, count in answered_days}
    frozen = {date.fromisoformat(day) for day in frozen_days}
    in_streak = streak_days(set(answers), frozen, last_active_day, streak.current)
    graded = {
        question_id: counts
        for question_id, counts in summary.items()
        if question_id not in by_id or gradable(by_id[question_id])
    }
    graded_answers = sum(n for n, _ in graded.values())
    return StatsChartData(
        display_name=display_name,
        today=today,
        heatmap=build_heatmap(today, answers, frozen, in_streak),
        topics=topic_mastery(questions, {q: avg for q, (_, avg) in summary.items()}),
        streak=streak,
        answered=sum(n for n, _ in summary.values()),
        questions_seen=len(summary),
        questions_total=len(questions),
        average_score=(
            sum(n * avg for n, avg in graded.values()) / graded_answers if graded_answers else 0.0
        ),
    )
