"""/export: a player's own history as CSV, through the engine."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.engine.srs import Rating
from bot.progress.export import (
    COLUMNS,
    FORMULA_START,
    HistoryRow,
    export_filename,
    history_csv,
)
from tests.helpers import ALICE, ALICE_DM, BOB, ask_and_send, group_round, reply

GROUP = ChatKey("telegram", -100888)


def parsed(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_a_player_exports_their_own_answers_oldest_first(
    progress_engine: Engine, now: datetime
) -> None:
    asked, _ = await ask_and_send(progress_engine, ALICE_DM, ALICE, now, filter_text="何时")
    result = await reply(progress_engine, ALICE_DM, ALICE, '数据里有模式, "quoted"\nline', now)
    await progress_engine.rating.rate(result.attempt_id, ALICE, Rating.EASY, now)
    await progress_engine.settings.ensure_chat(GROUP, now, is_group=True, title="Study, group")
    later = now + timedelta(days=1)
    await group_round(progress_engine, GROUP, later, {ALICE: True, BOB: False})

    history = await progress_engine.progress.history(ALICE)
    assert history[0].question_id == asked.question.id
    assert len(history) == 2  # Bob's answer is not Alice's
    rows = parsed(history_csv(history))
    assert list(rows[0]) == list(COLUMNS)
    first, second = rows
    assert first["question"] == "什么时候应该使用机器学习？"
    assert first["your_answer"] == '数据里有模式, "quoted"\nline'
    assert (first["deck"], first["topic"]) == ("mini", "DMLS ch1.1 何时使用机器学习")
    assert first["rating"] == "Easy" and first["chat"] == "private"
    assert first["local_day"] == now.date().isoformat()
    assert first["answered_at_utc"].startswith(now.date().isoformat())
    assert second["chat"] == "Study, group"
    assert float(second["score"]) == 1.0 and int(second["points"]) > 0


async def test_a_stranger_exports_an_empty_file_with_a_header(
    progress_engine: Engine,
) -> None:
    data = history_csv(await progress_engine.progress.history(ALICE))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    assert data.decode("utf-8-sig") == ",".join(COLUMNS) + "\r\n"


def test_removed_questions_keep_their_id() -> None:
    row = HistoryRow(
        answered_at="2025-03-03T09:00:00.000000+00:00",
        local_day="2025-03-03",
        deck="",
        topic="",
        question_id="gone-question",
        question="",
        answer="=1+1",
        score=0.5,
        points=5,
        rating="",
        chat="private",
    )
    (line,) = parsed(history_csv([row]))
    assert line["question_id"] == "gone-question"
    assert line["your_answer"] == "'=1+1"  # shown as typed, never run as a formula
    assert line["score"] == "0.50"


def test_the_file_name_carries_the_day() -> None:
    assert export_filename(date(2025, 3, 3)) == "quizbot-history-2025-03-03.csv"


def test_no_cell_a_group_or_deck_supplied_can_run_as_a_formula() -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]
    rows = [
        HistoryRow(
            answered_at="2025-03-03T09:00:00.000000+00:00",
            local_day="2025-03-03",
            deck=text,
            topic=text,
            question_id="q",
            question=text,
            answer=text,
            score=1.0,
            points=1,
            rating="",
            chat=text,
        )
        for text in hostile
    ]
    for line, text in zip(parsed(history_csv(rows)), hostile, strict=True):
        for column in ("deck", "topic", "question", "your_answer", "chat"):
            assert line[column] == "'" + text
            assert not line[column].startswith(FORMULA_START)
