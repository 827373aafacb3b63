"""The /stats image: streaks in the title, a 12-week calendar heatmap, mastery per topic.

Laid out by hand in inches (no constrained layout: it is slow and moves things around),
1080 pixels wide so it reads at full size on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.results import StreakInfo, TopicMastery
from bot.i18n import DEFAULT, N_, Translator, percent, translator_for
from bot.progress.canvas import INK, MUTED, TRACK, WIDTH_IN, Sheet, png_bytes, render_png
from bot.progress.chart_data import StatsChartData
from bot.progress.fonts import Fonts, chart_fonts, clip
from bot.progress.heatmap import DayKind, intensity

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_TOPICS = 16
"""More topics than this: the seen ones first, the rest summed up in one line."""

SHADES = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
FROZEN = "#9fd3f7"
STREAK_EDGE = "#f77f00"
TODAY_EDGE = INK
WEAK, FAIR, STRONG = "#e5534b", "#f0a020", "#2da44e"
MONTHS = (
    *(N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun")),
    *(N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")),
)
"""Month names (message ids: each is translated where it is drawn)."""
DAY_NAMES = (N_("Mon"), "", N_("Wed"), "", N_("Fri"), "", N_("Sun"))
SNOWFLAKE = "\u2744"

# Layout, in inches from the top-left corner.
_MARGIN = 0.3
_LEFT = 0.62
"""Where the calendar starts (weekday names to its left)."""
_TITLE = 1.15
_MONTHS = 0.32
_LEGEND = 0.55
_SECTION = 0.5
_ROW = 0.6
_BOTTOM = 0.25
_GAP = 0.1
"""Between calendar cells, as a share of a cell's pitch."""


@dataclass(frozen=True, slots=True)
class _Layout:
    height: float
    pitch: float
    calendar_top: float
    mastery_top: float


def _layout(weeks: int, rows: int) -> _Layout:
    pitch = (WIDTH_IN - _LEFT - _MARGIN) / weeks
    calendar_top = _TITLE + _SECTION + _MONTHS
    mastery_top = calendar_top + 7 * pitch + _LEGEND + _SECTION
    return _Layout(
        height=mastery_top + max(rows, 1) * _ROW + _BOTTOM,
        pitch=pitch,
        calendar_top=calendar_top,
        mastery_top=mastery_top,
    )


def shown_topics(topics: tuple[TopicMastery, ...]) -> tuple[tuple[TopicMastery, ...], int]:
    """The topics drawn (deck order) and how many more were left out."""
    if len(topics) <= MAX_TOPICS:
        return topics, 0
    seen = [t for t in topics if t.seen]
    chosen = {t.topic for t in (seen + [t for t in topics if not t.seen])[: MAX_TOPICS - 1]}
    kept = tuple(t for t in topics if t.topic in chosen)
    return kept, len(topics) - len(kept)


def title_text(name: str, streak: StreakInfo, t: Translator | None = None) -> str:
    t = t or translator_for(DEFAULT)
    text = t.n_(
        "{name} · streak {count} day", "{name} · streak {count} days", streak.current, name=name
    )
    if streak.longest > streak.current:
        text += t._(" (best {best})", best=streak.longest)
    return text


def subtitle_text(data: StatsChartData, t: Translator | None = None) -> str:
    t = t or translator_for(DEFAULT)
    text = t.n_("{count} answer", "{count} answers", data.answered) + " · "
    text += t._(
        "{seen}/{total} questions seen", seen=data.questions_seen, total=data.questions_total
    )
    if data.answered:
        average = percent(data.average_score)
        text += " · " + t._("average {average}", average=average)
    if data.streak.freezes:
        text += " · " + t.n_("{count} freeze held", "{count} freezes held", data.streak.freezes)
    return text


def stats_caption(data: StatsChartData, t: Translator | None = None) -> str:
    """A short caption for the image (plain text, well under Telegram's 1024)."""
    return f"{title_text(data.display_name, data.streak, t)}\n{subtitle_text(data, t)}"


def build_stats_sheet(
    data: StatsChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> Sheet:
    """The chart, ready to draw, its labels in `t`'s language (English by default).
    Calendar cells have gid "day YYYY-MM-DD", mastery bars "mastery N" (for checks)."""
    t = t or translator_for(DEFAULT)
    fonts = fonts or chart_fonts()
    topics, hidden = shown_topics(data.topics)
    layout = _layout(data.heatmap.weeks, len(topics) + (1 if hidden else 0))
    sheet = Sheet(layout.height, fonts)
    name = fonts.label(data.display_name, t._("You"))
    sheet.text(_MARGIN, 0.3, clip(title_text(name, data.streak, t), 44), size=17, bold=True)
    sheet.text(_MARGIN, 0.78, clip(subtitle_text(data, t), 80), color=MUTED)
    weeks = t.n_("Last {count} week", "Last {count} weeks", data.heatmap.weeks)
    sheet.text(_MARGIN, _TITLE + 0.05, weeks, size=13, bold=True)
    _calendar(sheet, data, layout, t)
    _legend(sheet, layout.calendar_top + 7 * layout.pitch + 0.25, t)
    sheet.text(
        _MARGIN, layout.mastery_top - _SECTION + 0.05, t._("Mastery by topic"), size=13, bold=True
    )
    _mastery(sheet, topics, hidden, layout.mastery_top, t)
    return sheet


def build_stats_figure(
    data: StatsChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> Figure:
    return build_stats_sheet(data, fonts, t).figure


def _calendar(sheet: Sheet, data: StatsChartData, layout: _Layout, t: Translator) -> None:
    heatmap, pitch, top = data.heatmap, layout.pitch, layout.calendar_top
    gap = _GAP * pitch
    for cell in heatmap.cells:
        face = FROZEN if cell.kind is DayKind.FROZEN else SHADES[intensity(cell.answers)]
        edge = TODAY_EDGE if cell.is_today else STREAK_EDGE if cell.in_streak else None
        x = _LEFT + cell.week * pitch + gap / 2
        y = top + cell.weekday * pitch + gap / 2
        size = pitch - gap
        sheet.rect(x, y, size, size, face, edge=edge, line=2.2, gid=f"day {cell.day}")
        if cell.kind is DayKind.FROZEN:
            sheet.text(
                x + size / 2,
                y + size / 2,
                SNOWFLAKE,
                size=12,
                color="#1f6fb2",
                ha="center",
                va="center",
            )
    for row, label in enumerate(DAY_NAMES):
        if label:
            sheet.text(
                _LEFT - 0.08,
                top + (row + 0.5) * pitch,
                t._(label),
                size=10.5,
                color=MUTED,
                ha="right",
                va="center",
            )
    last_label = -2
    for week in range(heatmap.weeks):
        days = [c.day for c in heatmap.cells if c.week == week]
        first_of_month = next((d for d in days if d.day == 1), None)
        month = first_of_month.month if first_of_month else (days[0].month if week == 0 else 0)
        if month and week - last_label >= 2:
            sheet.text(
                _LEFT + week * pitch + gap / 2,
                top - 0.08,
                t._(MONTHS[month - 1]),
                size=10.5,
                color=MUTED,
                va="bottom",
            )
            last_label = week


def _legend(sheet: Sheet, y: float, t: Translator) -> None:
    box = 0.18
    x = _LEFT

    def swatch(face: str, edge: str | None = None) -> None:
        sheet.rect(x, y - box / 2, box, box, face, edge=edge, line=2.0)

    def words(text: str) -> None:
        sheet.text(x, y, text, size=10, color=MUTED, va="center")

    words(t._("less"))
    x += 0.42
    for shade in SHADES:
        swatch(shade)
        x += 0.24
    words(t._("more"))
    x += 0.75
    for face, edge, label in (
        (FROZEN, None, t._("freeze")),
        (SHADES[2], STREAK_EDGE, t._("streak")),
        (SHADES[0], TODAY_EDGE, t._("today")),
    ):
        swatch(face, edge)
        x += 0.27
        words(label)
        x += 0.7


def score_colour(score: float) -> str:
    if score < 0.4:
        return WEAK
    if score < 0.7:
        return FAIR
    return STRONG


def _mastery(
    sheet: Sheet, topics: tuple[TopicMastery, ...], hidden: int, top: float, t: Translator
) -> None:
    width = WIDTH_IN - 2 * _MARGIN
    for row, topic in enumerate(topics):
        y = top + row * _ROW
        label = clip(sheet.fonts.label(topic.topic, t._("Topic {number}", number=row + 1)), 46)
        sheet.text(_MARGIN, y + 0.04, label)
        if topic.seen:
            figures = t._(
                "{average} · {seen}/{total} seen",
                average=percent(topic.average_score),
                seen=topic.seen,
                total=topic.total,
            )
            colour = INK
        else:
            figures, colour = t._("not started · 0/{total}", total=topic.total), MUTED
        sheet.text(_MARGIN + width, y + 0.04, figures, color=colour, ha="right")
        sheet.rect(_MARGIN, y + 0.33, width, 0.18, TRACK)
        share = topic.average_score if topic.seen else 0.0
        sheet.rect(
            _MARGIN, y + 0.33, width * share, 0.18, score_colour(share), gid=f"mastery {row}"
        )
    if hidden:
        sheet.text(
            _MARGIN,
            top + len(topics) * _ROW + 0.1,
            t.n_("+ {count} more topic not shown", "+ {count} more topics not shown", hidden),
            color=MUTED,
        )
    if not topics:
        sheet.text(_MARGIN, top + 0.1, t._("No topics yet."), color=MUTED)


def stats_png(
    data: StatsChartData, fonts: Fonts | None = None, t: Translator | None = None
) -> bytes:
    return png_bytes(build_stats_figure(data, fonts, t))


async def render_stats(data: StatsChartData, t: Translator | None = None) -> bytes:
    """The /stats image as PNG bytes (labels in `t`'s language), drawn in a worker thread."""
    return await render_png(lambda: build_stats_figure(data, t=t))
