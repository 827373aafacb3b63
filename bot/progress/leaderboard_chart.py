"""The /leaderboard image: a group's top 10 as a clean table (the text reply stays the
default; this is the `image` option)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.engine.results import LeaderboardEntry
from bot.progress.canvas import INK, MUTED, TRACK, WIDTH_IN, Sheet, png_bytes, render_png
from bot.progress.chart_data import LeaderboardChartData
from bot.progress.fonts import Fonts, chart_fonts, clip

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEDALS = {1: "#d4a017", 2: "#a7b1bc", 3: "#c07f3d"}
ME = "#fff5d6"
STRIPE = "#f6f8fa"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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


def period_text(week_start: date | None) -> str:
    if week_start is None:
        return "All time"
    end = week_start + timedelta(days=6)
    start_month, end_month = MONTHS[week_start.month - 1], MONTHS[end.month - 1]
    if week_start.month == end.month:
        return f"Week of {week_start.day}–{end.day} {end_month} {end.year}"
    if week_start.year == end.year:
        return f"Week of {week_start.day} {start_month} – {end.day} {end_month} {end.year}"
    return (
        f"Week of {week_start.day} {start_month} {week_start.year}"
        f" – {end.day} {end_month} {end.year}"
    )


def footer_text(data: LeaderboardChartData) -> str:
    members = data.board.members
    if not members:
        return "Nobody has scored yet: answer a question to get on the board."
    who = "member has" if members == 1 else "members have"
    when = "this week" if data.week_start is not None else "so far"
    return f"{members} {who} scored {when}."


def build_leaderboard_sheet(data: LeaderboardChartData, fonts: Fonts | None = None) -> Sheet:
    """The table, ready to draw. Each row's background has gid "row N", the top three's
    medals "medal N" (for checks)."""
    fonts = fonts or chart_fonts()
    entries = list(data.board.entries)
    me = data.board.me
    rows = len(entries) + (1 if me is not None else 0)
    height = _HEADER + _COLUMNS + max(rows, 1) * _ROW + _FOOTER + (_GAP if me else 0)
    sheet = Sheet(height, fonts)
    title = fonts.label(data.chat_title, "Leaderboard") if data.chat_title else "Leaderboard"
    sheet.text(_MARGIN, 0.3, clip(title, 40), size=17, bold=True)
    sheet.text(_MARGIN, 0.78, period_text(data.week_start), color=MUTED)
    y = _HEADER
    for x, label, ha in (
        (_RANK_X, "#", "center"),
        (_NAME_X, "Name", "left"),
        (_POINTS_X, "Points", "right"),
        (_STREAK_X, "Streak", "right"),
    ):
        sheet.text(
            x, y + _COLUMNS / 2, label, size=10.5, color=MUTED, bold=True, ha=ha, va="center"
        )
    y += _COLUMNS
    sheet.rect(_MARGIN, y - 0.02, WIDTH_IN - 2 * _MARGIN, 0.02, TRACK)
    for index, entry in enumerate(entries):
        _row(sheet, y, entry, STRIPE if index % 2 else None, gid=f"row {entry.rank}")
        y += _ROW
    if me is not None:
        sheet.text(_NAME_X, y + 0.14, "⋯", color=MUTED, va="center")
        _row(sheet, y + _GAP, me, None, gid=f"row {me.rank}")
        y += _ROW + _GAP
    if not entries:
        sheet.text(_NAME_X, y + _ROW / 2, "No scores yet.", color=MUTED, va="center")
        y += _ROW
    sheet.text(_MARGIN, y + 0.3, footer_text(data), size=10.5, color=MUTED)
    return sheet


def _row(sheet: Sheet, y: float, entry: LeaderboardEntry, stripe: str | None, gid: str) -> None:
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
    name = clip(sheet.fonts.label(entry.display_name, f"Player {entry.rank}"), 26)
    if entry.is_me:
        name += " (you)"
    sheet.text(_NAME_X, middle, name, size=12.5, bold=entry.is_me, va="center")
    sheet.text(_POINTS_X, middle, f"{entry.points}", size=12.5, bold=True, ha="right", va="center")
    streak = f"{entry.streak} day{'s' if entry.streak != 1 else ''}" if entry.streak else "–"
    sheet.text(
        _STREAK_X,
        middle,
        streak,
        size=12,
        color=INK if entry.streak else MUTED,
        ha="right",
        va="center",
    )


def build_leaderboard_figure(data: LeaderboardChartData, fonts: Fonts | None = None) -> Figure:
    return build_leaderboard_sheet(data, fonts).figure


def leaderboard_png(data: LeaderboardChartData, fonts: Fonts | None = None) -> bytes:
    return png_bytes(build_leaderboard_figure(data, fonts))


async def render_leaderboard(data: LeaderboardChartData) -> bytes:
    """The leaderboard image as PNG bytes, drawn in a worker thread."""
    return await render_png(lambda: build_leaderboard_figure(data))
