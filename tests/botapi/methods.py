"""The Bot API methods: validation, effects on the world and result objects.

Every method takes the calling bot and the coerced parameters and returns the ``result``
or raises ``ApiError``. ``getUpdates`` lives in the server (it waits); its bookkeeping is
here (``take_updates``). Callers hold the server's lock. The methods come in families,
one module each: the bot itself and updates (`methods_setup`), messages and media
(`methods_messages`), polls (`methods_polls`) and chats (`methods_chats`), over the
shared helpers of `methodbase`.
"""

from __future__ import annotations

from typing import Any

from .methodbase import Handler
from .methods_chats import ChatMethods
from .methods_messages import MessageMethods
from .methods_polls import PollMethods
from .methods_setup import SetupMethods
from .state import BotAccount, World


class BotApi(SetupMethods, MessageMethods, PollMethods, ChatMethods):
    """The methods over one ``World``."""

    def __init__(self, world: World, **options: Any) -> None:
        """`options`: the clocks and switches of `MethodBase`."""
        super().__init__(world, **options)
        self.handlers: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe",
            "logOut",
            "close",
            "deleteWebhook",
            "setWebhook",
            "getWebhookInfo",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "sendMessage",
            "editMessageText",
            "editMessageCaption",
            "editMessageReplyMarkup",
            "deleteMessage",
            "answerCallbackQuery",
            "sendPoll",
            "stopPoll",
            "sendPhoto",
            "sendDocument",
            "setMessageReaction",
            "getChatMember",
            "getChatAdministrators",
            "getChat",
            "sendChatAction",
            "getFile",
        ):
            self.handlers[name.lower()] = (name, getattr(self, "_" + name))

    def canonical(self, method: str) -> str | None:
        """The method's proper spelling (Telegram matches names case-insensitively)."""
        if method.lower() == "getupdates":
            return "getUpdates"
        entry = self.handlers.get(method.lower())
        return entry[0] if entry else None

    def call(self, bot: BotAccount, method: str, params: dict[str, Any]) -> Any:
        """The method's result. It may share objects with the world (no copy is made: a
        deep copy per call was the largest cost of a send), so the caller encodes it before
        releasing the lock."""
        _, handler = self.handlers[method.lower()]
        return handler(bot, params)
