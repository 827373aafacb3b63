"""The quiz engine: the use cases of the quiz, composed over one store and one set of decks.

It knows no chat platform. Adapters pass plain keys, text and the current time, and get
plain values back (or a typed `bot.errors.QuizError`), which they word. Each operation is
one store transaction, committed before it returns, so whatever an adapter acknowledges
is already on disk. Each use case is its own module and an attribute here:

- `asking` (`/quiz`, and recording each question's send), `daily` (the daily push and
  the evening reminders), `answering` (typed answers, poll votes, /skip), `helping`
  (a hint, "I don't know"), `rating`,
  `reveals` (group reveals, private peeks), `settings`, `progress` (streak, stats,
  leaderboard, history, image data), `recaps` (the weekly group recap), `privacy`.
- Own decks and a chat's choice of decks: `bot.engine.owndecks` (functions of an Engine).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.decks.catalog import Catalog
from bot.decks.library import DeckLibrary
from bot.engine.answering import Answering
from bot.engine.asking import Asking
from bot.engine.context import Defaults, EngineContext, Judge
from bot.engine.daily import DailyPush
from bot.engine.helping import Helping
from bot.engine.privacy import Privacy
from bot.engine.progress import Progress
from bot.engine.rating import Rating
from bot.engine.recaps import Recaps
from bot.engine.reveals import Reveals
from bot.engine.settings import Settings
from bot.store import Store

__all__ = ["Defaults", "Engine", "Judge"]


class Engine:
    """The use cases of the quiz over one shared `EngineContext`."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        defaults: Defaults | None = None,
        *,
        judge: Judge | None = None,
    ) -> None:
        self.context = EngineContext(store, catalog, defaults, judge=judge)
        self.asking = Asking(self.context)
        self.daily = DailyPush(self.context)
        self.answering = Answering(self.context)
        self.helping = Helping(self.context)
        self.rating = Rating(self.context)
        self.reveals = Reveals(self.context)
        self.settings = Settings(self.context)
        self.progress = Progress(self.context)
        self.recaps = Recaps(self.context)
        self.privacy = Privacy(self.context)

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def library(self) -> DeckLibrary:
        """Bundled and own decks (bot.engine.owndecks loads and changes the own ones)."""
        return self.context.library

    @library.setter
    def library(self, library: DeckLibrary) -> None:
        self.context.library = library

    @property
    def catalog(self) -> Catalog:
        """Every question the bot knows, for lookups by id."""
        return self.context.catalog

    @property
    def defaults(self) -> Defaults:
        return self.context.defaults

    @property
    def schedule_listeners(self) -> list[Callable[[], None]]:
        """Called after a chat's push time, timezone or subscription changed."""
        return self.context.schedule_listeners
