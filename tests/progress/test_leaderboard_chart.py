"""The /leaderboard image: a group's week as a table, from a group seeded through the engine."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.progress.canvas import pixels
from bot.progress.chart_data import LeaderboardChartData
from bot.progress.fonts import Fonts
from bot.progress.leaderboard_chart import (
    ME,
    MEDALS,
    build_leaderboard_sheet,
    leaderboard_png,
    period_text,
    render_leaderboard,
)
from tests.progress.conftest import Seeded
from tests.progress.images import close, colour_in, decoded, hex_rgb, ink_share, png_size, timed
from tests.progress.samples import GROUP, GROUP_TITLE, MEMBER_NAMES, SAMPLE_NOW, seed_group_week

NAMES = (*MEMBER_NAMES, "Zed <b>", "Yara")
"""Fourteen members: more than the ten a leaderboard shows."""


async def seed_group(engine: Engine) -> None:
    await seed_group_week(engine, SAMPLE_NOW, NAMES)


@pytest.fixture
async def group_engine(seeded: Seeded) -> Engine:
    return await seeded("group", seed_group)


def member(index: int) -> PlayerKey:
    return PlayerKey("telegram", 5000 + index, NAMES[index])


async def outside_the_top(engine: Engine) -> PlayerKey:
    board = await engine.progress.leaderboard(GROUP, "week", SAMPLE_NOW)
    top = {entry.display_name for entry in board.entries}
    return next(member(i) for i, name in enumerate(NAMES) if name not in top)


async def test_the_table_has_a_row_per_leader(group_engine: Engine, fonts: Fonts) -> None:
    data = await group_engine.progress.leaderboard_chart_data(GROUP, "week", SAMPLE_NOW)
    assert data.chat_title == GROUP_TITLE
    assert data.week_start == date(2025, 3, 3)
    assert len(data.board.entries) == 10 and data.board.me is None
    sheet = build_leaderboard_sheet(data, fonts)
    assert len(sheet.boxes("row ")) == 10
    texts = [t.get_text() for t in sheet.figure.texts]
    assert "Week of 3–9 Mar 2025" in texts
    for entry in data.board.entries:
        assert str(entry.points) in texts


async def test_the_asking_member_outside_the_top_gets_their_own_row(
    group_engine: Engine, fonts: Fonts
) -> None:
    me = await outside_the_top(group_engine)
    data = await group_engine.progress.leaderboard_chart_data(GROUP, "week", SAMPLE_NOW, me)
    assert data.board.me is not None and data.board.me.rank > 10
    sheet = build_leaderboard_sheet(data, fonts)
    rows = sheet.boxes("row ")
    assert len(rows) == 11
    rgb = pixels(sheet.figure)
    mine = next(row for row in rows if row.gid == f"row {data.board.me.rank}")
    assert close(colour_in(rgb, mine, 0.5, 0.5), hex_rgb(ME))
    medals = {box.gid: box for box in sheet.boxes("medal ")}
    assert sorted(medals) == ["medal 1", "medal 2", "medal 3"]
    for rank in (1, 2, 3):
        assert close(colour_in(rgb, medals[f"medal {rank}"], 0.12, 0.12), hex_rgb(MEDALS[rank]))


async def test_the_png_is_phone_sized_and_not_blank(group_engine: Engine, fonts: Fonts) -> None:
    data = await group_engine.progress.leaderboard_chart_data(GROUP, "week", SAMPLE_NOW, member(2))
    png = timed("leaderboard (top 10)", lambda: leaderboard_png(data, fonts))
    width, height = png_size(png)
    assert width == 1080
    assert 900 < height < 1600
    assert 0.05 < ink_share(decoded(png)) < 0.6


async def test_drawing_happens_in_a_worker_thread(group_engine: Engine) -> None:
    data = await group_engine.progress.leaderboard_chart_data(GROUP, "all", SAMPLE_NOW)
    assert data.week_start is None
    png_size(await render_leaderboard(data))


async def test_an_empty_group_draws_an_empty_table(progress_engine: Engine, fonts: Fonts) -> None:
    data = await progress_engine.progress.leaderboard_chart_data(
        ChatKey("telegram", -42), "week", SAMPLE_NOW
    )
    assert data.board.entries == ()
    sheet = build_leaderboard_sheet(data, fonts)
    assert sheet.boxes("row ") == []
    texts = [t.get_text() for t in sheet.figure.texts]
    assert "No scores yet." in texts
    png_size(leaderboard_png(data, fonts))


def test_names_without_a_cjk_font_fall_back(fonts: Fonts, plain_fonts: Fonts) -> None:
    from bot.engine.results import Leaderboard, LeaderboardEntry

    board = Leaderboard(
        "week", (LeaderboardEntry(1, "小明", 10, 2), LeaderboardEntry(2, "Ann 小", 5, 0)), None, 2
    )
    data = LeaderboardChartData(board, "面试", date(2025, 3, 6), date(2025, 3, 3))
    texts = [t.get_text() for t in build_leaderboard_sheet(data, plain_fonts).figure.texts]
    assert {"Player 1", "Ann", "Leaderboard"} <= set(texts)
    if fonts.cjk_family:
        texts = [t.get_text() for t in build_leaderboard_sheet(data, fonts).figure.texts]
        assert {"小明", "Ann 小", "面试"} <= set(texts)


@pytest.mark.parametrize(
    ("start", "text"),
    [
        (date(2025, 3, 3), "Week of 3–9 Mar 2025"),
        (date(2025, 3, 31), "Week of 31 Mar – 6 Apr 2025"),
        (date(2024, 12, 30), "Week of 30 Dec 2024 – 5 Jan 2025"),
        (None, "All time"),
    ],
)
def test_period_text(start: date | None, text: str) -> None:
    assert period_text(start) == text
