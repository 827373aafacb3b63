"""Engine errors are codes and facts; `bot.presentation.errors` words them, once for all
adapters."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.engine.quiz import Engine
from bot.errors import (
    AlreadyAnswered,
    InvalidSetting,
    NoOpenQuestion,
    NothingToAsk,
    UnknownAttempt,
    UnknownFilter,
)
from bot.i18n import translator_for
from bot.presentation.errors import (
    NO_OPEN_QUESTION,
    UNKNOWN_ATTEMPT,
    error_sentence,
    error_text,
)
from tests.helpers import ALICE_DM, GROUP


@pytest.mark.parametrize("code", sorted(NO_OPEN_QUESTION))
def test_each_no_open_question_code_has_its_sentence(code: str) -> None:
    error = NoOpenQuestion(code)
    assert (error.code, str(error)) == (code, code)
    assert error_text(error) == NO_OPEN_QUESTION[code]


@pytest.mark.parametrize("code", sorted(UNKNOWN_ATTEMPT))
def test_each_unknown_attempt_code_has_its_sentence(code: str) -> None:
    assert error_text(UnknownAttempt(code)) == UNKNOWN_ATTEMPT[code]


def test_an_invalid_setting_shows_the_parsers_reason() -> None:
    error = InvalidSetting("push_time", "'25:00' is not a time of day in HH:MM form (e.g. 09:00)")
    assert error.setting == "push_time"
    assert error_text(error) == error.reason


@pytest.mark.parametrize(
    ("setting", "english", "chinese"),
    [
        (
            "push_time",
            "'25:00' is not a time of day in HH:MM form",
            "'25:00' 不是 HH:MM 格式的时间",
        ),
        ("timezone", "'25:00' is not an IANA timezone name", "'25:00' 不是 IANA 时区名"),
        ("city", "I know no timezone or city called '25:00'.", "找不到叫 '25:00' 的时区或城市"),
    ],
)
def test_an_invalid_settings_value_is_worded_in_the_readers_language(
    setting: str, english: str, chinese: str
) -> None:
    error = InvalidSetting(setting, "the parser's English", value=" 25:00 ")

    assert english in error_sentence(error, translator_for("en"))
    assert chinese in error_sentence(error, translator_for("zh"))


def test_a_long_invalid_value_is_cut_short_when_repeated() -> None:
    error = InvalidSetting("timezone", "too long", value="x" * 500)

    assert f"'{'x' * 39}…' is not" in error_sentence(error, translator_for("en"))


async def test_the_engine_names_the_invalid_value(engine: Engine, now: datetime) -> None:
    with pytest.raises(InvalidSetting) as bad_time:
        await engine.settings.set_push_time(ALICE_DM, "7 pm", now, is_group=False)
    with pytest.raises(InvalidSetting) as bad_zone:
        await engine.settings.set_timezone(ALICE_DM, "Mars/Base", now, is_group=False)

    assert (bad_time.value.setting, bad_time.value.value) == ("push_time", "7 pm")
    assert (bad_zone.value.setting, bad_zone.value.value) == ("timezone", "Mars/Base")


def test_an_unknown_filter_is_worded_with_the_text_given() -> None:
    error = UnknownFilter("x<y", topics=["A"], tags=[], decks=["mini"], closest=["A"])
    assert error_text(error) == "Nothing matches 'x<y'."
    assert error_sentence(error, translator_for("zh")) == "没有找到和 'x<y' 匹配的内容。"


async def test_the_engine_raises_codes_not_sentences(engine: Engine, now: datetime) -> None:
    with pytest.raises(NoOpenQuestion) as never:
        await engine.answering.skip(ALICE_DM, now)
    assert never.value.code == "never_asked"
    await engine.settings.ensure_chat(GROUP, now, is_group=True)
    with pytest.raises(NoOpenQuestion) as nothing:
        await engine.reveals.reveal(GROUP, now)
    assert nothing.value.code == "nothing_to_reveal"
    with pytest.raises(InvalidSetting) as bad:
        await engine.settings.set_push_time(ALICE_DM, "25:00", now, is_group=False)
    assert bad.value.setting == "push_time" and "25:00" in bad.value.reason
    assert "/" not in str(bad.value)
    for error in (NothingToAsk(), AlreadyAnswered()):
        assert " " not in str(error)  # a code, not a sentence
