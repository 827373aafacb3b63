"""/forgetme in the engine: a player's answers, ratings, cards, scores, streak and private
chat go; everyone else's stay."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from bot.engine.privacy import Forgotten
from bot.engine.quiz import Engine
from bot.engine.srs import Rating
from tests.helpers import ALICE, ALICE_DM, BOB, GROUP, group_round, practise

PERSONAL = ("attempts", "reviews", "cards", "scores", "streak_freezes")


def count(db_path: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(db_path)) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def rows_of(db_path: Path, external_id: int) -> dict[str, int]:
    """Rows about the player with this external id, per table."""
    user = "(SELECT id FROM users WHERE external_id = ?)"
    found = {
        table: count(db_path, f"SELECT count(*) FROM {table} WHERE user_id = {user}", external_id)
        for table in PERSONAL
    }
    found["users"] = count(db_path, "SELECT count(*) FROM users WHERE external_id = ?", external_id)
    found["private chats"] = count(
        db_path, f"SELECT count(*) FROM chats WHERE owner_id = {user}", external_id
    )
    return found


async def history(engine: Engine, now: datetime) -> None:
    """Alice practises privately (subscribed, rated), both play in a group for a week;
    Alice earns a streak freeze and spends it on a missed day."""
    await engine.settings.set_subscribed(ALICE_DM, True, now, is_group=False, owner=ALICE)
    for day in (0, 1, 2, 3, 4, 5, 6, 8):
        moment = now + timedelta(days=day)
        result = await practise(engine, ALICE, moment)
        await engine.rating.rate(result.attempt_id, ALICE, Rating.EASY, moment)
        await group_round(engine, GROUP, moment + timedelta(hours=1), {ALICE: True, BOB: True})


async def test_forget_player_deletes_everything_about_them(
    engine: Engine, now: datetime, db_path: Path
) -> None:
    await history(engine, now)
    before = rows_of(db_path, ALICE.external_id)
    assert all(before.values()), before  # she has rows of every kind, freezes included
    bob_before = rows_of(db_path, BOB.external_id)

    forgotten = await engine.privacy.forget_player(ALICE, now + timedelta(days=9))

    assert forgotten == Forgotten(
        found=True,
        answers=before["attempts"],
        ratings=before["reviews"],
        cards=before["cards"],
        scores=before["scores"],
        chats=1,
    )
    assert set(rows_of(db_path, ALICE.external_id).values()) == {0}
    assert count(db_path, "SELECT count(*) FROM users WHERE display_name = 'Alice'") == 0
    assert count(db_path, "SELECT count(*) FROM attempts") == bob_before["attempts"]
    assert rows_of(db_path, BOB.external_id) == bob_before  # Bob keeps everything


async def test_after_forgetting_the_group_board_and_schedule_lose_them(
    engine: Engine, now: datetime
) -> None:
    await history(engine, now)
    later = now + timedelta(days=9)
    changed: list[int] = []
    engine.schedule_listeners.append(lambda: changed.append(1))

    await engine.privacy.forget_player(ALICE, later)

    board = await engine.progress.leaderboard(GROUP, "all", later)
    assert [entry.display_name for entry in board.entries] == ["Bob"]
    assert await engine.daily.schedule_slots("telegram") == []  # her daily question is off
    assert changed  # the scheduler is told to re-derive its jobs
    stats = await engine.progress.stats(ALICE, later)
    assert (stats.answered, stats.streak.current, stats.streak.freezes) == (0, 0, 0)


async def test_forgetting_twice_or_a_stranger_finds_nothing(engine: Engine, now: datetime) -> None:
    await practise(engine, ALICE, now)

    assert (await engine.privacy.forget_player(ALICE, now)).found
    assert await engine.privacy.forget_player(ALICE, now) == Forgotten(found=False)
    assert await engine.privacy.forget_player(BOB, now) == Forgotten(found=False)


async def test_a_forgotten_player_can_start_afresh(
    engine: Engine, now: datetime, db_path: Path
) -> None:
    await practise(engine, ALICE, now)
    await engine.privacy.forget_player(ALICE, now)

    result = await practise(engine, ALICE, now + timedelta(minutes=5))

    assert result.streak.current == 1
    assert rows_of(db_path, ALICE.external_id)["attempts"] == 1
