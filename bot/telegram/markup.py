"""Telegram HTML: escaping, the deck's small Markdown subset, and splitting long messages.

Everything user- or deck-supplied goes through `escape` (or `deck_markdown`, which
escapes first and only then adds its own tags), so no text can inject markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.decks.markdown import escape_html, telegram_html
from bot.presentation.markup import clip

escape = escape_html
"""Text shown as-is inside Telegram HTML."""

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""
LONG_WORD = 200
"""Words longer than this may be cut when a single line does not fit a message."""

# Splitting: tags, character references, blank-line runs, line breaks, spaces, words.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n{2,}|\n|[ \t]+|[^<&\s]+|[\s\S]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def escape_attribute(text: str) -> str:
    return html.escape(text, quote=True)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


truncate = clip
"""At most `limit` characters, with an ellipsis when cut (`bot.presentation.markup.clip`)."""


# -- the deck's Markdown subset ---------------------------------------------------------


def deck_markdown(text: str) -> str:
    """A deck text (question or answer) as Telegram HTML, its tags always nested.

    Understood: `code`, **bold**, *italic*, `- ` / `* ` bullets, `1.` numbered items and
    `#` headings (see bot/decks/markdown.py). Everything else stays literal text.
    """
    return telegram_html(text)


# -- splitting ----------------------------------------------------------------------------


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut HTML into messages of at most `limit` UTF-16 units.

    Cuts fall on paragraph breaks if possible, else line breaks, else spaces, and only
    inside a very long word as a last resort; never inside a tag or a character
    reference. Tags open at a cut are closed at the end of one part and reopened at the
    start of the next, so every part is valid HTML on its own.
    """
    text = text.strip()
    if utf16_len(text) <= limit:
        return [text]
    tokens = _tokens(text, min(LONG_WORD, limit // 4))
    parts: list[str] = []
    start, carried = 0, ()
    while start < len(tokens):
        part, start, carried = _take_part(tokens, start, carried, limit)
        if _visible_text(part):
            parts.append(part)
    return parts


@dataclass(frozen=True, slots=True)
class _Break:
    index: int
    """Token index of the whitespace to cut at (it is dropped)."""
    rank: int
    """3 paragraph, 2 line, 1 space."""
    open_tags: tuple[str, ...]


def _tokens(text: str, longest: int) -> list[str]:
    tokens = []
    for token in _TOKEN.findall(text):
        if len(token) > longest and token[0] not in "<&":
            tokens.extend(token[i : i + longest] for i in range(0, len(token), longest))
        else:
            tokens.append(token)
    return tokens


def _take_part(
    tokens: list[str], start: int, carried: tuple[str, ...], limit: int
) -> tuple[str, int, tuple[str, ...]]:
    """One part from `tokens[start:]`; returns it, where the next starts, and its tags."""
    open_tags = list(carried)
    size = sum(utf16_len(tag) for tag in open_tags)
    best: _Break | None = None
    index = start
    while index < len(tokens):
        token = tokens[index]
        after = _tags_after(open_tags, token)
        needed = size + utf16_len(token) + _closing_size(after)
        if needed > limit and index > start:
            break
        if token.isspace() and index > start:
            rank = 3 if token.startswith("\n\n") else 2 if "\n" in token else 1
            if best is None or rank >= best.rank:
                best = _Break(index, rank, tuple(open_tags))
        open_tags = after
        size += utf16_len(token)
        index += 1
    else:
        return _assemble(carried, tokens[start:], tuple(open_tags)), index, ()
    if best is not None:
        body, next_start, tags = tokens[start : best.index], best.index + 1, best.open_tags
    else:
        body, next_start, tags = tokens[start:index], index, tuple(open_tags)
    return _assemble(carried, body, tags), next_start, tags


def _assemble(carried: tuple[str, ...], body: list[str], open_at_end: tuple[str, ...]) -> str:
    closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(open_at_end))
    return ("".join(carried) + "".join(body)).strip() + closing


def _tags_after(open_tags: list[str], token: str) -> list[str]:
    if not token.startswith("<"):
        return open_tags
    if token.startswith("</"):
        return open_tags[:-1]
    return [*open_tags, token]


def _closing_size(open_tags: list[str]) -> int:
    return sum(len(_tag_name(tag)) + 3 for tag in open_tags)


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match[1] if match else ""


def _visible_text(part: str) -> str:
    return re.sub(r"<[^>]*>", "", part).strip()


def plain_text(html_text: str) -> str:
    """What Telegram HTML shows, as plain text (for a callback alert, which has no markup)."""
    return html.unescape(_visible_text(html_text))
