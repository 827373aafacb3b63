"""A group's weekly recap in words (`bot.progress.recap.Recap` holds the data).

One layout for every platform: a title line, the answer count, then the top of the
week, the longest streaks, the hardest questions with a reminder of their answers, and
the deck covered. The adapter's `Markup` escapes names and deck text and makes the
headings bold; the `Translator` words it in the group's language.
"""

from __future__ import annotations

from datetime import date

from bot.engine.recaps import Recap, shorten
from bot.i18n import N_, Translator, percent
from bot.presentation.markup import Markup

QUESTION_MAX = 140
"""Characters of a hard question's text shown."""
MONTHS = (
    *(N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun")),
    *(N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")),
)
"""Month names (message ids, the same as the charts' month names)."""


def period_text(start: date, end: date, t: Translator) -> str:
    """A week as dates ("1–7 Dec 2026"), shortest when both ends share month and year."""
    dates = {
        "start_day": start.day,
        "start_month": t._(MONTHS[start.month - 1]),
        "start_year": start.year,
        "end_day": end.day,
        "end_month": t._(MONTHS[end.month - 1]),
        "end_year": end.year,
    }
    if (start.year, start.month) == (end.year, end.month):
        return t._("{start_day}–{end_day} {end_month} {end_year}", **dates)
    if start.year == end.year:
        return t._("{start_day} {start_month} – {end_day} {end_month} {end_year}", **dates)
    return t._("{start_day} {start_month} {start_year} – {end_day} {end_month} {end_year}", **dates)


def recap_text(recap: Recap, m: Markup, t: Translator) -> str:
    """The recap, its first line the title; every name and deck text through `m.escape`."""
    escape, bold = m.escape, m.bold
    period = period_text(recap.week_start, recap.week_end, t)
    lines = [
        bold(t._("📅 Weekly recap · {period}", period=period)),
        t._(
            "{answers} from {members}.",
            answers=t.n_("{count} answer", "{count} answers", recap.answers),
            members=t.n_("{count} member", "{count} members", recap.players),
        ),
    ]
    if recap.top:
        lines += ["", bold(t._("🏆 Top of the week"))]
        lines += [
            t._(
                "{rank}. {name} · {points}",
                rank=rank,
                name=escape(member.display_name),
                points=t.n_("{count} pt", "{count} pts", member.points),
            )
            for rank, member in enumerate(recap.top, start=1)
        ]
    if recap.streaks:
        lines += ["", bold(t._("🔥 Longest streaks"))]
        lines += [
            t._(
                "{name} · {days}",
                name=escape(streak.display_name),
                days=t.n_("{count} day", "{count} days", streak.days),
            )
            for streak in recap.streaks
        ]
    if recap.hardest:
        lines += ["", bold(t._("🧠 Hardest questions"))]
        for number, hard in enumerate(recap.hardest, start=1):
            lines.append(
                t._(
                    "{number}. {question} (average {average})",
                    number=number,
                    question=escape(shorten(hard.question, QUESTION_MAX)),
                    average=percent(hard.average_score),
                )
            )
            lines.append(f"   ↳ {escape(hard.reminder)}")
    if recap.new_last_week:
        covered = t._(
            "📚 Covered {covered} of {total} questions (+{new} new last week).",
            covered=recap.covered,
            total=recap.deck_total,
            new=recap.new_last_week,
        )
    else:
        covered = t._(
            "📚 Covered {covered} of {total} questions.",
            covered=recap.covered,
            total=recap.deck_total,
        )
    lines += ["", covered]
    return "\n".join(lines)
