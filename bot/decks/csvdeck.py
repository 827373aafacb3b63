"""A CSV file (`question,answer[,topic]`, header required) as a deck's questions.

Python's csv module does not say where a field starts, and every error must name its
FILE:LINE:COL, so this reads RFC 4180 CSV itself: fields separated by commas, optionally
in double quotes (a quoted field may hold commas, newlines and doubled quotes `""`).

Ids come from the question text (the importer's `question_id`), so sending the same file
again gives the same ids and keeps the progress of unchanged questions; key points are
drafted from the answer exactly as `content import` drafts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.decks.importer import draft_key_points, normalize_question, question_id
from bot.decks.loader import ContentIssue, Location
from bot.decks.model import Question

REQUIRED = ("question", "answer")
OPTIONAL = ("topic",)


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class CsvQuestions:
    questions: tuple[Question, ...]
    notes: tuple[str, ...]
    """What was left out and why (duplicates), each located."""


def read_rows(text: str, file: str) -> tuple[list[list[Cell]], list[ContentIssue]]:
    """Every record's cells with where each starts; issues for an unterminated quote or
    text after a closing quote."""
    rows: list[list[Cell]] = []
    issues: list[ContentIssue] = []
    row: list[Cell] = []
    i, line, column, size = 0, 1, 1, len(text)
    while i < size:
        start_line, start_column = line, column
        if text[i] == '"':
            i, column = i + 1, column + 1
            value: list[str] = []
            closed = False
            while i < size:
                char = text[i]
                if char == '"' and text[i + 1 : i + 2] == '"':
                    value.append('"')
                    i, column = i + 2, column + 2
                    continue
                if char == '"':
                    i, column, closed = i + 1, column + 1, True
                    break
                value.append(char)
                i += 1
                line, column = (line + 1, 1) if char == "\n" else (line, column + 1)
            if not closed:  # the rest of the file is that field: nothing more to read
                issues.append(
                    ContentIssue(
                        Location(file, start_line, start_column),
                        "this quoted field is never closed (a '\"' is missing)",
                    )
                )
                return rows, issues
            row.append(Cell("".join(value), start_line, start_column))
            if i < size and text[i] not in ",\r\n":
                issues.append(
                    ContentIssue(
                        Location(file, line, column),
                        "text after a closing quote; put the whole field in quotes",
                    )
                )
                while i < size and text[i] not in ",\r\n":
                    i, column = i + 1, column + 1
        else:
            end = i
            while end < size and text[end] not in ",\r\n":
                end += 1
            row.append(Cell(text[i:end], start_line, start_column))
            column += end - i
            i = end
        if i < size and text[i] == ",":
            i, column = i + 1, column + 1
            if i == size:
                row.append(Cell("", line, column))
            continue
        rows.append(row)
        row = []
        if text[i : i + 1] == "\r":
            i += 1
        if text[i : i + 1] == "\n":
            i += 1
        line, column = line + 1, 1
    if row:
        rows.append(row)
    return rows, issues


def _blank(row: list[Cell]) -> bool:
    return all(not cell.text.strip() for cell in row)


def csv_questions(
    text: str, file: str, deck_id: str, default_topic: str
) -> CsvQuestions | list[ContentIssue]:
    """The questions of a CSV deck, or every problem found, each located."""
    rows, issues = read_rows(text, file)
    rows = [row for row in rows if not _blank(row)]
    if not rows:
        return [
            ContentIssue(
                Location(file, 1, 1),
                "the file is empty; the first line must name the columns: question,answer[,topic]",
            )
        ]
    header = rows[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.text.strip().lstrip("\ufeff").casefold()
        if name in columns:
            issues.append(
                ContentIssue(
                    Location(file, cell.line, cell.column), f"column '{name}' appears twice"
                )
            )
        elif name not in (*REQUIRED, *OPTIONAL):
            issues.append(
                ContentIssue(
                    Location(file, cell.line, cell.column),
                    f"unknown column {cell.text.strip()[:40]!r}: the columns are question, "
                    "answer and (optional) topic, named on the first line",
                )
            )
        else:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        issues.append(
            ContentIssue(
                Location(file, header[0].line, 1),
                f"the first line must name the columns (question,answer[,topic]); missing: "
                f"{', '.join(missing)}",
            )
        )
        return sorted(issues, key=lambda issue: (issue.location.line, issue.location.column))
    questions: list[Question] = []
    notes: list[str] = []
    taken: set[str] = set()
    seen: dict[str, int] = {}
    for row in rows[1:]:
        first = row[0]
        if len(row) > len(header):
            extra = row[len(header)]
            issues.append(
                ContentIssue(
                    Location(file, extra.line, extra.column),
                    f"{len(row)} fields but the header names {len(header)}; quote fields "
                    "that contain commas",
                )
            )
            continue
        cells = {name: row[index] if index < len(row) else None for name, index in columns.items()}
        problem = False
        for name in REQUIRED:
            cell = cells[name]
            if cell is None or not cell.text.strip():
                where = cell or Cell("", row[-1].line, row[-1].column + len(row[-1].text))
                issues.append(
                    ContentIssue(Location(file, where.line, where.column), f"{name} is empty")
                )
                problem = True
        if problem:
            continue
        question_cell, answer_cell = cells["question"], cells["answer"]
        assert question_cell is not None and answer_cell is not None
        normalized = normalize_question(question_cell.text)
        if not normalized:
            issues.append(
                ContentIssue(
                    Location(file, question_cell.line, question_cell.column), "question has no text"
                )
            )
            continue
        if normalized in seen:
            notes.append(f"{file}:{first.line}: skipped, same question as line {seen[normalized]}")
            continue
        seen[normalized] = first.line
        topic_cell = cells.get("topic")
        topic = (
            topic_cell.text.strip()
            if topic_cell is not None and topic_cell.text.strip()
            else default_topic
        )
        new_id = question_id(deck_id, "", normalized, taken)
        taken.add(new_id)
        answer = answer_cell.text.strip()
        questions.append(
            Question(
                id=new_id,
                topic=topic,
                question=question_cell.text.strip(),
                answer=answer,
                key_points=draft_key_points(answer),
            )
        )
    if issues:
        return sorted(issues, key=lambda issue: (issue.location.line, issue.location.column))
    if not questions:
        return [
            ContentIssue(Location(file, header[0].line, 1), "no questions under the header line")
        ]
    return CsvQuestions(tuple(questions), tuple(notes))
