"""The deck's small Markdown subset: one parser, two renderers, and their checks.

Deck texts (questions and answers) may use `code`, **bold**, *italic*, `- ` / `* `
bullets, `1.` numbered items and `#` headings; everything else is literal text. The
text is parsed into a tree first and the tree is rendered, so the output is balanced by
construction: `**a *b** c*` becomes bold "a *b" followed by " c*", never crossing tags.

Renderers: Telegram HTML (`telegram_html`) and Discord Markdown (`discord_markdown`).
Checkers (`telegram_html_problems`, `discord_markdown_problems`) read rendered output
the way the platform would and name what it would refuse or misread; `content check`
runs every deck text through both, and the tests use them as oracles.

Loading a deck checks every question this way (`question_problems`), so the common cases
take shortcuts: a text with no `*` and no backtick has nothing either platform could
refuse (it renders to escaped text, bullets and balanced heading tags), a text is parsed
once for both platforms (the last parse is kept), a line with no `*` and no backtick is
text as it stands, markup with no '<' and no '&' has nothing Telegram could refuse, and
markup holding only the tags and entities written here is checked without the HTML
parser. `tests/decks/test_markdown_shortcuts.py` holds each to the full path.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.decks.model import Question

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a line: `text`, `code`, or `bold`/`italic` holding `children`."""

    kind: str
    text: str = ""
    children: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    """A line: `plain`, `heading`, `bullet` or `numbered` (with `number`), indented."""

    kind: str
    spans: tuple[Span, ...]
    indent: str = ""
    number: str = ""


# -- parsing ---------------------------------------------------------------------------


def parse(text: str) -> list[Line]:
    """A deck text as lines of nested spans."""
    return list(_parsed(text))


@lru_cache(maxsize=1)
def _parsed(text: str) -> tuple[Line, ...]:
    """The last text parsed is kept: checking a deck renders each text for both platforms
    in turn, and this parses it once for both."""
    return tuple(_line(line) for line in text.strip().splitlines())


def _line(line: str) -> Line:
    if heading := _HEADING.match(line):
        return Line("heading", parse_inline(heading[1]))
    if bullet := _BULLET.match(line):
        return Line("bullet", parse_inline(bullet[2]), bullet[1])
    if numbered := _NUMBERED.match(line):
        return Line("numbered", parse_inline(numbered[3]), numbered[1], numbered[2])
    return Line("plain", parse_inline(line))


def parse_inline(text: str) -> tuple[Span, ...]:
    """One line's spans. Code spans bind first; emphasis never crosses another's edge."""
    if "*" not in text and "`" not in text:  # no marker: the whole line is text
        return (Span("text", text),) if text else ()
    return parse_inline_full(text)


def parse_inline_full(text: str) -> tuple[Span, ...]:
    """`parse_inline` without its shortcut for a line with no `*` and no backtick."""
    codes = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
    masked = text
    for start, end in codes:  # the same length, so positions carry over
        masked = masked[:start] + "x" * (end - start) + masked[end:]
    return _merged(_spans(text, masked, codes, 0, len(text)))


def _spans(
    text: str, masked: str, codes: list[tuple[int, int]], start: int, end: int
) -> list[Span]:
    out: list[Span] = []
    position = start
    while position < end:
        found = [
            (match.start(), rank, kind, match)
            for rank, (kind, pattern) in enumerate((("bold", _BOLD), ("italic", _ITALIC)))
            if (match := pattern.search(masked, position, end)) is not None
        ]
        if not found:
            break
        _, _, kind, match = min(found, key=lambda item: (item[0], item[1]))
        out += _literal(text, codes, position, match.start())
        inner = _spans(text, masked, codes, match.start(1), match.end(1))
        out.append(Span(kind, children=tuple(_merged(inner))))
        position = match.end()
    out += _literal(text, codes, position, end)
    return out


def _literal(text: str, codes: list[tuple[int, int]], start: int, end: int) -> list[Span]:
    out: list[Span] = []
    position = start
    for code_start, code_end in codes:
        if code_end <= start or code_start >= end:
            continue
        if code_start > position:
            out.append(Span("text", text[position:code_start]))
        out.append(Span("code", text[code_start + 1 : code_end - 1]))
        position = code_end
    if position < end:
        out.append(Span("text", text[position:end]))
    return out


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Neighbours of the same emphasis joined, so no renderer writes `****`."""
    out: list[Span] = []
    for span in spans:
        previous = out[-1] if out else None
        if previous is not None and previous.kind == span.kind and span.kind != "code":
            if span.kind == "text":
                out[-1] = Span("text", previous.text + span.text)
            else:
                out[-1] = Span(span.kind, children=_merged([*previous.children, *span.children]))
        else:
            out.append(span)
    return tuple(out)


# -- Telegram HTML ---------------------------------------------------------------------

_HTML_TAGS = {"bold": "b", "italic": "i"}


def escape_html(text: str) -> str:
    """Text shown as-is inside Telegram HTML."""
    return html.escape(text, quote=False)


def telegram_html(text: str) -> str:
    """A deck text as Telegram HTML: headings bold, bullets as •, the rest inline."""
    return "\n".join(_html_line(line) for line in parse(text))


def _html_line(line: Line) -> str:
    if line.kind == "heading":
        return f"<b>{html_spans(line.spans, {'bold'})}</b>"
    body = html_spans(line.spans, set())
    if line.kind == "bullet":
        return f"{line.indent}• {body}"
    if line.kind == "numbered":
        return f"{line.indent}{line.number}. {body}"
    return body


def html_spans(spans: tuple[Span, ...], inside: frozenset[str] | set[str] = frozenset()) -> str:
    """Spans as HTML: text escaped, `<code>`, `<b>` and `<i>` (Telegram's and Anki's tags)."""
    out = []
    for span in spans:
        if span.kind == "text":
            out.append(escape_html(span.text))
        elif span.kind == "code":
            out.append(f"<code>{escape_html(span.text)}</code>")
        elif span.kind in inside:  # the same emphasis nested: already in effect
            out.append(html_spans(span.children, inside))
        else:
            tag = _HTML_TAGS[span.kind]
            out.append(f"<{tag}>{html_spans(span.children, inside | {span.kind})}</{tag}>")
    return "".join(out)


# -- Discord Markdown ------------------------------------------------------------------

_DISCORD_SPECIAL = re.compile(r"([\\*_~`|\[\]<])")
"""Characters escaped with a backslash so deck text stays literal in Discord."""
_DISCORD_LINE_START = re.compile(r"^(\s*)([#>+-])", re.MULTILINE)
"""Headings, quotes, lists and subtext: special only where a line starts."""
_DISCORD_MARKS = {"bold": "**", "italic": "_"}


def escape_discord(text: str) -> str:
    """Text shown as-is in Discord Markdown (message text and embeds)."""
    return _escape_line_starts(_escape_inline(text))


def _escape_inline(text: str) -> str:
    if _DISCORD_SPECIAL.search(text) is None:  # the common case, without building a copy
        return text
    return _DISCORD_SPECIAL.sub(r"\\\1", text)


def _escape_line_starts(text: str) -> str:
    if _DISCORD_LINE_START.search(text) is None:
        return text
    return _DISCORD_LINE_START.sub(r"\1\\\2", text)


def discord_markdown(text: str) -> str:
    """A deck text as Discord Markdown, every marker paired and everything else literal.

    Italic is written `_x_` so that it can sit next to `**bold**` without forming `***`.
    """
    return "\n".join(_discord_line(line) for line in parse(text))


def _discord_line(line: Line) -> str:
    if line.kind == "heading":
        return f"**{_discord_spans(line.spans, {'bold'})}**"
    body = _discord_spans(line.spans, set())
    if line.kind == "bullet":
        return f"{line.indent}• {body}"
    if line.kind == "numbered":
        return f"{line.indent}{line.number}\\. {body}"
    return _escape_line_starts(body)


def _discord_spans(spans: tuple[Span, ...], inside: set[str]) -> str:
    out = []
    for span in spans:
        if span.kind == "text":
            out.append(_escape_inline(span.text))
        elif span.kind == "code":
            out.append(f"`{span.text}`")
        elif span.kind in inside:
            out.append(_discord_spans(span.children, inside))
        else:
            mark = _DISCORD_MARKS[span.kind]
            out.append(f"{mark}{_discord_spans(span.children, inside | {span.kind})}{mark}")
    return "".join(out)


# -- checks ----------------------------------------------------------------------------

TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"}
    | {"tg-spoiler", "span", "blockquote", "tg-emoji"}
)
"""Tags Telegram's HTML parse mode accepts."""
_TELEGRAM_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
_STRAY_ANGLE = re.compile(r"<(?!/?[a-zA-Z][\w-]*(\s[^<>]*)?/?>)")
_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not supported by Telegram")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag <{tag}/> is not supported by Telegram")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.problems.append(f"</{tag}> closes a tag that is not open")
        elif self.stack[-1] != tag:
            self.problems.append(f"</{tag}> crosses <{self.stack[-1]}> (tags must nest)")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag)]
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in _TELEGRAM_ENTITIES:
            self.problems.append(f"&{name}; is not one of Telegram's entities")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("markup declaration is not supported by Telegram")

    def handle_comment(self, data: str) -> None:
        self.problems.append("HTML comment is not supported by Telegram")


def telegram_html_problems(rendered: str) -> list[str]:
    """What Telegram would refuse in `rendered` (HTML parse mode); empty when sendable."""
    if "<" not in rendered and "&" not in rendered:
        # Nothing to find: both patterns need one of them, and without them the parser
        # calls no handler but handle_data, which the checker leaves as it is.
        return []
    tags = _written_tags(rendered)
    if tags is None:
        return telegram_html_problems_full(rendered)
    # Only the tags and entities `telegram_html` writes: both patterns find nothing, and
    # the parser would call the checker with these tags in this order, and with entities
    # it accepts.
    checker = _TagChecker()
    for closing, tag in tags:
        if closing:
            checker.handle_endtag(tag)
        else:
            checker.handle_starttag(tag, [])
    return [*checker.problems, *(f"<{tag}> is never closed" for tag in checker.stack)]


_WRITTEN = re.compile(r"<(/?)(b|i|code)>|&(?:amp|lt|gt);|[<&]")
"""The tags and entities `telegram_html` writes; else a '<' or '&' of any other kind."""


def _written_tags(rendered: str) -> list[tuple[str, str]] | None:
    """The tags in `rendered` in order, if all its tags and entities are ones
    `telegram_html` writes; else None."""
    tags = []
    for match in _WRITTEN.finditer(rendered):
        if match[2] is not None:
            tags.append((match[1], match[2]))
        elif len(match[0]) == 1:
            return None
    return tags


def telegram_html_problems_full(rendered: str) -> list[str]:
    """`telegram_html_problems` without its shortcuts: every check, through the parser."""
    problems = []
    for match in _REFERENCE.finditer(rendered):
        if not match[0].endswith(";"):
            problems.append(f"'{match[0]}' is an unterminated character reference")
    if _STRAY_ANGLE.search(rendered):
        problems.append("a '<' that is not part of a tag must be written &lt;")
    checker = _TagChecker()
    checker.feed(rendered)
    checker.close()
    problems += checker.problems
    problems += [f"<{tag}> is never closed" for tag in checker.stack]
    return problems


_DISCORD_TOKEN = re.compile(r"\\[\s\S]|`[^`\n]*`|\*\*|_|`|[\s\S]")
_DISCORD_MARKER = re.compile(r"\\[\s\S]|`[^`\n]*`|\*\*|_|`")
"""`_DISCORD_TOKEN` without its last branch: the same tokens, less the single characters
that mark nothing (the checker skips those; `balance_discord` keeps them)."""


def discord_markdown_problems(
    rendered: str, *, tokens: re.Pattern[str] = _DISCORD_MARKER
) -> list[str]:
    """Unpaired or crossing `**`, `_` and code markers in `rendered` (as this module
    writes them: escaped specials, `**bold**`, `_italic_`, `` `code` ``). `tokens` reads
    a line's markers (`_DISCORD_TOKEN` reads every character too: the same answer, slower)."""
    problems = []
    for number, line in enumerate(rendered.split("\n"), start=1):
        stack: list[str] = []
        for token in tokens.findall(line):
            if token == "`":
                problems.append(f"line {number}: a ` that starts no code span")
            elif token in ("**", "_"):
                if stack and stack[-1] == token:
                    stack.pop()
                elif token in stack:
                    problems.append(f"line {number}: {token} crosses {stack[-1]}")
                    stack.remove(token)
                else:
                    stack.append(token)
        problems += [f"line {number}: {mark} is never closed" for mark in stack]
    return problems


def balance_discord(text: str) -> str:
    """`text` (Discord Markdown as written here, possibly cut short) with every marker
    still open at its end closed, and a dangling escape dropped."""
    out: list[str] = []
    for line in text.split("\n"):
        stack: list[str] = []
        tokens = _DISCORD_TOKEN.findall(line)
        if tokens and tokens[-1] == "\\":
            tokens.pop()
        for token in tokens:
            if stack and stack[-1] == "`" and token != "`":
                continue  # inside a code span cut short: markers there are text
            if token in ("**", "_", "`"):
                if stack and stack[-1] == token:
                    stack.pop()
                else:
                    stack.append(token)
        out.append("".join(tokens) + "".join(reversed(stack)))
    return "\n".join(out)


# -- a whole question ------------------------------------------------------------------

_MARKDOWN_FIELDS = ("question", "answer")
"""The texts rendered from Markdown; the others are escaped whole and cannot go wrong."""


def question_problems(item: Question) -> list[tuple[str, str]]:
    """A question's Markdown texts rendered for both platforms, and what either would
    refuse: (the field's name, the message)."""
    found: list[tuple[str, str]] = []
    for field in _MARKDOWN_FIELDS:
        text = getattr(item, field)
        if "*" not in text and "`" not in text:
            # No emphasis and no code: Telegram gets escaped text and <b> around headings,
            # Discord escaped text and ** around headings; both checks find nothing.
            continue
        for platform, rendered, problems in (
            ("Telegram", telegram_html(text), telegram_html_problems),
            ("Discord", discord_markdown(text), discord_markdown_problems),
        ):
            found += [(field, f"as {platform} markup: {problem}") for problem in problems(rendered)]
    return found
