"""An answer's lines as tidy Markdown for chat: tables become one bullet per row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.decks.importer.markdown import FENCE, plain_text


def _table_cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _is_table_separator(cells: Sequence[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{1,}:?", c.replace(" ", "")) for c in cells)


def _table_as_list(rows: Sequence[str], indent: str) -> list[str]:
    """A markdown table as one bullet per row: `- first — Header: cell; Header: cell`.

    Chat apps do not draw tables; a bullet per row reads well everywhere and keeps every
    cell next to its column name.
    """
    cells = [_table_cells(row) for row in rows]
    header: list[str] | None = None
    if len(cells) >= 2 and _is_table_separator(cells[1]):
        header = [plain_text(cell) for cell in cells[0]]
        body = cells[2:]
    else:
        body = [row for row in cells if not _is_table_separator(row)]
    out = []
    for row in body:
        if not any(row):
            continue
        first, rest = row[0], row[1:]
        parts = []
        for index, cell in enumerate(rest, start=1):
            if not cell:
                continue
            if index < len(rest):
                cell = cell.rstrip(".。")
            name = header[index] if header and index < len(header) and header[index] else ""
            parts.append(f"{name}: {cell}" if name else cell)
        text = f"{first} — {'; '.join(parts)}" if first and parts else first or "; ".join(parts)
        out.append(f"{indent}- {text}")
    return out


def clean_answer(lines: Iterable[str]) -> str:
    """Answer lines as tidy Markdown: tables as bullet rows, one blank line at most, dedented."""
    result: list[str] = []
    table: list[str] = []
    table_indent = ""
    in_code = False

    def flush_table() -> None:
        if table:
            result.extend(_table_as_list(table, table_indent))
            table.clear()

    for line in lines:
        line = line.rstrip()
        if FENCE.match(line):
            flush_table()
            in_code = not in_code
            result.append(line)
            continue
        stripped = line.strip()
        if not in_code and stripped.startswith("|") and stripped.count("|") >= 2:
            if not table:
                table_indent = line[: len(line) - len(line.lstrip())]
            table.append(line)
            continue
        flush_table()
        result.append(line)
    flush_table()

    tidy: list[str] = []
    for line in result:
        if not line.strip():
            if tidy and tidy[-1]:
                tidy.append("")
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    indents = [len(line) - len(line.lstrip()) for line in tidy if line]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in tidy).strip()
