"""What every use case of the engine shares: the store, the decks, the defaults, and the
lookups of chats and players they all make.

Each use case module (`asking`, `answering`, `reveals`, ...) holds one `EngineContext`;
`bot.engine.quiz.Engine` builds it once and hands the same one to all of them, so a deck
added by one (an upload) is seen by the others at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.decks.catalog import Catalog
from bot.decks.library import DeckLibrary, parse_choice
from bot.decks.model import Question
from bot.engine.judging import Judgement
from bot.engine.results import Asked, ChatKey, ChatSettings, PlayerKey, StreakInfo
from bot.engine.streaks import StreakState, at_risk, live_streak
from bot.errors import NoOpenQuestion
from bot.store import ChatRow, DeliveryRow, Store, UnitOfWork, UserRow

REVEAL_AFTER_MINUTES = 240
"""How long a group has to answer before the model answer is revealed."""

Judge = Callable[[Question, str], Awaitable[Judgement | None]]
"""A second opinion on a typed answer to a question (`bot.ops.llm.LLMJudge`)."""


@dataclass(frozen=True, slots=True)
class Defaults:
    timezone: str = "UTC"
    push_time: str = "09:00"


class EngineContext:
    """The store, the decks and the defaults, with the lookups the use cases share."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        defaults: Defaults | None = None,
        *,
        judge: Judge | None = None,
    ) -> None:
        self.store = store
        self.library = DeckLibrary(catalog)
        """Bundled and own decks (bot.engine.owndecks loads and changes the own ones)."""
        self.defaults = defaults or Defaults()
        self.judge = judge
        """An optional second opinion on typed answers (`bot.engine.judging`), asked
        before the answer is recorded; it bounds its own wait."""
        self.schedule_listeners: list[Callable[[], None]] = []
        """Called after a chat's push time, timezone or subscription changed."""

    @property
    def catalog(self) -> Catalog:
        """Every question the bot knows, for lookups by id; a chat asks from `view`."""
        return self.library.combined

    def view(self, chat: ChatRow | None) -> Catalog:
        """The decks a chat uses (its choice, or the default for its kind)."""
        if chat is None:
            return self.library.view(None)
        owner = None if chat.is_group else chat.owner_id
        return self.library.view(parse_choice(chat.decks), owner)

    async def ensure_chat(
        self,
        tx: UnitOfWork,
        chat: ChatKey,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatRow:
        """The chat's row, created with the defaults when it is new; a private chat
        without an owner gets `owner` (created too when new)."""
        row = await tx.chats.upsert(
            chat.platform,
            chat.external_id,
            kind="group" if is_group else "private",
            title=title,
            timezone=self.defaults.timezone,
            push_time=self.defaults.push_time,
            now=now,
        )
        if owner is not None and not row.is_group and row.owner_id is None:
            user = await tx.users.upsert(owner.platform, owner.external_id, owner.display_name, now)
            await tx.chats.set_owner(row.id, user.id)
            row = await tx.chats.find_by_id(row.id) or row
        return row

    async def ensure_user(self, tx: UnitOfWork, player: PlayerKey, now: datetime) -> UserRow:
        """The player's row, created when new (their display name kept up to date)."""
        return await tx.users.upsert(player.platform, player.external_id, player.display_name, now)

    async def known_chat(self, tx: UnitOfWork, chat: ChatKey) -> ChatRow:
        """The chat's row; NoOpenQuestion when nothing was ever asked there."""
        row = await tx.chats.find(chat.platform, chat.external_id)
        if row is None:
            raise NoOpenQuestion("never_asked")
        return row

    def timezone_of(self, user: UserRow | None, chat: ChatRow | None) -> str:
        """A player's own timezone, else their chat's, else the default."""
        if user is not None and user.timezone:
            return user.timezone
        if chat is not None:
            return chat.timezone
        return self.defaults.timezone

    def schedule_changed(self) -> None:
        for listener in self.schedule_listeners:
            listener()

    def asked(
        self, delivery: DeliveryRow, chat: ChatRow, is_review: bool, thread_id: int | None
    ) -> Asked:
        """A claimed delivery as the adapter sends it."""
        question = self.catalog.by_id[delivery.question_id]
        return Asked(
            delivery_id=delivery.id,
            question=question,
            language=self.catalog.language_of(question),
            kind=delivery.kind,
            local_day=date.fromisoformat(delivery.local_day),
            is_group=chat.is_group,
            is_review=is_review,
            thread_id=thread_id,
        )


def chat_settings(row: ChatRow) -> ChatSettings:
    return ChatSettings(
        timezone=row.timezone,
        push_time=row.push_time,
        subscribed=bool(row.subscribed),
        active=bool(row.active),
        reveal_after_minutes=REVEAL_AFTER_MINUTES,
    )


def streak_state(user: UserRow) -> StreakState:
    """A player's stored streak as `bot.engine.streaks` computes with it."""
    last = date.fromisoformat(user.last_active_day) if user.last_active_day else None
    return StreakState(user.current_streak, user.longest_streak, last, user.freezes)


def streak_info(state: StreakState, today: date) -> StreakInfo:
    """A streak as the player sees it on their local `today`."""
    return StreakInfo(
        current=live_streak(state, today),
        longest=state.longest,
        freezes=state.freezes,
        answered_today=state.last_day == today,
        at_risk=at_risk(state, today),
    )


NO_STREAK = StreakInfo(0, 0, 0, answered_today=False, at_risk=False)
