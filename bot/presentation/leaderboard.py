"""A chat's leaderboard in words: its title, one line per player, the player count.

Places are medals for the first three and "N." after; the asking player's own name is
bold, and their line follows an ellipsis when they are outside the top entries.
"""

from __future__ import annotations

from bot.engine.results import Leaderboard, LeaderboardEntry
from bot.i18n import Translator
from bot.presentation.markup import Markup

MEDALS = ("🥇", "🥈", "🥉")


def period_name(period: str, t: Translator) -> str:
    """'all' or 'week', as a heading."""
    return t._("All-time leaderboard") if period == "all" else t._("This week")


def leaderboard_title(board: Leaderboard, m: Markup, t: Translator) -> str:
    return f"🏆 {m.bold(period_name(board.period, t))}"


def place(rank: int) -> str:
    return MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."


def leader_line(entry: LeaderboardEntry, m: Markup, t: Translator) -> str:
    """ "🥇 Ada: 40 pts · 🔥3"; the asking player's name in bold."""
    name = m.bold(m.escape(entry.display_name)) if entry.is_me else m.escape(entry.display_name)
    streak = f" · 🔥{entry.streak}" if entry.streak else ""
    points = t.n_("{count} pt", "{count} pts", entry.points)
    return f"{place(entry.rank)} {name}: {points}{streak}"


def leader_lines(board: Leaderboard, m: Markup, t: Translator) -> list[str]:
    """The top entries, then "…" and the asking player's own line when they are not
    among them."""
    lines = [leader_line(entry, m, t) for entry in board.entries]
    if board.me is not None:
        lines += ["…", leader_line(board.me, m, t)]
    return lines


def no_points_yet(t: Translator, *, by_reply: bool) -> str:
    if by_reply:
        return t._("No points yet: reply to a question to score.")
    return t._("No points yet: answer a question to score.")


def players(count: int, t: Translator) -> str:
    return t.n_("{count} player", "{count} players", count)
