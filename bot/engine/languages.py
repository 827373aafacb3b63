"""Interface languages: the use cases behind /lang and behind choosing the language of a
reply.

The engine stores and returns language codes and words nothing: which codes exist, how a
platform's language tag maps to one and who may set a group's are the adapters' business
(`bot.i18n`). A stored None means "not chosen": the person's platform tag, or the
default, decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey

_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True, slots=True)
class Languages:
    """What is stored for one reply: the person's choice and the chat's language."""

    person: str | None
    chat: str | None


def _checked(language: str | None) -> str | None:
    if language is not None and not _CODE.fullmatch(language):
        raise ValueError(f"not a language code: {language!r}")
    return language


async def languages(engine: Engine, chat: ChatKey | None, player: PlayerKey | None) -> Languages:
    """The stored languages of a person and a chat (either may be absent), in one read."""
    async with engine.store.read() as tx:
        user = await tx.users.find(player.platform, player.external_id) if player else None
        row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
    return Languages(user.language if user else None, row.language if row else None)


async def choose_person_language(
    engine: Engine, player: PlayerKey, language: str | None, now: datetime
) -> None:
    """Store the language a person chose (None: follow their platform's tag again)."""
    async with engine.store.write() as tx:
        user = await tx.users.upsert(player.platform, player.external_id, player.display_name, now)
        await tx.users.set_language(user.id, _checked(language))


async def set_chat_language(
    engine: Engine,
    chat: ChatKey,
    language: str | None,
    now: datetime,
    *,
    is_group: bool,
    title: str = "",
    only_if_unset: bool = False,
) -> str | None:
    """Store a chat's language; with `only_if_unset`, only when it has none yet (the
    language of whoever added the bot, kept if an admin chose one before). Returns the
    chat's language afterwards."""
    async with engine.store.write() as tx:
        row = await engine.context.ensure_chat(tx, chat, now, is_group=is_group, title=title)
        if only_if_unset and row.language is not None:
            return row.language
        await tx.chats.set_language(row.id, _checked(language))
    return language
