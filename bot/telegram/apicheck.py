"""The Bot API's first answer at start: a rejected token or a wrong URL is a setting's
mistake (exit 2), an unreachable API a failed start (exit 1), each said in one line."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError
from bot.exits import StartupFailure
from bot.telegram.transport import AiohttpRequest

API_CHECK_TIMEOUT = 10.0
"""Seconds the start waits for the Bot API's first answer (getMe)."""


async def check_telegram_api(token: str, api_url: str, wait: float = API_CHECK_TIMEOUT) -> None:
    """Ask the Bot API who the bot is (getMe) once; ConfigError for a rejected token or a
    wrong URL, StartupFailure if the API cannot be reached. Closes what it opened."""
    request = AiohttpRequest(connection_pool_size=1, read_timeout=wait, connect_timeout=wait)
    bot = Bot(token, base_url=f"{api_url}/bot", request=request)
    try:
        async with bot:  # getMe, then the transport is closed however it ends
            pass
    except InvalidToken as error:
        raise _rejected(error, api_url) from None
    except NetworkError as error:
        raise StartupFailure(
            f"cannot reach the Telegram Bot API at {api_url} ({_plain(error)});"
            " check the network, or QUIZBOT_TELEGRAM_API_URL"
        ) from None
    except TelegramError as error:
        raise StartupFailure(
            f"the Telegram Bot API at {api_url} refused to start the bot ({_plain(error)});"
            " check QUIZBOT_TELEGRAM_API_URL and TELEGRAM_BOT_TOKEN"
        ) from None


def _rejected(error: Exception, api_url: str) -> ConfigError:
    # PTB raises InvalidToken for 401 (a wrong token) and 404 (a wrong URL, or a token that
    # is not even of the right form); the server's own words tell them apart.
    cause = error.__cause__
    said = str(cause) if cause is not None else str(error)
    if "not found" in said.lower():
        return ConfigError(
            f"the Bot API at {api_url} answered 404 Not Found: check QUIZBOT_TELEGRAM_API_URL"
            " (the server's root, like https://api.telegram.org) and TELEGRAM_BOT_TOKEN's form"
        )
    return ConfigError(
        f"TELEGRAM_BOT_TOKEN was rejected by the Bot API at {api_url} ({said}): copy the"
        " token again from @BotFather (/mybots, API Token)"
    )


def _plain(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.rstrip(".")
