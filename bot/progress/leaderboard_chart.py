"""The /leaderboard image: a group's top 10 as a clean table (the text reply stays the
default; this is the `image` option)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.engine.results import LeaderboardEntry
from bot.i18n import DEFAULT, Translator, translator_for
from bot.progress.canvas import INK, MUTED, TRACK, WIDTH_IN, Sheet, png_bytes, render_png
from bot.progress.chart_data import LeaderboardChartData
from bot.progress.fonts import Fonts, chart_fonts, clip
from bot.progress.stats_chart import MONTHS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEDALS = {1: "#d4a017", 2: "#a7b1bc", 3: "#c07f3d"}
ME = "#fff5d6"
STRIPE = "#f6f8fa"

# Layout, in inches from the top-left corner.
_MARGIN = 0.3
_HEADER = 1.2
_COLUMNS = 0.45
_ROW = 0.56
_GAP = 0.3
"""Above the asking member's own row, when they are outside the top."""
_FOOTER = 0.75
_RANK_X, _NAME_X = 0.62, 1.05
_POINTS_X, _STREAK_X = 5.35, WIDTH_IN - _MARGIN - 0.1


def period_text(week_start: date | None, t: Translator | None = None) -> str:
    t = t or translator_for(DEFAULT)
    if week_start is None:
        return t._("All time")
    end = week_start + timedelta(days=6)
    dates = {
        "start_day": week_start.day,
        "start_month": t._(MONTHS[week_start.month - 1]),
        "start_year": week_start.year,
        "end_day": end.day,
        "end_month": t._(MONTHS[end.month - 1]),
        "end_year": end.year,
    }
    if week_start.month == end.month:
        return t._("Week of {start_day}–{end_day} {end_month} {end_year}", **dates)
    if week_start.year == end.year:
        return t._("Week of {start_day} {start_month} – {end_day} {end_month} {end_year}", **dates)
    return t._(
        "Week of {start_day} {start_month} {start_year} – {end_day} {end_month} {end_year}",
        **dates,
    )


def footer_text(data: LeaderboardChartData, t: Translator | None = None) -> str:
    t = t or translator_for(DEFAULT)
    members = data.board.members
    if not members:
        return t._("Nobody has scored yet: answer a question to get on the board.")
    if data.week_start is not None:
        return t.n_(
            "{count} member has scored this week.",
            "{count} members have scored this week.",
            members,
        )
    return t.n_("{count} member has scored so far.", "{count} members have scored so far.", members)


def build_leaderboard_sheet(
    data: LeaderboardChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> Sheet:
    """The table, ready to draw, its labels in `t`'s language (English by default). Each
    row's background has gid "row N", the top three's medals "medal N" (for checks)."""
    t = t or translator_for(DEFAULT)
    fonts = fonts or chart_fonts()
    entries = list(data.board.entries)
    me = data.board.me
    rows = len(entries) + (1 if me is not None else 0)
    height = _HEADER + _COLUMNS + max(rows, 1) * _ROW + _FOOTER + (_GAP if me else 0)
    sheet = Sheet(height, fonts)
    board = t._("Leaderboard")
    title = fonts.label(data.chat_title, board) if data.chat_title else board
    sheet.text(_MARGIN, 0.3, clip(title, 40), size=17, bold=True)
    sheet.text(_MARGIN, 0.78, period_text(data.week_start, t), color=MUTED)
    y = _HEADER
    for x, label, ha in (
        (_RANK_X, "#", "center"),
        (_NAME_X, t._("Name"), "left"),
        (_POINTS_X, t._("Points"), "right"),
        (_STREAK_X, t._("Streak"), "right"),
    ):
        sheet.text(
            x, y + _COLUMNS / 2, label, size=10.5, color=MUTED, bold=True, ha=ha, va="center"
        )
    y += _COLUMNS
    sheet.rect(_MARGIN, y - 0.02, WIDTH_IN - 2 * _MARGIN, 0.02, TRACK)
    for index, entry in enumerate(entries):
        _row(sheet, y, entry, STRIPE if index % 2 else None, t, gid=f"row {entry.rank}")
        y += _ROW
    if me is not None:
        sheet.text(_NAME_X, y + 0.14, "⋯", color=MUTED, va="center")
        _row(sheet, y + _GAP, me, None, t, gid=f"row {me.rank}")
        y += _ROW + _GAP
    if not entries:
        sheet.text(_NAME_X, y + _ROW / 2, t._("No scores yet."), color=MUTED, va="center")
        y += _ROW
    sheet.text(_MARGIN, y + 0.3, footer_text(data, t), size=10.5, color=MUTED)
    return sheet


def _row(
    sheet: Sheet,
    y: float,
    entry: LeaderboardEntry,
    stripe: str | None,
    t: Translator,
    gid: str,
) -> None:
    face = ME if entry.is_me else stripe or "#ffffff"
    sheet.rect(_MARGIN, y, WIDTH_IN - 2 * _MARGIN, _ROW, face, gid=gid)
    middle = y + _ROW / 2
    medal = MEDALS.get(entry.rank)
    if medal:
        sheet.rect(_RANK_X - 0.17, middle - 0.17, 0.34, 0.34, medal, gid=f"medal {entry.rank}")
    sheet.text(
        _RANK_X,
        middle,
        str(entry.rank),
        size=12,
        bold=medal is not None,
        color="#ffffff" if medal else INK,
        ha="center",
        va="center",
    )
    name = clip(sheet.fonts.label(entry.display_name, t._("Player {rank}", rank=entry.rank)), 26)
    if entry.is_me:
        name += t._(" (you)")
    sheet.text(_NAME_X, middle, name, size=12.5, bold=entry.is_me, va="center")
    sheet.text(_POINTS_X, middle, f"{entry.points}", size=12.5, bold=True, ha="right", va="center")
    streak = t.n_("{count} day", "{count} days", entry.streak) if entry.streak else "–"
    sheet.text(
        _STREAK_X,
        middle,
        streak,
        size=12,
        color=INK if entry.streak else MUTED,
        ha="right",
        va="center",
    )


def build_leaderboard_figure(
    data: LeaderboardChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> Figure:
    return build_leaderboard_sheet(data, fonts, t).figure


def leaderboard_png(
    data: LeaderboardChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> bytes:
    return png_bytes(build_leaderboard_figure(data, fonts, t))


async def render_leaderboard(data: LeaderboardChartData, t: Translator | None = None) -> bytes:
    """The leaderboard image as PNG bytes (labels in `t`'s language), drawn in a worker
    thread."""
    return await render_png(lambda: build_leaderboard_figure(data, t=t))
