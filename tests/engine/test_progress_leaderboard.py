"""Group leaderboards: this local week (from Monday) and all time."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.engine.progress import LEADERBOARD_SIZE
from bot.engine.quiz import Engine
from bot.engine.results import LeaderboardEntry, PlayerKey
from tests.helpers import ALICE, ALICE_DM, BOB, GROUP, ask_and_send, at_local, player, reply

BERLIN = "Europe/Berlin"


async def answer_in_group(
    engine: Engine, who: PlayerKey, now: datetime, *, right: bool = True
) -> int:
    """A multiple-choice question in the group, answered by `who`: 10 points or 0."""
    asked = await engine.asking.ask(GROUP, None, now, is_group=True, filter_text="formats")
    message_id = 5000 + asked.delivery_id
    await engine.asking.question_sent(asked.delivery_id, now, message_id=message_id)
    result = await reply(engine, GROUP, who, "2" if right else "1", now, to=message_id)
    return result.points


def lines(entries: tuple[LeaderboardEntry, ...]) -> list[tuple[int, str, int]]:
    return [(e.rank, e.display_name, e.points) for e in entries]


async def test_points_add_up_for_the_week_and_for_all_time(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, ALICE, now)
    await answer_in_group(engine, ALICE, now + timedelta(hours=1))
    await answer_in_group(engine, BOB, now + timedelta(hours=2))
    week = await engine.progress.leaderboard(GROUP, "week", now + timedelta(hours=3))
    all_time = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=3))
    assert week.period == "week"
    assert all_time.period == "all"
    assert lines(week.entries) == lines(all_time.entries) == [(1, "Alice", 20), (2, "Bob", 10)]
    assert week.members == 2


async def test_a_new_week_starts_at_the_groups_local_monday(engine: Engine, now: datetime) -> None:
    await engine.settings.set_timezone(GROUP, BERLIN, now, is_group=True)
    sunday = at_local("2025-03-09 23:30", BERLIN)  # 22:30 UTC
    monday = at_local("2025-03-10 00:30", BERLIN)  # 23:30 UTC, still Sunday in UTC
    await answer_in_group(engine, ALICE, sunday)
    await answer_in_group(engine, BOB, monday)
    last_week = await engine.progress.leaderboard(GROUP, "week", sunday + timedelta(minutes=10))
    this_week = await engine.progress.leaderboard(GROUP, "week", monday + timedelta(minutes=10))
    all_time = await engine.progress.leaderboard(GROUP, "all", monday + timedelta(minutes=10))
    assert lines(last_week.entries) == [(1, "Alice", 10)]
    assert lines(this_week.entries) == [(1, "Bob", 10)]
    assert [e.display_name for e in all_time.entries] == ["Alice", "Bob"]


async def test_last_weeks_points_are_not_this_weeks(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, ALICE, now)
    board = await engine.progress.leaderboard(GROUP, "week", now + timedelta(days=7))
    assert (board.entries, board.members) == ((), 0)


async def test_a_tie_goes_to_whoever_got_there_first(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, BOB, now)  # Bob: 10 at 09:00
    await answer_in_group(engine, ALICE, now + timedelta(hours=1))  # Alice: 10 at 10:00
    await answer_in_group(engine, BOB, now + timedelta(hours=2), right=False)  # still 10
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=3))
    assert lines(board.entries) == [(1, "Bob", 10), (2, "Alice", 10)]


async def test_catching_up_later_does_not_win_the_tie(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, ALICE, now)
    await answer_in_group(engine, BOB, now + timedelta(hours=1))
    await answer_in_group(engine, BOB, now + timedelta(hours=2))  # Bob 20 at 11:00
    await answer_in_group(engine, ALICE, now + timedelta(hours=3))  # Alice 20 at 12:00
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=4))
    assert lines(board.entries) == [(1, "Bob", 20), (2, "Alice", 20)]


async def test_the_top_ten_are_shown(engine: Engine, now: datetime) -> None:
    members = [player(n, f"M{n:02}") for n in range(1, 13)]
    for n, member in enumerate(members):
        await answer_in_group(engine, member, now + timedelta(minutes=n))
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=1))
    assert LEADERBOARD_SIZE == 10
    assert [e.display_name for e in board.entries] == [f"M{n:02}" for n in range(1, 11)]
    assert [e.rank for e in board.entries] == list(range(1, 11))
    assert board.members == 12


async def test_the_askers_own_rank_is_shown_when_outside_the_top_ten(
    engine: Engine, now: datetime
) -> None:
    members = [player(n, f"M{n:02}") for n in range(1, 13)]
    for n, member in enumerate(members):
        await answer_in_group(engine, member, now + timedelta(minutes=n))
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=1), members[-1])
    assert board.me is not None
    assert (board.me.rank, board.me.display_name, board.me.points, board.me.is_me) == (
        12,
        "M12",
        10,
        True,
    )
    assert not any(e.is_me for e in board.entries)


async def test_the_askers_line_is_marked_when_inside_the_top_ten(
    engine: Engine, now: datetime
) -> None:
    await answer_in_group(engine, ALICE, now)
    await answer_in_group(engine, BOB, now + timedelta(minutes=1))
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(hours=1), BOB)
    assert board.me is None
    assert [(e.display_name, e.is_me) for e in board.entries] == [("Alice", False), ("Bob", True)]


async def test_an_asker_without_points_has_no_rank(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, ALICE, now)
    board = await engine.progress.leaderboard(GROUP, "all", now, BOB)
    assert board.me is None


async def test_a_chat_never_seen_has_an_empty_board(engine: Engine, now: datetime) -> None:
    board = await engine.progress.leaderboard(GROUP, "week", now, ALICE)
    assert (board.period, board.entries, board.me, board.members) == ("week", (), None, 0)


async def test_private_practice_earns_no_group_points(engine: Engine, now: datetime) -> None:
    await answer_in_group(engine, ALICE, now)
    await ask_and_send(engine, ALICE_DM, ALICE, now)
    await reply(engine, ALICE_DM, ALICE, "outlier and p95", now)
    board = await engine.progress.leaderboard(GROUP, "all", now)
    assert lines(board.entries) == [(1, "Alice", 10)]


# -- the streak column -----------------------------------------------------------------


async def test_each_line_shows_the_members_current_streak(engine: Engine, now: datetime) -> None:
    for n in range(3):
        await answer_in_group(engine, ALICE, now + timedelta(days=n))
    await answer_in_group(engine, BOB, now)
    board = await engine.progress.leaderboard(GROUP, "all", now + timedelta(days=2, hours=1))
    assert [(e.display_name, e.streak) for e in board.entries] == [("Alice", 3), ("Bob", 0)]


async def test_a_streak_kept_by_a_freeze_shows_on_the_board(engine: Engine, now: datetime) -> None:
    for n in range(7):  # a seven-day run earns a freeze
        await answer_in_group(engine, ALICE, now + timedelta(days=n))
    two_days_on = now + timedelta(days=8)  # day 7 missed: the freeze will cover it
    board = await engine.progress.leaderboard(GROUP, "all", two_days_on)
    own = await engine.progress.streak(ALICE, two_days_on)
    assert own.current == 7
    assert [e.streak for e in board.entries] == [7]


async def test_the_board_shows_the_streak_in_the_members_own_timezone(
    engine: Engine, now: datetime
) -> None:
    kiritimati = "Pacific/Kiritimati"  # UTC+14
    await engine.settings.set_timezone(ALICE_DM, kiritimati, now, is_group=False, player=ALICE)
    await answer_in_group(engine, ALICE, now)  # 23:00 on Monday in Kiritimati
    later = now + timedelta(days=1, hours=1, minutes=30)  # Wednesday 00:30 there
    own = await engine.progress.streak(ALICE, later)
    board = await engine.progress.leaderboard(GROUP, "all", later)
    assert own.current == 0
    assert [e.streak for e in board.entries] == [0]


# -- a large group ---------------------------------------------------------------------


def seed_members(db_path: Path, chat_id: int, members: int, stamp: str) -> range:
    """`members` more members with scores, in plain SQL: member n has n % 1000 points."""
    with sqlite3.connect(db_path) as conn:
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        ids = range(first, first + members)
        conn.executemany(
            "INSERT INTO users (id, platform, external_id, display_name, created_at)"
            " VALUES (?, 'telegram', ?, ?, ?)",
            [(n, 10_000_000 + n, f"m{n}", stamp) for n in ids],
        )
        conn.executemany(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at) VALUES (?, 'all', ?, ?, ?)",
            [(chat_id, n, n % 1000, stamp) for n in ids],
        )
    return ids


async def test_a_group_of_ten_thousand_ranks_the_asker(
    engine: Engine, db_path: Path, now: datetime
) -> None:
    await answer_in_group(engine, ALICE, now)  # Alice: 10 points
    async with engine.store.read() as tx:
        row = await tx.chats.find(GROUP.platform, GROUP.external_id)
    assert row is not None
    # Everyone else got there an hour before Alice, so ties rank ahead of her.
    others = seed_members(
        db_path, row.id, 9_999, (now - timedelta(hours=1)).isoformat(timespec="microseconds")
    )
    board = await engine.progress.leaderboard(GROUP, "all", now, ALICE)
    ahead = sum(1 for n in others if n % 1000 >= 10)
    assert board.members == 10_000
    assert [e.points for e in board.entries] == [999] * 10
    assert board.me is not None
    assert (board.me.rank, board.me.points) == (ahead + 1, 10)
