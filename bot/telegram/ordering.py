"""Updates of one person in one chat are handled in order; everything else concurrently.

Concurrency keeps one slow conversation from holding up anyone else: a group waiting out
its 20-a-minute send budget for one member's commands still grades and acknowledges
another member's answer at once (the acknowledgement is a reaction, which that budget
does not count). Order within a person's conversation keeps it coherent: two rating taps
in quick succession end with the second one shown and stored. What members of one chat
share (the open question, the scores) is kept consistent by the store's transactions.

A handler that is about to wait for a send slot steps aside (`step_aside`, called by the
rate limiter): the person's next update may start meanwhile. So a /quiz waiting out the
group's budget holds up nobody, not even its sender's own answer; order still holds for
everything a handler does before its first send (a rating tap's edit is not a send).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from contextvars import ContextVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256


class _ChatQueue:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class _Turn:
    """A handler's hold on its conversation, given up at its end or when it steps aside."""

    __slots__ = ("held", "lock")

    def __init__(self, lock: asyncio.Lock) -> None:
        self.lock = lock
        self.held = True

    def give_up(self) -> None:
        if self.held:
            self.held = False
            self.lock.release()


_TURN: ContextVar[_Turn | None] = ContextVar("conversation_turn", default=None)


def step_aside() -> None:
    """Let the current handler's conversation go on without it (it is about to wait)."""
    turn = _TURN.get()
    if turn is not None:
        turn.give_up()


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[tuple[int, int], _ChatQueue] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = _conversation_of(update)
        if key is None:
            await coroutine
            return
        queue = self._chats.setdefault(key, _ChatQueue())
        queue.users += 1
        try:
            try:
                await queue.lock.acquire()
            except asyncio.CancelledError:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # never started: no "never awaited" warning
                raise
            turn = _Turn(queue.lock)
            token = _TURN.set(turn)
            try:
                await coroutine
            finally:
                _TURN.reset(token)
                turn.give_up()
        finally:
            queue.users -= 1
            if queue.users == 0:
                del self._chats[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for updates in hand before shutting down."""


def _conversation_of(update: object) -> tuple[int, int] | None:
    """(chat, person) of an update: a poll vote is the voter's private conversation, a
    chat's update from no person (a channel post, a service message) the chat's own."""
    if not isinstance(update, Update):
        return None
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        return chat.id, user.id if user is not None else 0
    if user is not None:
        return user.id, user.id
    return None
