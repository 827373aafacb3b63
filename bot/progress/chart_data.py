"""What the images show: the engine's plain values (`PlayerActivity`, `LeaderboardChartData`)
laid out for drawing by `stats_chart` and `leaderboard_chart` (in a worker thread, away
from the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.engine.results import LeaderboardChartData, PlayerActivity, StreakInfo, TopicMastery
from bot.progress.heatmap import Heatmap, build_heatmap, streak_days

__all__ = ["LeaderboardChartData", "StatsChartData", "stats_chart_data"]


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


def stats_chart_data(activity: PlayerActivity) -> StatsChartData:
    """The /stats image's data: the player's activity with its 12-week calendar."""
    answers = dict(activity.answered_days)
    frozen = set(activity.frozen_days)
    in_streak = streak_days(set(answers), frozen, activity.last_active_day, activity.streak.current)
    return StatsChartData(
        display_name=activity.display_name,
        today=activity.today,
        heatmap=build_heatmap(activity.today, answers, frozen, in_streak),
        topics=activity.topics,
        streak=activity.streak,
        answered=activity.answered,
        questions_seen=activity.questions_seen,
        questions_total=activity.questions_total,
        average_score=activity.average_score,
    )
