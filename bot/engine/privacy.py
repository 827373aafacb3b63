"""Privacy: `/forgetme` deletes everything stored about a player, and says what went
(plain counts for the adapter to confirm with)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.context import EngineContext
from bot.engine.results import PlayerKey


@dataclass(frozen=True, slots=True)
class Forgotten:
    found: bool
    """False when nothing was stored about the player in the first place."""
    answers: int = 0
    ratings: int = 0
    cards: int = 0
    """Spaced-repetition states (one per question met)."""
    scores: int = 0
    """Leaderboard totals (one per group and period)."""
    chats: int = 0
    """Private chats (their schedule and the questions sent there)."""


class Privacy:
    """Forgetting a player."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def forget_player(self, player: PlayerKey, now: datetime) -> Forgotten:
        """Delete everything stored about a player (/forgetme, after they confirmed):
        answers, ratings, cards, leaderboard totals, streak and freezes, their private
        chats and their name. Forgetting twice finds nothing the second time."""
        ctx = self.context
        async with ctx.store.write() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            if user is None:
                return Forgotten(found=False)
            counts = await tx.users.delete_all_data(user.id)  # own decks go with the user row
        ctx.library = ctx.library.without(d.row_id for d in ctx.library.owned_by([user.id]))
        if counts["chats"]:
            ctx.schedule_changed()  # a subscribed private chat left its slot
        return Forgotten(found=True, **counts)
