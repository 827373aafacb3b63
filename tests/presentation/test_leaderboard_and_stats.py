"""The leaderboard's and a player's progress's sentences, through the adapter's markup."""

from __future__ import annotations

from bot.engine.results import Leaderboard, LeaderboardEntry, TopicMastery, UserStats
from bot.i18n import translator_for
from bot.presentation.leaderboard import (
    leader_lines,
    leaderboard_title,
    no_points_yet,
    place,
    players,
)
from bot.presentation.stats import summary_lines, topic_lines, topics_played, weakest_text
from tests.presentation.views import STREAK, VISIBLE

EN = translator_for("en")


def test_places_are_medals_for_the_first_three_then_numbers() -> None:
    assert [place(rank) for rank in (1, 2, 3, 4, 11)] == ["🥇", "🥈", "🥉", "4.", "11."]


def test_the_asking_player_is_bold_and_follows_an_ellipsis_when_outside_the_top() -> None:
    board = Leaderboard(
        period="week",
        entries=(LeaderboardEntry(1, "Al<", 40, 3), LeaderboardEntry(2, "Bo", 20, 0)),
        me=LeaderboardEntry(7, "Me", 2, 1, is_me=True),
        members=9,
    )

    assert leaderboard_title(board, VISIBLE, EN) == "🏆 [b]This week[/b]"
    assert leader_lines(board, VISIBLE, EN) == [
        "🥇 Al&lt;: 40 pts · 🔥3",
        "🥈 Bo: 20 pts",
        "…",
        "7. [b]Me[/b]: 2 pts · 🔥1",
    ]
    assert players(1, EN) == "1 player" and players(9, EN) == "9 players"


def test_an_all_time_board_without_points_says_how_to_score() -> None:
    board = Leaderboard(period="all", entries=(), me=None, members=0)

    assert leaderboard_title(board, VISIBLE, EN) == "🏆 [b]All-time leaderboard[/b]"
    assert no_points_yet(EN, by_reply=True) == "No points yet: reply to a question to score."
    assert no_points_yet(EN, by_reply=False) == "No points yet: answer a question to score."


def test_progress_lists_the_topics_played_and_the_weakest_escaped() -> None:
    data = UserStats(
        answered=4,
        questions_seen=3,
        questions_total=10,
        average_score=0.625,
        due_now=2,
        topics=(TopicMastery("<Serving>", 2, 5, 0.5), TopicMastery("Unseen", 0, 5, 0.0)),
        weakest=("<Serving>", "Storage"),
        streak=STREAK,
    )

    assert summary_lines(data, VISIBLE, EN)[0] == "Answers: 4 · average 62%"
    assert summary_lines(data, VISIBLE, EN)[1:] == [
        "Questions seen: 3/10",
        "Due for review: 2",
        "🔥 Streak: [b]2[/b] days · best 5",
    ]
    assert [t.topic for t in topics_played(data)] == ["<Serving>"]
    assert topic_lines(topics_played(data), VISIBLE, EN) == ["• &lt;Serving>: 2/5 seen, 50%"]
    assert weakest_text(data, VISIBLE) == "&lt;Serving>, Storage"
