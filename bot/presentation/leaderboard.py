"""A chat's leaderboard in words: its title, one line per player, the player count.

Places are medals for the first three and "N." after; the asking player's own name is
bold, and their line follows an ellipsis when they are outside the top entries.
"""

from __future__ import annotations

from bot.engine.results import Leaderboard, LeaderboardEntry
from bot.presentation.markup import Markup

MEDALS = ("🥇", "🥈", "🥉")


def period_name(period: str) -> str:
    """'all' or 'week', as a heading."""
    return "All-time leaderboard" if period == "all" else "This week"


def leaderboard_title(board: Leaderboard, m: Markup) -> str:
    return f"🏆 {m.bold(period_name(board.period))}"


def place(rank: int) -> str:
    return MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."


def leader_line(entry: LeaderboardEntry, m: Markup) -> str:
    """ "🥇 Ada: 40 pts · 🔥3"; the asking player's name in bold."""
    name = m.bold(m.escape(entry.display_name)) if entry.is_me else m.escape(entry.display_name)
    streak = f" · 🔥{entry.streak}" if entry.streak else ""
    return f"{place(entry.rank)} {name}: {entry.points} pts{streak}"


def leader_lines(board: Leaderboard, m: Markup) -> list[str]:
    """The top entries, then "…" and the asking player's own line when they are not
    among them."""
    lines = [leader_line(entry, m) for entry in board.entries]
    if board.me is not None:
        lines += ["…", leader_line(board.me, m)]
    return lines


def no_points_yet(*, by_reply: bool) -> str:
    how = "reply to" if by_reply else "answer"
    return f"No points yet: {how} a question to score."


def players(count: int) -> str:
    return f"{count} player{'s' if count != 1 else ''}"
