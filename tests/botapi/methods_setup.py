"""The fake Bot API's methods about the bot itself: getMe, logOut, close, the webhook,
the command menu, and the bookkeeping of getUpdates (which the server runs: it waits)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .errors import ApiError, bad_request
from .methodbase import MethodBase
from .state import BotAccount, UpdateRecord

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


class SetupMethods(MethodBase):
    """getMe, logOut, close, webhooks, commands and getUpdates' bookkeeping."""

    # ------------------------------------------------------------------- bot and setup

    def _getMe(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return bot.get_me()

    def _logOut(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return True

    def _close(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return True

    def _deleteWebhook(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        bot.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.drop_pending(bot)
        return True

    def _setWebhook(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if url and not re.match(r"https?://\S+$", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        bot.webhook_url = url
        if params.get("drop_pending_updates"):
            self.drop_pending(bot)
        return True

    def _getWebhookInfo(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": bot.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(bot.updates),
        }
        if bot.webhook_url:
            info["max_connections"] = 40
            info["ip_address"] = "127.0.0.1"
        return info

    def drop_pending(self, bot: BotAccount) -> None:
        now = self.monotonic()
        for record in bot.updates:
            record.confirmed_at = now
            record.skipped = record.skipped or "dropped"
        bot.updates.clear()

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse bot command scope JSON object")
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    def _setMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, Any]] = []
        for entry in commands:
            if not isinstance(entry, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(entry.get("command", "")).lstrip("/")
            description = str(entry.get("description", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        bot.commands[self._commands_key(params)] = cleaned
        return True

    def _getMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return bot.commands.get(self._commands_key(params), [])

    def _deleteMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        bot.commands.pop(self._commands_key(params), None)
        return True

    # ------------------------------------------------------------------------ updates

    def take_updates(self, bot: BotAccount, params: dict[str, Any]) -> list[UpdateRecord]:
        """Apply ``offset``/``allowed_updates`` and return what ``getUpdates`` answers now."""
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed updates JSON object")
            bot.allowed_updates = [str(kind) for kind in allowed]
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        offset = params.get("offset")
        now = self.monotonic()
        if isinstance(offset, int) and offset != 0:
            if offset < 0:
                keep = bot.updates[offset:] if -offset < len(bot.updates) else bot.updates
                confirm_before = keep[0].update_id if keep else bot.next_update_id
            else:
                confirm_before = offset
            remaining: list[UpdateRecord] = []
            for record in bot.updates:
                if record.update_id < confirm_before:
                    record.confirmed_at = now
                else:
                    remaining.append(record)
            bot.updates = remaining
        batch: list[UpdateRecord] = []
        remaining = []
        for record in bot.updates:
            if not bot.allows(record.kind):
                record.skipped = "allowed_updates"
                record.confirmed_at = now
                continue
            remaining.append(record)
            if len(batch) < limit:
                batch.append(record)
        bot.updates = remaining
        return batch

    def mark_delivered(self, batch: list[UpdateRecord]) -> list[dict[str, Any]]:
        now = self.monotonic()
        for record in batch:
            if record.delivered_at is None:
                record.delivered_at = now
        return [copy.deepcopy(record.payload) for record in batch]

    @staticmethod
    def check_polling(bot: BotAccount) -> None:
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
