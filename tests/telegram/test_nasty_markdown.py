"""A deck whose Markdown once rendered as crossing tags: every message still goes out.

The test Bot API server parses HTML as Telegram does and refuses crossing or unknown
tags, so a question that reaches the chat proves the markup was accepted.
"""

from __future__ import annotations

from tests.telegram.conftest import ALICE, FIXTURES, StartBot, text_of

NASTY_DECK = FIXTURES / "nasty_markdown.yaml"


async def test_crossing_emphasis_in_a_deck_is_sent_asked_and_revealed(start_bot: StartBot) -> None:
    bot = await start_bot(NASTY_DECK)

    question = await bot.command(ALICE, "quiz")
    assert "Which is right: a *b c* or x < y & d **e f**?" in text_of(question)
    bold = [e for e in question.result["entities"] if e["type"] == "bold"]
    assert bold, "the bold span survives"

    mark = bot.server.mark()
    answer = await bot.command(ALICE, "skip")
    assert "a *b c*" in text_of(answer)
    assert "<b>not a tag</b> &amp; code **not bold**" in text_of(answer)
    refused = [call for call in bot.server.calls(since=mark) if not call.ok]
    assert refused == []
