"""/start asks for the timezone; a tap or a city name sets it, through the real Application."""

from __future__ import annotations

from tests.telegram.conftest import (
    ALICE,
    BOB,
    Harness,
    buttons_of,
    message_id_of,
    text_of,
)


async def press(bot: Harness, chat_id: int, message_id: int, data: str, **kwargs: object) -> str:
    mark = bot.server.mark()
    bot.server.inject_callback_query(chat_id, message_id, data, **kwargs)  # type: ignore[arg-type]
    answered = await bot.call("answerCallbackQuery", since=mark)
    await bot.idle()
    return str(answered.params.get("text", ""))


async def test_start_asks_for_the_timezone_with_buttons_for_common_zones(bot: Harness) -> None:
    mark = bot.server.mark()
    await bot.command(ALICE, "start")

    asked = await bot.call("sendMessage", ALICE, since=mark, count=2)

    assert "Which timezone are you in?" in text_of(asked)
    assert "/timezone Shanghai" in text_of(asked)
    data = [callback for _label, callback in buttons_of(asked)]
    assert "v1:tz:Asia/Shanghai" in data and "v1:tz:Europe/Berlin" in data
    labels = [label for label, _ in buttons_of(asked)]
    assert "Shanghai · 16:00" in labels  # 08:00 UTC is 16:00 in Shanghai: easy to recognise


async def test_tapping_a_zone_stores_it_and_shows_the_local_push_time(bot: Harness) -> None:
    mark = bot.server.mark()
    await bot.command(ALICE, "start")
    asked = await bot.call("sendMessage", ALICE, since=mark, count=2)
    mark = bot.server.mark()

    alert = await press(bot, ALICE, message_id_of(asked), "v1:tz:Asia/Shanghai")

    shown = await bot.call("sendMessage", ALICE, since=mark)
    assert alert == "Timezone: Asia/Shanghai"
    assert "Timezone set: Asia/Shanghai (it is 16:00 there now)" in text_of(shown)
    assert "You get the daily question at 09:00 your time" in text_of(shown)
    chat = bot.chat_row(ALICE)
    assert (chat["timezone"], chat["push_time"], chat["subscribed"]) == (
        "Asia/Shanghai",
        "09:00",
        1,
    )
    user = bot.one("SELECT timezone FROM users WHERE external_id = ?", ALICE)
    assert user["timezone"] == "Asia/Shanghai"


async def test_a_city_name_offers_its_zone(bot: Harness) -> None:
    await bot.command(ALICE, "start")

    found = await bot.command(ALICE, "timezone", "San Francisco")

    assert "San Francisco" in text_of(found)
    assert buttons_of(found)[0] == ("San Francisco · 00:00", "v1:tz:America/Los_Angeles")
    assert bot.chat_row(ALICE)["timezone"] == "UTC"  # nothing changes before the tap


async def test_a_chinese_city_name_offers_its_zone(bot: Harness) -> None:
    found = await bot.command(ALICE, "timezone", "北京")

    assert buttons_of(found)[0][1] == "v1:tz:Asia/Shanghai"


async def test_an_iana_name_is_set_at_once_as_before(bot: Harness) -> None:
    zoned = await bot.command(ALICE, "timezone", "Europe/Berlin")

    assert "Europe/Berlin" in text_of(zoned)
    assert buttons_of(zoned) == []
    assert bot.chat_row(ALICE)["timezone"] == "Europe/Berlin"


async def test_an_unknown_city_is_named_in_the_reply_and_changes_nothing(bot: Harness) -> None:
    await bot.command(ALICE, "start")

    reply = await bot.command(ALICE, "timezone", "Atlantis")

    assert "I know no timezone or city called 'Atlantis'" in text_of(reply)
    assert bot.chat_row(ALICE)["timezone"] == "UTC"


async def test_a_forged_zone_is_refused_and_changes_nothing(bot: Harness) -> None:
    mark = bot.server.mark()
    await bot.command(ALICE, "start")
    asked = await bot.call("sendMessage", ALICE, since=mark, count=2)

    for data in ("v1:tz:Mars/Olympus", "v1:tz:../../etc/passwd", "v1:tz:", "v1:tz:A" * 3):
        alert = await press(bot, ALICE, message_id_of(asked), data)
        assert alert, data

    assert bot.chat_row(ALICE)["timezone"] == "UTC"


async def test_someone_elses_button_changes_nothing(bot: Harness, group: int) -> None:
    """A zone button pressed on a message in a group (crafted: the bot puts none there)."""
    intro = await bot.command(group, "start", mention=True, from_user=ALICE)

    alert = await press(bot, group, message_id_of(intro), "v1:tz:Asia/Tokyo", from_user=BOB)

    assert "no longer works" in alert
    assert bot.rows("SELECT * FROM chats WHERE timezone = 'Asia/Tokyo'") == []


async def test_a_city_name_with_markup_is_shown_as_typed(bot: Harness) -> None:
    reply = await bot.command(ALICE, "timezone", "<b>Atlantis</b> & co")

    assert "'<b>Atlantis</b> & co'" in text_of(reply)
