"""Webhook mode over real HTTP on loopback: Telegram's updates are accepted only with the
secret token, and a repeated update is handled once."""

from __future__ import annotations

import json
from pathlib import Path

from bot.ops.settings import OpsSettings
from bot.telegram.webhook import webhook_from
from tests.ops.telegram_harness import api_server, handled, http_get, post_update, webhook_bot
from tests.telegram.conftest import ALICE, text_of

SECRET = "s3cret-token_for-tests"
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def test_the_webhook_is_registered_with_its_secret(tmp_path: Path) -> None:
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET) as (bot, hook):
        [call] = server.calls("setWebhook")
        info = (await bot.app.bot.get_webhook_info()).url

    assert call.params["url"] == hook.url == info
    assert call.params["secret_token"] == SECRET
    assert not server.calls("getUpdates")  # no polling in webhook mode


async def test_updates_without_the_secret_are_refused_and_change_nothing(tmp_path: Path) -> None:
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET) as (bot, hook):
        update = server.inject_command(ALICE, "start").payload
        mark = server.mark()

        assert await post_update(hook, update, None) == 403
        assert await post_update(hook, update, "wrong-secret") == 403
        await handled(bot.app)

        assert server.calls(since=mark) == []  # the bot said nothing
        assert bot.rows("SELECT * FROM chats") == []  # and stored nothing

        assert await post_update(hook, update, SECRET) == 200
        welcome = await bot.call("sendMessage", ALICE, since=mark)
        await handled(bot.app)

    assert "Welcome" in text_of(welcome)
    assert bot.one("SELECT subscribed FROM chats")["subscribed"] == 1


async def test_a_repeated_update_is_handled_once(tmp_path: Path) -> None:
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET) as (bot, hook):
        mark = server.mark()
        ask = server.inject_command(ALICE, "quiz", "latency").payload
        assert await post_update(hook, ask, SECRET) == 200
        await bot.call("sendMessage", ALICE, since=mark)
        await handled(bot.app)

        answer = server.inject_message(ALICE, GOOD_ANSWER).payload
        mark = server.mark()
        for _ in range(2):  # Telegram delivers again when it thinks a delivery failed
            assert await post_update(hook, answer, SECRET) == 200
        await bot.call("sendMessage", ALICE, since=mark)
        await handled(bot.app)

        feedback = [call for call in server.calls("sendMessage", ALICE, since=mark) if call.ok]
        attempts = bot.rows("SELECT * FROM attempts")

    assert len(feedback) == 1
    assert len(attempts) == 1 and attempts[0]["score"] == 1.0


async def test_health_says_webhook_and_does_not_need_api_traffic(tmp_path: Path) -> None:
    ops = OpsSettings(health_port=0, max_api_silence=0.001)
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET, ops) as (bot, _):
        health = bot.app.bot_data.ops.health
        assert health is not None
        status, body = await http_get(health.port, "/healthz")

    report = json.loads(body)
    assert status == 200, body
    assert report["mode"] == "webhook" and report["api"]["ok"]


def test_flags_win_over_the_environment_and_a_secret_is_made_when_unset() -> None:
    env = OpsSettings.from_env(
        {"QUIZBOT_WEBHOOK_URL": "https://a.example/x", "QUIZBOT_WEBHOOK_LISTEN": "0.0.0.0:9000"}
    )

    from_env = webhook_from(env)
    from_flags = webhook_from(env, "https://b.example/tg/hook", "127.0.0.1:8443")
    again = webhook_from(env)

    assert (from_env.url, str(from_env.listen), from_env.path) == (
        "https://a.example/x",
        "0.0.0.0:9000",
        "x",
    )
    assert (from_flags.url, str(from_flags.listen), from_flags.path) == (
        "https://b.example/tg/hook",
        "127.0.0.1:8443",
        "tg/hook",
    )
    assert len(from_env.secret) >= 32 and from_env.secret != again.secret
    fixed = webhook_from(
        OpsSettings.from_env(
            {"QUIZBOT_WEBHOOK_SECRET": "abc", "QUIZBOT_WEBHOOK_URL": "https://a.example/"}
        )
    )
    assert fixed.secret == "abc" and fixed.path == ""
