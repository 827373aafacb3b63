"""Who answered a group question, as shown when its answer is revealed.

`reveal_scores` ranks the answers once for every platform (most points, then best
score, then name), keeps the first `REVEAL_LINES` with a medal for the top three who
scored, and counts the rest; `reveal_score_lines` words them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.results import RevealEntry
from bot.i18n import Translator
from bot.presentation.markup import Markup

REVEAL_LINES = 10
MEDALS = ("🥇", "🥈", "🥉")


@dataclass(frozen=True, slots=True)
class RevealLine:
    badge: str
    """A medal for the first three who scored, else a bullet."""
    display_name: str
    percent: int
    points: int


@dataclass(frozen=True, slots=True)
class RevealScores:
    lines: tuple[RevealLine, ...]
    more: int
    """Answers beyond the lines shown."""


def reveal_scores(entries: tuple[RevealEntry, ...]) -> RevealScores:
    ranked = sorted(entries, key=lambda e: (-e.points, -e.score, e.display_name))
    lines = tuple(
        RevealLine(
            MEDALS[place] if place < len(MEDALS) and entry.points > 0 else "•",
            entry.display_name,
            round(entry.score * 100),
            entry.points,
        )
        for place, entry in enumerate(ranked[:REVEAL_LINES])
    )
    return RevealScores(lines, max(0, len(ranked) - REVEAL_LINES))


def who_answered(t: Translator) -> str:
    return t._("Who answered")


def reveal_score_lines(scores: RevealScores, m: Markup, t: Translator) -> list[str]:
    """One line per answer shown ("🥇 Ada: 90% · +10 pts"), or that nobody answered."""
    if not scores.lines:
        return [t._("Nobody answered this one.")]
    lines = [
        f"{line.badge} {m.escape(line.display_name)}: {line.percent}% · "
        + t.n_("+{count} pt", "+{count} pts", line.points)
        for line in scores.lines
    ]
    if scores.more:
        lines.append(t._("…and {count} more.", count=scores.more))
    return lines
