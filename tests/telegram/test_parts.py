"""The adapter's pure parts: callback data, HTML, splitting, the retry policy."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.engine.srs import Rating
from bot.i18n import translator_for
from bot.telegram.keyboards import (
    MAX_CALLBACK_BYTES,
    AnswerByDmButton,
    RateButton,
    parse_button,
    rating_keyboard,
)
from bot.telegram.markup import deck_markdown, escape, split_html, utf16_len
from bot.telegram.ratelimit import PRE_PACED, RetryPolicy, SharedRateLimiter
from scheduler.limits import Limits, SendLimiter
from tests.botapi import parse_html
from tests.helpers import faster


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """As `build_application` opts in: PTB time periods as timedelta, no warnings."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


# -- callback data -------------------------------------------------------------------------


def test_callback_data_round_trips_within_64_bytes() -> None:
    biggest = 10**18 - 1
    for button in (RateButton(biggest, Rating.EASY), AnswerByDmButton(biggest)):
        data = button.encode()
        assert len(data.encode()) <= MAX_CALLBACK_BYTES
        assert parse_button(data) == button


@pytest.mark.parametrize(
    "data",
    [
        "",
        "v1:rate:1",
        "v1:rate:1:5",
        "v1:rate:0:3",
        "v1:rate:01:3",
        "v1:rate:1:3:extra",
        "v1 rate 1 3",
        "v2:rate:1:3",
        "v1:dm:1\n",
        "v1:dm:١",  # an Arabic-Indic digit
        "v1:dm:" + "9" * 19,
        None,
    ],
)
def test_foreign_callback_data_is_rejected(data: object) -> None:
    assert parse_button(data) is None


def test_rating_keyboard_marks_one_rating() -> None:
    keyboard = rating_keyboard(12, Rating.HARD, translator_for("en"))
    labels = [button.text for button in keyboard.inline_keyboard[0]]
    assert labels == ["Again", "✓ Hard", "Good", "Easy"]


# -- HTML ----------------------------------------------------------------------------------


def test_everything_supplied_is_escaped() -> None:
    assert escape("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    html = deck_markdown("- **a < b** & `x<y>` *it*\n# Title")
    text, entities = parse_html(html)
    assert text == "• a < b & x<y> it\nTitle"
    assert {entity["type"] for entity in entities} == {"bold", "code", "italic"}


def test_split_prefers_paragraphs_then_lines() -> None:
    text = "first paragraph\n\nsecond one is here\nand a line"
    assert split_html(text, 30) == ["first paragraph", "second one is here\nand a line"]
    assert split_html(text, 20) == ["first paragraph", "second one is here", "and a line"]


def test_split_closes_and_reopens_tags() -> None:
    parts = split_html("<b>" + "word " * 30 + "</b>", 60)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        parse_html(part)  # valid on its own


_PIECES = st.sampled_from(
    ["plain", "<b>bold words</b>", "<i>x</i>", "a &amp; b", "&lt;tag&gt;", "😀", "\n", "\n\n"]
)


@given(st.lists(_PIECES, min_size=1, max_size=300), st.sampled_from([40, 100, 4096]))
def test_split_parts_fit_parse_and_keep_the_text(pieces: list[str], limit: int) -> None:
    text = " ".join(pieces)
    if not re.sub(r"<[^>]*>|\s", "", text):
        return
    parts = split_html(text, limit)
    for part in parts:
        assert utf16_len(part) <= limit
        parse_html(part)
    plain = "".join(parse_html(part)[0] for part in parts)
    assert re.sub(r"\s", "", plain) == re.sub(r"\s", "", parse_html(text)[0])


# -- the retry policy ----------------------------------------------------------------------


class Calls:
    """A scripted Bot API callback: raises the given errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.count = 0

    async def __call__(self) -> dict[str, Any]:
        self.count += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


def limiter_and_policy() -> tuple[SendLimiter, SharedRateLimiter]:
    limiter = SendLimiter(faster(Limits(), 1000))
    policy = RetryPolicy(max_retries=3, retry_after_scale=0.001, server_error_backoff=0.001)
    return limiter, SharedRateLimiter(limiter, policy)


async def process(
    rate_limiter: SharedRateLimiter, calls: Calls, endpoint: str, options: Any = None
) -> Any:
    return await rate_limiter.process_request(calls, (), {}, endpoint, {"chat_id": 5}, options)


def transport_error() -> NetworkError:
    error = NetworkError("httpx.ReadError: reset")
    error.__cause__ = httpx.ReadError("reset")
    return error


async def test_429_and_5xx_are_retried_then_succeed() -> None:
    _, rate_limiter = limiter_and_policy()
    calls = Calls(RetryAfter(2), NetworkError("Bad Gateway"))
    assert await process(rate_limiter, calls, "sendMessage") == {"ok": True}
    assert calls.count == 3


async def test_retries_are_bounded() -> None:
    _, rate_limiter = limiter_and_policy()
    calls = Calls(*(RetryAfter(1) for _ in range(10)))
    with pytest.raises(RetryAfter):
        await process(rate_limiter, calls, "sendMessage")
    assert calls.count == 4


@pytest.mark.parametrize("error", [transport_error(), TimedOut(), BadRequest("Chat not found")])
async def test_a_send_that_may_have_arrived_is_not_repeated(error: Exception) -> None:
    _, rate_limiter = limiter_and_policy()
    calls = Calls(error)
    with pytest.raises(type(error)):
        await process(rate_limiter, calls, "sendMessage")
    assert calls.count == 1


async def test_calls_safe_to_repeat_are_retried_after_a_timeout() -> None:
    _, rate_limiter = limiter_and_policy()
    calls = Calls(TimedOut(), transport_error())
    assert await process(rate_limiter, calls, "editMessageText") == {"ok": True}
    assert calls.count == 3


async def test_a_429_pauses_every_send() -> None:
    limiter, rate_limiter = limiter_and_policy()
    await process(rate_limiter, Calls(RetryAfter(30)), "sendMessage")
    assert limiter.paused_until > 0


async def test_pre_paced_calls_are_neither_paced_nor_retried() -> None:
    limiter, rate_limiter = limiter_and_policy()
    calls = Calls(RetryAfter(1))
    with pytest.raises(RetryAfter):
        await process(rate_limiter, calls, "sendMessage", PRE_PACED)
    assert calls.count == 1
    assert limiter.tracked_chats == 0
