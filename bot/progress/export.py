"""`/export`: a player's own answer history as a CSV file.

UTF-8 with a byte-order mark: Excel opens a BOM-less UTF-8 CSV as the local code page and
garbles Chinese text; LibreOffice, Google Sheets, pandas and Python's csv (utf-8-sig)
all read the BOM fine. One row per answer, oldest first, times in UTC and local days.

Every text cell (a group's title, deck text, the player's own answer) that a spreadsheet
would read as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
leading apostrophe, so `=HYPERLINK(...)` in a group's title shows as text, never runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from bot.engine.results import HistoryRow

COLUMNS = (
    "answered_at_utc",
    "local_day",
    "deck",
    "topic",
    "question_id",
    "question",
    "your_answer",
    "score",
    "points",
    "rating",
    "chat",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """`text` as a spreadsheet shows it: never a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def history_csv(rows: Iterable[HistoryRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.answered_at,
                row.local_day,
                csv_cell(row.deck),
                csv_cell(row.topic),
                csv_cell(row.question_id),
                csv_cell(row.question),
                csv_cell(row.answer),
                f"{row.score:.2f}",
                row.points,
                csv_cell(row.rating),
                csv_cell(row.chat),
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


def export_filename(day: date) -> str:
    return f"quizbot-history-{day.isoformat()}.csv"
