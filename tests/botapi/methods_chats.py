"""The fake Bot API's chat methods: getChat, members and administrators, files, and chat
actions."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .files import get_file
from .methodbase import MethodBase
from .state import BotAccount, User
from .updates import member_json

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ChatMethods(MethodBase):
    """getChat, getChatMember, getChatAdministrators, getFile and sendChatAction."""

    # -------------------------------------------------------------------- chats, members

    def _getChat(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        info = chat.to_json()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    def _getChatMember(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user_id is empty")
        user = self._known_user(user_id)
        if chat.type == "private" and user_id not in (chat.id, bot.user.id):
            raise bad_request("user not found")
        return member_json(user.to_json(), chat.status_of(user_id, is_bot=user.is_bot))

    def _known_user(self, user_id: int) -> User:
        user = self.world.users.get(user_id)
        if user is None:
            owner = self.world.bot_by_id(user_id)
            if owner is None:
                raise bad_request("user not found")
            user = owner.user
        return user

    def _getChatAdministrators(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins: list[dict[str, Any]] = []
        seen: set[int] = set()
        for user_id, status in chat.members.items():
            if status in ("creator", "administrator"):
                admins.append(member_json(self._known_user(user_id).to_json(), status))
                seen.add(user_id)
        for account in self.world.bots.values():
            status = chat.status_of(account.user.id, is_bot=True)
            if account.user.id not in seen and status in ("creator", "administrator"):
                admins.append(member_json(account.user.to_json(), status))
        admins.sort(key=lambda member: member["status"] != "creator")
        return admins

    def _getFile(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return get_file(self.world, params)

    def _sendChatAction(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
