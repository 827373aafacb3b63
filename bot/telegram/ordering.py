"""Updates of one chat are handled in order; different chats are handled concurrently.

Concurrency keeps one slow chat (a group waiting out its 20-a-minute budget) from holding
up everyone else. Order within a chat keeps a conversation coherent: two rating taps in
quick succession end with the second one shown and stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256


class _ChatQueue:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _ChatQueue] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = _conversation_of(update)
        if key is None:
            await coroutine
            return
        queue = self._chats.setdefault(key, _ChatQueue())
        queue.users += 1
        try:
            async with queue.lock:
                await coroutine
        finally:
            queue.users -= 1
            if queue.users == 0:
                del self._chats[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for updates in hand before shutting down."""


def _conversation_of(update: object) -> int | None:
    """The chat an update belongs to (a poll vote: the voter's private conversation)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
