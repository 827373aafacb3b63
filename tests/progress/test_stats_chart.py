"""/stats as an image, drawn from a database seeded through the engine with a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.engine.results import PlayerKey
from bot.progress import stats_chart
from bot.progress.canvas import DPI, WIDTH_IN, pixels
from bot.progress.chart_data import StatsChartData, stats_chart_data
from bot.progress.fonts import Fonts
from bot.progress.heatmap import DayKind
from bot.progress.stats_chart import (
    FROZEN,
    SHADES,
    build_stats_sheet,
    render_stats,
    stats_caption,
    stats_png,
    title_text,
)
from bot.store import Store
from tests.helpers import loop_ticks_during
from tests.progress.conftest import Seeded
from tests.progress.images import (
    close,
    colour_in,
    decoded,
    hex_rgb,
    ink_share,
    png_size,
    require_cjk_font_in_ci,
    timed,
)
from tests.progress.samples import ROOT, SAMPLE_NOW, play_days, sample_days

ALICE = PlayerKey("telegram", 4242, "Alice")
WHEN_ZH = "DMLS ch1.1 何时使用机器学习"


async def seed_alice(engine: Engine) -> None:
    await play_days(engine, ALICE, SAMPLE_NOW, sample_days())


@pytest.fixture
async def alice_engine(seeded: Seeded) -> Engine:
    return await seeded("alice", seed_alice)


@pytest.fixture
async def data(alice_engine: Engine) -> StatsChartData:
    return stats_chart_data(await alice_engine.progress.activity(ALICE, SAMPLE_NOW))


async def test_the_data_matches_the_text_stats(alice_engine: Engine, data: StatsChartData) -> None:
    stats = await alice_engine.progress.stats(ALICE, SAMPLE_NOW)
    assert data.topics == stats.topics
    assert (data.answered, data.questions_seen, data.questions_total) == (
        stats.answered,
        stats.questions_seen,
        stats.questions_total,
    )
    assert data.average_score == pytest.approx(stats.average_score)
    assert data.streak == stats.streak


async def test_the_calendar_shows_answers_the_streak_and_a_frozen_day(
    alice_engine: Engine, data: StatsChartData
) -> None:
    heatmap = data.heatmap
    by_day = {cell.day: cell for cell in heatmap.cells}
    today = SAMPLE_NOW.date()
    frozen_day = today - timedelta(days=9)  # the one day missed in the last run
    assert by_day[frozen_day].kind is DayKind.FROZEN
    assert by_day[frozen_day].in_streak
    assert by_day[today].kind is DayKind.ANSWERED and by_day[today].is_today
    assert data.streak.current >= 20
    streak_cells = [cell for cell in heatmap.cells if cell.in_streak]
    assert len(streak_cells) == data.streak.current + 1  # answered days and the frozen one
    async with alice_engine.store.read() as tx:
        user = await tx.users.find(ALICE.platform, ALICE.external_id)
        assert user is not None
        days = await tx.attempts.answered_days(user.id)
    in_window = sum(n for day, n in days if day >= heatmap.first_day.isoformat())
    assert sum(cell.answers for cell in heatmap.cells) == in_window


async def test_the_figure_has_a_cell_per_day_and_a_bar_per_topic(
    data: StatsChartData, fonts: Fonts
) -> None:
    sheet = build_stats_sheet(data, fonts)
    assert len(sheet.boxes("day ")) == len(data.heatmap.cells) == 11 * 7 + 4
    assert len(sheet.boxes("mastery ")) == len(data.topics) == 7
    widths = [bar.width for bar in sheet.boxes("mastery ")]
    full = WIDTH_IN - 0.6
    for width, topic in zip(widths, data.topics, strict=True):
        assert width == pytest.approx(full * topic.average_score if topic.seen else 0.0)
    titles = [text.get_text() for text in sheet.figure.texts]
    assert title_text("Alice", data.streak) in titles
    caption = stats_caption(data)
    assert caption.splitlines()[0] == title_text("Alice", data.streak)
    assert f"{data.answered} answers" in caption and len(caption) < 1024


async def test_the_png_is_drawn_phone_sized_and_not_blank(
    data: StatsChartData, fonts: Fonts
) -> None:
    png = timed("stats (7 topics, mini+drill decks)", lambda: stats_png(data, fonts))
    width, height = png_size(png)
    assert width == round(WIDTH_IN * DPI) == 1080
    assert 1200 < height < 2600
    rgb = decoded(png)
    assert rgb.shape == (height, width, 3)
    assert 0.15 < ink_share(rgb) < 0.9


async def test_cells_are_painted_by_kind(data: StatsChartData, fonts: Fonts) -> None:
    sheet = build_stats_sheet(data, fonts)
    rgb = pixels(sheet.figure)
    cells = {cell.day: cell for cell in data.heatmap.cells}
    boxes = {box.gid: box for box in sheet.boxes("day ")}
    frozen = next(day for day, cell in cells.items() if cell.kind is DayKind.FROZEN)
    empty = next(day for day, cell in cells.items() if cell.kind is DayKind.EMPTY)
    assert close(colour_in(rgb, boxes[f"day {frozen}"]), hex_rgb(FROZEN))
    assert close(colour_in(rgb, boxes[f"day {empty}"]), hex_rgb(SHADES[0]))
    answered = [day for day, cell in cells.items() if cell.kind is DayKind.ANSWERED]
    for day in answered[:10]:
        shade = SHADES[stats_chart.intensity(cells[day].answers)]
        assert close(colour_in(rgb, boxes[f"day {day}"]), hex_rgb(shade))


async def test_a_newcomer_gets_an_empty_chart(progress_engine: Engine, fonts: Fonts) -> None:
    data = stats_chart_data(
        await progress_engine.progress.activity(PlayerKey("telegram", 9, "New"), SAMPLE_NOW)
    )
    assert data.answered == 0 and not any(cell.answers for cell in data.heatmap.cells)
    sheet = build_stats_sheet(data, fonts)
    assert len(sheet.boxes("mastery ")) == len(data.topics)
    png_size(stats_png(data, fonts))


async def test_without_a_cjk_font_topics_keep_their_prefix(
    data: StatsChartData, plain_fonts: Fonts
) -> None:
    texts = [t.get_text() for t in build_stats_sheet(data, plain_fonts).figure.texts]
    assert "DMLS ch1.1" in texts
    assert not any("\u4e00" <= ch <= "\u9fff" for text in texts for ch in text)


async def test_with_a_cjk_font_topics_are_drawn_in_full(data: StatsChartData, fonts: Fonts) -> None:
    if fonts.cjk_family is None:
        require_cjk_font_in_ci()
        pytest.skip("no CJK font on this machine")
    sheet = build_stats_sheet(data, fonts)
    label = next(t for t in sheet.figure.texts if t.get_text() == WHEN_ZH)
    assert fonts.cjk_family in label.get_fontfamily()


async def test_a_name_with_dollar_signs_is_not_mathtext(
    progress_engine: Engine, fonts: Fonts
) -> None:
    player = PlayerKey("telegram", 77, "$x^2$ fan")
    data = stats_chart_data(await progress_engine.progress.activity(player, SAMPLE_NOW))
    figure = build_stats_sheet(data, fonts).figure
    [title] = [t for t in figure.texts if "$x^2$ fan" in t.get_text()]
    assert title.get_parse_math() is False  # drawn as the literal name, not as a formula
    assert png_size(stats_png(data, fonts))[0] > 0


async def test_drawing_happens_off_the_event_loop(data: StatsChartData) -> None:
    png, ticks = await loop_ticks_during(render_stats(data))
    png_size(png)
    assert ticks >= 3  # the loop kept running while the chart was drawn


async def test_the_shipped_decks_chart_renders_in_time_reported(store: Store, fonts: Fonts) -> None:
    """Timing on the real decks (13 topics): reported in the summary, not asserted."""
    engine = Engine(store, Catalog.load([ROOT / "content"]))
    await play_days(engine, ALICE, SAMPLE_NOW, sample_days()[-30:])
    data = stats_chart_data(await engine.progress.activity(ALICE, SAMPLE_NOW))
    stats_png(data, fonts)  # warm the font caches
    png = timed("stats (13 topics, shipped decks)", lambda: stats_png(data, fonts), times=7)
    assert png_size(png)[0] == 1080
