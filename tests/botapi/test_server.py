"""The test Bot API server, exercised the way bots use it: through a real PTB ``Bot`` or
``Application`` and through raw HTTP."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.botapi import BotApiServer, Fault, RateLimits, parse_html, parse_markdown_v2

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OTHER_TOKEN = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT_NAME = "quiz_test_bot"
USER = 5_550_001


class FakeClock:
    """A monotonic clock the test moves by hand, so limit tests need no sleeping."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    async with BotApiServer(rate_limits=RateLimits(mode="off")) as srv:
        srv.add_bot(TOKEN, username=BOT_NAME, first_name="Quiz Bot")
        yield srv


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=server.base_url) as ptb_bot:
        yield ptb_bot


def png(width: int, height: int) -> bytes:
    """A valid, tiny PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# ------------------------------------------------------------------------ basic protocol


async def test_get_me_returns_the_registered_bot_user(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (123456789, BOT_NAME, "Quiz Bot", True)


async def test_send_message_echoes_text_entities_markup_and_counts_ids_per_chat(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Reveal", callback_data="reveal:q1")]]
    )
    first = await bot.send_message(USER, "<b>Q1</b> 🚀 <i>why?</i>", parse_mode="HTML")
    second = await bot.send_message(USER, "plain", reply_markup=keyboard)
    assert first.text == "Q1 🚀 why?"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        ("bold", 0, 2),
        ("italic", 6, 4),  # the emoji is two UTF-16 units
    ]
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.from_user is not None and first.from_user.id == 123456789
    assert first.chat.type == "private" and first.chat.id == USER
    assert second.reply_markup == keyboard
    call = server.calls("sendMessage")[-1]
    assert call.params["reply_markup"] == keyboard.to_dict()  # decoded from the form field
    assert call.chat_id == USER
    assert server.sent_messages(USER) == [c.result for c in server.calls("sendMessage")]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Q&A", 'unescaped "&" at byte offset 1'),
    ],
)
async def test_malformed_html_surfaces_as_bad_request(
    bot: telegram.Bot, server: BotApiServer, text: str, detail: str
) -> None:
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(USER, text, parse_mode="HTML")
    error = server.calls("sendMessage")[-1].error
    assert error is not None and error.startswith("Bad Request: can't parse entities: ")
    assert detail in error


async def test_errors_have_telegrams_exact_json_shape(server: BotApiServer) -> None:
    async with httpx.AsyncClient(base_url=f"{server.base_url}{TOKEN}") as client:
        too_long = await client.post("/sendMessage", json={"chat_id": USER, "text": "x" * 4097})
        empty = await client.post("/sendMessage", data={"chat_id": str(USER), "text": "  "})
        unknown = await client.get("/sendTelepathy")
        no_chat = await client.post("/sendMessage", json={"chat_id": -42, "text": "hi"})
    assert too_long.status_code == 400
    assert too_long.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message is too long",
    }
    assert empty.json()["description"] == "Bad Request: message text is empty"
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert no_chat.json()["description"] == "Bad Request: chat not found"


# ----------------------------------------------------------------------------- updates


async def test_long_poll_returns_as_soon_as_an_update_is_injected(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, server.inject_message, USER, "hello")
    started = loop.time()
    updates = await bot.get_updates(timeout=5)
    assert 0.15 < loop.time() - started < 2
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert updates[0].message is not None and updates[0].message.from_user is not None
    assert updates[0].message.from_user.language_code == "en"


async def test_offset_confirms_and_drops_earlier_updates(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    records = [server.inject_message(USER, f"m{i}") for i in range(3)]
    assert [r.update_id for r in records] == sorted({r.update_id for r in records})
    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)  # not confirmed: delivered again
    assert [u.update_id for u in first] == [u.update_id for u in again]
    rest = await bot.get_updates(offset=first[1].update_id, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["m1", "m2"]
    assert records[0].consumed and not records[1].consumed
    await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)
    await server.wait_updates_consumed(timeout=1)
    assert all(r.delivered_at and r.confirmed_at for r in records)
    assert records[0].available_at <= records[0].delivered_at  # type: ignore[operator]


async def test_each_token_has_its_own_bot_user_and_update_queue(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    server.add_bot(OTHER_TOKEN, username="echo_test_bot")
    server.inject_message(USER, "for the quiz bot", token=TOKEN)
    server.inject_message(USER, "for the echo bot", token=OTHER_TOKEN)
    async with telegram.Bot(OTHER_TOKEN, base_url=server.base_url) as other:
        assert (await other.get_me()).username == "echo_test_bot"
        theirs = await other.get_updates(timeout=0)
    mine = await bot.get_updates(timeout=0)
    assert [u.message.text for u in mine if u.message] == ["for the quiz bot"]
    assert [u.message.text for u in theirs if u.message] == ["for the echo bot"]


async def test_a_second_poller_terminates_the_first_with_conflict(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await server.wait_polling(timeout=2)
    async with telegram.Bot(TOKEN, base_url=server.base_url) as second:
        assert await second.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


async def test_reply_to_a_bot_message_carries_the_stored_message(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    question = await bot.send_message(USER, "What is p99?")
    server.inject_reply(USER, question.message_id, "the slowest 1%")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "What is p99?"
    assert update.message.reply_to_message.from_user == question.from_user


async def test_privacy_mode_hides_plain_group_chatter_but_not_commands_or_replies(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    group = server.add_chat("group", title="Study group")["id"]
    question = await bot.send_message(group, "Question?")
    chatter = server.inject_message(group, "lunch anyone?")
    other_bot_command = server.inject_command(group, "start", mention="other_bot")
    command = server.inject_command(group, "quiz", mention=True)
    reply = server.inject_reply(group, question.message_id, "my answer")
    assert chatter.skipped == "privacy_mode" and other_bot_command.skipped == "privacy_mode"
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [command.update_id, reply.update_id]


async def test_callback_query_embeds_its_message_and_is_answered_once(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("A", callback_data="a")]]
    )
    sent = await bot.send_message(USER, "Pick one", reply_markup=keyboard)
    server.inject_callback_query(USER, sent.message_id, "a")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "a"
    assert query.message is not None and query.message.message_id == sent.message_id
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_callback_query(query.id, text="x" * 201)
    assert await bot.answer_callback_query(query.id, text="Correct!")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)


async def test_callback_data_over_64_bytes_is_rejected(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("too long", callback_data="é" * 33)]]  # 66 bytes
    )
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "Pick", reply_markup=keyboard)
    assert server.calls("sendMessage")[-1].error == "Bad Request: BUTTON_DATA_INVALID"


async def test_poll_answer_updates_votes_and_arrives_for_non_anonymous_quiz(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    sent = await bot.send_poll(
        USER,
        "Which is a percentile?",
        ["p99", "mean"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
    )
    assert sent.poll is not None and sent.poll.correct_option_ids == (0,)
    server.inject_poll_answer(sent.poll.id, [0], from_user=USER)
    (update,) = await bot.get_updates(timeout=0)
    assert update.poll_answer is not None and update.poll_answer.option_ids == (0,)
    stopped = await bot.stop_poll(USER, sent.message_id)
    assert stopped.is_closed and stopped.options[0].voter_count == 1
    with pytest.raises(BadRequest, match=r"(?i)question length must not exceed 300"):
        await bot.send_poll(USER, "q" * 301, ["a", "b"])


async def test_edit_errors_match_telegram(bot: telegram.Bot, server: BotApiServer) -> None:
    sent = await bot.send_message(USER, "v1")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("v1", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("v2", chat_id=USER, message_id=999)
    edited = await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    assert [m["text"] for m in server.chat_history(USER)] == ["v2"]


async def test_forum_topics_required_rejects_sends_without_thread(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    forum = server.add_chat("supergroup", forum=True, topics_required=True)["id"]
    topic = server.add_topic(forum, "Daily quiz")
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum, "Question?")
    sent = await bot.send_message(forum, "Question?", message_thread_id=topic)
    assert sent.message_thread_id == topic and sent.is_topic_message
    server.inject_reply(forum, sent.message_id, "answer", thread_id=topic)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.message_thread_id == topic


async def test_migrated_group_surfaces_as_chat_migrated_and_new_id_works(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    group = server.add_chat("group", title="Old group")["id"]
    new_id = server.migrate_chat(group)
    assert str(new_id).startswith("-100")
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group, "hello")
    assert caught.value.new_chat_id == new_id
    assert (await bot.send_message(new_id, "hello")).chat.id == new_id
    updates = await bot.get_updates(timeout=0)
    assert [
        (u.message.migrate_to_chat_id, u.message.migrate_from_chat_id) for u in updates if u.message
    ] == [
        (new_id, None),
        (None, group),
    ]


async def test_blocked_user_surfaces_as_forbidden(bot: telegram.Bot, server: BotApiServer) -> None:
    server.inject_bot_blocked(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "daily question")
    (update,) = await bot.get_updates(timeout=0)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"


# ------------------------------------------------------------------------------ faults

# PTB warns on every RetryAfter that ``retry_after`` will become a timedelta.
ignore_retry_after_warning = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


@ignore_retry_after_warning
async def test_retry_after_fault_surfaces_as_retry_after(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    rule = server.add_fault(Fault.retry_after(7), method="sendMessage", times=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == 7
    assert server.calls("sendMessage")[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert (await bot.send_message(USER, "hi")).text == "hi"
    assert rule.fired == 1 and server.violations.total == 0


async def test_every_nth_call_can_fail_with_bad_gateway(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    server.add_fault(Fault.server_error(502), method="sendMessage", every=2)
    outcomes = []
    for i in range(4):
        try:
            await bot.send_message(USER, f"m{i}")
            outcomes.append("ok")
        except NetworkError as exc:
            outcomes.append(str(exc))
    assert outcomes == ["ok", "Bad Gateway", "ok", "Bad Gateway"]


async def test_dropped_response_still_delivers_the_message(server: BotApiServer) -> None:
    server.add_fault(Fault.drop(), method="sendMessage", times=1)
    async with httpx.AsyncClient(base_url=f"{server.base_url}{TOKEN}") as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/sendMessage", json={"chat_id": USER, "text": "did it arrive?"})
    assert [m["text"] for m in server.chat_history(USER)] == ["did it arrive?"]
    assert server.calls("sendMessage")[-1].dropped


# ------------------------------------------------------------------------- rate limits


@ignore_retry_after_warning
async def test_second_send_to_a_chat_within_a_second_is_a_per_chat_violation() -> None:
    clock = FakeClock()
    async with BotApiServer(monotonic=clock) as srv:
        async with telegram.Bot(TOKEN, base_url=srv.base_url) as ptb_bot:
            await ptb_bot.send_message(USER, "one")
            clock.now += 0.4
            with pytest.raises(RetryAfter) as caught:
                await ptb_bot.send_message(USER, "two")
            assert caught.value.retry_after == 1
            clock.now += 0.6
            await ptb_bot.send_message(USER, "two")
            await ptb_bot.send_chat_action(USER, "typing")  # not a send: never limited
        assert (srv.violations.per_chat, srv.violations.overall, srv.violations.total) == (1, 0, 1)


async def test_thirty_first_send_in_a_second_is_an_overall_violation() -> None:
    clock = FakeClock()
    async with BotApiServer(monotonic=clock) as srv:
        async with httpx.AsyncClient(base_url=f"{srv.base_url}{TOKEN}") as client:
            statuses = [
                (
                    await client.post("/sendMessage", json={"chat_id": USER + i, "text": "q"})
                ).status_code
                for i in range(31)
            ]
        assert statuses == [200] * 30 + [429]
        assert srv.violations.overall == 1 and srv.violations.per_chat == 0


async def test_group_limit_is_twenty_per_minute_and_speedup_scales_windows() -> None:
    clock = FakeClock()
    async with BotApiServer(monotonic=clock, rate_limits=RateLimits(speedup=10)) as srv:
        group = srv.add_chat("supergroup")["id"]
        async with httpx.AsyncClient(base_url=f"{srv.base_url}{TOKEN}") as client:
            for _ in range(20):
                ok = await client.post("/sendMessage", json={"chat_id": group, "text": "q"})
                assert ok.status_code == 200
                clock.now += 0.1  # one Telegram second at 10x
            over = await client.post("/sendMessage", json={"chat_id": group, "text": "q"})
            assert over.json()["parameters"] == {"retry_after": 40}  # Telegram seconds
            clock.now += srv.rate_limits.real_seconds(40)
            again = await client.post("/sendMessage", json={"chat_id": group, "text": "q"})
        assert again.status_code == 200
        assert srv.violations.per_group == 1 and srv.violations.by_chat == {group: 1}


async def test_count_mode_counts_violations_without_refusing() -> None:
    clock = FakeClock()
    async with BotApiServer(monotonic=clock, rate_limits=RateLimits(mode="count")) as srv:
        async with telegram.Bot(TOKEN, base_url=srv.base_url) as ptb_bot:
            for text in ("a", "b", "c"):
                await ptb_bot.send_message(USER, text)
        assert srv.violations.per_chat == 2


# --------------------------------------------------------------------- uploads, threads


async def test_multipart_send_photo_is_recorded_with_the_file(
    bot: telegram.Bot, server: BotApiServer
) -> None:
    image = png(64, 32)
    sent = await bot.send_photo(
        USER,
        telegram.InputFile(image, filename="chart.png"),
        caption="<b>chart</b>",
        parse_mode="HTML",
    )
    call = server.calls("sendPhoto")[-1]
    upload = call.files["photo"]
    assert (upload.filename, upload.data) == ("chart.png", image)
    assert sent.caption == "chart" and sent.photo[-1].width == 64 and sent.photo[-1].height == 32
    again = await bot.send_photo(USER, sent.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_id == sent.photo[-1].file_id


def test_server_in_a_thread_serves_blocking_clients() -> None:
    with BotApiServer(rate_limits=RateLimits(mode="off")).in_thread() as srv:
        srv.add_bot(TOKEN, username=BOT_NAME)
        srv.inject_message(USER, "ping")
        with httpx.Client(base_url=f"{srv.base_url}{TOKEN}") as client:
            updates = client.get("/getUpdates", params={"timeout": 1}).json()["result"]
            client.post("/sendMessage", data={"chat_id": USER, "text": "pong"})
            client.get("/getUpdates", params={"offset": updates[-1]["update_id"] + 1})
        call = srv.wait_for_call_blocking("sendMessage", timeout=2)
        assert call.result["text"] == "pong"
        srv.wait_updates_consumed_blocking(timeout=2)


async def test_application_command_handler_replies_to_an_injected_command(
    server: BotApiServer,
) -> None:
    group = server.add_chat("group", title="Study group")["id"]

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Welcome!")

    app = Application.builder().token(TOKEN).base_url(server.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        command = server.inject_command(group, "start", mention=True)
        call = await server.wait_for_call("sendMessage", chat_id=group, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert call.result["text"] == "Welcome!"
    assert call.result["reply_to_message"]["text"] == f"/start@{BOT_NAME}"
    assert call.time >= command.available_at
    await server.wait_updates_consumed(timeout=1)


# -------------------------------------------------------------------------- formatting


def test_html_parser_handles_nesting_pre_language_and_entities() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x &lt; 1</code></pre> <a href="https://t.me">t</a>'
    )
    assert text == "x < 1 t"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "text_link", "offset": 6, "length": 1, "url": "https://t.me"},
    ]


def test_markdown_v2_requires_reserved_characters_escaped() -> None:
    assert parse_markdown_v2(r"*bold* 1\.5")[0] == "bold 1.5"
    with pytest.raises(Exception, match=r"Character '\.' is reserved"):
        parse_markdown_v2("done.")
