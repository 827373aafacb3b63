"""The running Telegram bot's health and metrics over real HTTP on loopback, and
/forgetme with its confirmation buttons."""

from __future__ import annotations

import json
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.ops.settings import OpsSettings
from tests.botapi import Fault
from tests.ops.telegram_harness import api_server, http_get, polling_bot
from tests.telegram.conftest import ALICE, BOB, buttons_of, message_id_of, text_of

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_a_polling_bot_is_healthy_and_counts_its_work(tmp_path: Path) -> None:
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(health_port=0)) as bot,
    ):
        health = bot.app.bot_data.ops.health
        assert health is not None
        status, body = await http_get(health.port, "/healthz")
        report = json.loads(body)
        assert status == 200, body
        assert report["mode"] == "polling" and report["scheduler"]["running"] is True
        assert report["database"]["ok"] and report["api"]["last_success"] is not None

        server.add_fault(Fault.retry_after(1), method="sendMessage", times=1)
        await bot.command(ALICE, "quiz", "latency")
        await bot.say(ALICE, GOOD_ANSWER)

        _, text = await http_get(health.port, "/metrics")
        found = samples(text)

        scheduler = bot.app.bot_data.scheduler
        assert scheduler is not None
        await scheduler.shutdown()
        status_after, _ = await http_get(health.port, "/healthz")

    assert found[("quizbot_updates_total", (("kind", "command"),))] == 1
    assert found[("quizbot_updates_total", (("kind", "message"),))] == 1
    assert found[("quizbot_handler_seconds_count", (("kind", "message"),))] == 1
    assert found[("quizbot_answers_total", ())] == 1
    assert found[("quizbot_rate_limited_total", ())] == 1
    assert found[("quizbot_update_queue_depth", ())] == 0
    assert found[("quizbot_last_api_success_timestamp_seconds", ())] > 0
    assert found[("quizbot_send_waits_for_answers_total", ())] >= 0
    # one process on SQLite paces alone: no shared budget to report
    assert not [name for name, _ in found if name.startswith("quizbot_send_slots")]
    assert status_after == 503  # the scheduler stopped


async def test_health_is_off_unless_a_port_is_set(tmp_path: Path) -> None:
    async with api_server() as server, polling_bot(server, tmp_path, OpsSettings()) as bot:
        await bot.command(ALICE, "start")
        assert bot.app.bot_data.ops.health is None


async def test_forgetme_asks_first_and_deletes_after_yes(tmp_path: Path) -> None:
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as bot,
    ):
        await bot.command(ALICE, "start")
        await bot.command(ALICE, "quiz", "latency")
        await bot.say(ALICE, GOOD_ANSWER)
        assert bot.rows("SELECT * FROM attempts")

        ask = await bot.command(ALICE, "forgetme")
        assert "Delete everything" in text_of(ask)
        assert buttons_of(ask) == [
            ("🗑 Yes, delete everything", f"v1:forget:{ALICE}:yes"),
            ("Cancel", f"v1:forget:{ALICE}:no"),
        ]
        assert bot.rows("SELECT * FROM attempts")  # nothing deleted before the answer

        mark = server.mark()
        server.inject_callback_query(ALICE, message_id_of(ask), f"v1:forget:{ALICE}:yes")
        edited = await bot.call("editMessageText", ALICE, since=mark)
        await bot.idle()

        assert "Deleted" in text_of(edited)
        for table in ("attempts", "reviews", "cards", "users", "chats", "deliveries"):
            assert bot.rows(f"SELECT * FROM {table}") == [], table


async def test_forgetme_cancel_keeps_everything(tmp_path: Path) -> None:
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as bot,
    ):
        await bot.command(ALICE, "quiz", "latency")
        await bot.say(ALICE, GOOD_ANSWER)
        ask = await bot.command(ALICE, "forgetme")

        mark = server.mark()
        server.inject_callback_query(ALICE, message_id_of(ask), f"v1:forget:{ALICE}:no")
        edited = await bot.call("editMessageText", ALICE, since=mark)
        await bot.idle()

        assert "Nothing was deleted" in text_of(edited)
        assert len(bot.rows("SELECT * FROM attempts")) == 1


async def test_forgetme_is_private_and_its_buttons_only_work_for_their_owner(
    tmp_path: Path,
) -> None:
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as bot,
    ):
        group = server.add_chat("group", title="Study", members={ALICE: "member", BOB: "member"})
        await bot.command(ALICE, "quiz", "latency")
        await bot.say(ALICE, GOOD_ANSWER)
        hint = await bot.command(group["id"], "forgetme", from_user=ALICE, mention=True)
        assert "private chat" in text_of(hint)

        ask = await bot.command(ALICE, "forgetme")
        mark = server.mark()
        forged = f"v1:forget:{ALICE}:yes"  # Bob pressing with Alice's button data
        server.inject_callback_query(ALICE, message_id_of(ask), forged, from_user=BOB)
        answered = await bot.call("answerCallbackQuery", since=mark)
        await bot.idle()

        assert answered.params.get("text") == "This button is not for you."
        assert len(bot.rows("SELECT * FROM attempts")) == 1
