"""Text formatting the way the Bot API parses it: HTML, MarkdownV2 and legacy Markdown.

Each parser turns the sent text into the plain text Telegram stores plus its entities
(offsets and lengths in UTF-16 code units), or raises ``ApiError`` with Telegram's
``Bad Request: can't parse entities: ...`` message. The rules and messages follow
tdlib's parsers (what api.telegram.org runs), with one deliberate strictness: in HTML a
``&`` that does not start ``&lt;``/``&gt;``/``&amp;``/``&quot;`` or a numeric entity is
rejected (``strict_ampersand``). Telegram itself passes such an ``&`` through as text,
but the documentation says to escape it, and an unescaped ``&`` silently eats text like
``&amp`` in user content, so the test server flags it.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 offset in the output
    begin: int  # index in the source, for messages
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


class _Output:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.units = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.units += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos``: (character, length) or None when it is no entity."""
    match = re.match(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);?", text[pos:])
    if match is None:
        return None
    body = match.group(1)
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
            char = chr(code)
        except (ValueError, OverflowError):
            return None
        if code == 0:
            return None
        return char, match.end()
    named = _NAMED_ENTITIES.get(body)
    if named is None:
        return None
    return named, match.end()


_TAG_OR_REFERENCE = re.compile("[<&]")


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Bot API HTML into (plain text, entities)."""
    out = _Output()
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i += decoded[1]
                continue
            if strict_ampersand:
                raise _cant_parse(
                    f'unescaped "&" at byte offset {_byte_offset(text, i)}; '
                    'write "&amp;" (the Bot API docs require it)'
                )
            out.add(c)
            i += 1
            continue
        if c != "<":  # a run of plain text, up to the next tag or character reference
            special = _TAG_OR_REFERENCE.search(text, i + 1)
            j = special.start() if special else n
            out.add(text[i:j])
            i = j
            continue
        begin = i
        i += 1
        if i >= n or text[i] != "/":
            i = _html_start_tag(text, begin, i, out, stack)
            continue
        # an end tag
        if not stack:
            raise _cant_parse(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        end_name = text[i + 1 : j].lower()
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] != ">":
            raise _cant_parse(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        i = j + 1
        top = stack.pop()
        if end_name and end_name != top.tag:
            raise _cant_parse(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                f'expected "</{top.tag}>", found "</{end_name}>"'
            )
        _close_html_entity(top, out.units, stack, entities)
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.text(), sort_entities(entities)


def _html_start_tag(text: str, begin: int, i: int, out: _Output, stack: list[_Open]) -> int:
    n = len(text)
    j = i
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        raise _cant_parse(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
    tag = text[i:j].lower()
    if tag not in HTML_TAGS:
        raise _cant_parse(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
        )
    i = j
    attrs: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _cant_parse(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            i += 1
            break
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise _cant_parse(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable" and i < n:
                attrs[name] = ""
                continue
            raise _cant_parse(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _cant_parse(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value_start = i
            while i < n and text[i] != quote:
                i += 1
            value = html.unescape(text[value_start:i])
            if i < n:
                i += 1
        else:
            value_start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[value_start:i].lower()
            if i < n and not text[i].isspace() and text[i] != ">":
                raise _cant_parse(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, value_start)}"
                )
        if i >= n:
            raise _cant_parse(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        attrs[name] = value
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _cant_parse(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
        )
    stack.append(_Open(tag=tag, offset=out.units, begin=begin, attrs=attrs))
    return i


def _close_html_entity(
    top: _Open, end: int, stack: list[_Open], entities: list[dict[str, Any]]
) -> None:
    length = end - top.offset
    kind = _TAG_ENTITY[top.tag]
    if top.tag == "code" and stack and stack[-1].tag == "pre" and stack[-1].offset == top.offset:
        # <pre><code class="language-x">: one pre entity with that language
        css = top.attrs.get("class", "")
        if css.startswith("language-"):
            stack[-1].language = css[len("language-") :]
        return
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": kind, "offset": top.offset, "length": length}
    if top.tag == "a":
        href = top.attrs.get("href", "")
        if not href:
            return
        entity["url"] = href
    elif top.tag == "pre" and top.language:
        entity["language"] = top.language
    elif top.tag == "blockquote" and "expandable" in top.attrs:
        entity["type"] = "expandable_blockquote"
    elif top.tag == "tg-emoji":
        emoji_id = top.attrs.get("emoji-id", "")
        if not emoji_id:
            return
        entity["custom_emoji_id"] = emoji_id
    entities.append(entity)


# ---------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 into (plain text, entities), tdlib's rules and messages."""
    out = _Output()
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    quote: _Open | None = None
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        in_code = bool(stack) and stack[-1].tag in ("code", "pre")
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if at_line_start and not in_code:
            if c == ">":
                if quote is None:
                    quote = _Open(tag="blockquote", offset=out.units, begin=i)
                i += 1
                continue
            if text.startswith("**>", i) and quote is None:
                quote = _Open(tag="blockquote", offset=out.units, begin=i, attrs={"expandable": ""})
                i += 3
                continue
        if c == "\n" and quote is not None and not in_code and not text.startswith(">", i + 1):
            _end_quote(quote, out.units, entities)
            quote = None
        if (
            quote is not None
            and "expandable" in quote.attrs
            and text.startswith("||", i)
            and (i + 2 == n or text[i + 2] == "\n")
            and not (stack and stack[-1].tag == "spoiler")
        ):
            _end_quote(quote, out.units, entities)
            quote = None
            i += 2
            continue
        reserved = "`" if in_code else _MDV2_RESERVED
        if c not in reserved:
            out.add(c)
            i += 1
            continue
        top = stack[-1].tag if stack else None
        ends = (
            (top == "bold" and c == "*")
            or (top == "italic" and c == "_" and not text.startswith("__", i))
            or (top == "code" and c == "`")
            or (top == "pre" and text.startswith("```", i))
            or (top in ("text_link", "custom_emoji") and c == "]")
            or (top == "underline" and text.startswith("__", i))
            or (top == "strikethrough" and c == "~")
            or (top == "spoiler" and text.startswith("||", i))
        )
        if not ends:
            i = _mdv2_begin(text, i, out, stack)
            continue
        assert top is not None
        opened = stack.pop()
        entity: dict[str, Any] = {"type": top, "offset": opened.offset}
        if top in ("underline", "spoiler"):
            i += 2
        elif top == "pre":
            i += 3
            if opened.language:
                entity["language"] = opened.language
        elif top in ("text_link", "custom_emoji"):
            url, i = _mdv2_url(text, i, opened, out)
            if top == "custom_emoji":
                match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
                if match is None:
                    raise _cant_parse("Custom emoji entity must contain a tg://emoji URL")
                entity["custom_emoji_id"] = match.group(1)
            elif url:
                entity["url"] = url
        else:
            i += 1
        entity["length"] = out.units - opened.offset
        if entity["length"] > 0 and (top != "text_link" or "url" in entity):
            entities.append(entity)
    if stack:
        opened = stack[-1]
        raise _cant_parse(
            f"Can't find end of {_MDV2_NAMES[opened.tag]} entity at byte offset "
            f"{_byte_offset(text, opened.begin)}"
        )
    if quote is not None:
        _end_quote(quote, out.units, entities)
    return out.text(), sort_entities(entities)


def _end_quote(quote: _Open, end: int, entities: list[dict[str, Any]]) -> None:
    if end > quote.offset:
        kind = "expandable_blockquote" if "expandable" in quote.attrs else "blockquote"
        entities.append({"type": kind, "offset": quote.offset, "length": end - quote.offset})


def _mdv2_begin(text: str, i: int, out: _Output, stack: list[_Open]) -> int:
    c = text[i]
    begin = i
    language: str | None = None
    if c == "_":
        if text.startswith("__", i):
            tag, i = "underline", i + 2
        else:
            tag, i = "italic", i + 1
    elif c == "*":
        tag, i = "bold", i + 1
    elif c == "~":
        tag, i = "strikethrough", i + 1
    elif c == "|" and text.startswith("||", i):
        tag, i = "spoiler", i + 2
    elif c == "[":
        tag, i = "text_link", i + 1
    elif c == "`":
        if text.startswith("```", i):
            tag, i = "pre", i + 3
            end = i
            while end < len(text) and not text[end].isspace() and text[end] != "`":
                end += 1
            if end != i and end < len(text) and text[end] != "`":
                language = text[i:end]
                i = end
            if i < len(text) and text[i] in "\r\n":
                i += 2 if text[i : i + 2] in ("\r\n", "\n\r") else 1
        else:
            tag, i = "code", i + 1
    elif c == "!" and text.startswith("![", i):
        tag, i = "custom_emoji", i + 2
    else:
        raise _cant_parse(
            f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
        )
    stack.append(_Open(tag=tag, offset=out.units, begin=begin, language=language))
    return i


def _mdv2_url(text: str, i: int, opened: _Open, out: _Output) -> tuple[str, int]:
    """Read the ``(url)`` after ``]`` at ``i``; returns (url, index after it)."""
    if not text.startswith("(", i + 1):
        return "", i + 1
    i += 2
    url_begin = i
    url: list[str] = []
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            url.append(text[i + 1])
            i += 2
            continue
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise _cant_parse(f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}")
    return "".join(url), i + 1


# ------------------------------------------------------------------------ legacy Markdown


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown (``*bold* _italic_ `code` ```pre``` [text](url)``)."""
    out = _Output()
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and text.startswith("``", i):
            is_pre = True
            i += 2
            end = i
            while end < n and not text[end].isspace() and text[end] != "`":
                end += 1
            if end != i and end < n and text[end] != "`":
                language = text[i:end]
                i = end
            if i < n and text[i] == "\n":
                i += 1
        offset = out.units
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.add(text[i])
            i += 1
        if i >= n:
            raise _cant_parse(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        length = out.units - offset
        entity: dict[str, Any] = {"offset": offset, "length": length}
        if c == "_":
            entity["type"] = "italic"
        elif c == "*":
            entity["type"] = "bold"
        elif c == "`":
            entity["type"] = "pre" if is_pre else "code"
            if language:
                entity["language"] = language
        if c == "[":
            url = ""
            if text.startswith("(", i + 1):
                close = text.find(")", i + 2)
                if close != -1:
                    url = text[i + 2 : close]
                    i = close
            if url:
                entity["type"] = "text_link"
                entity["url"] = url
        if is_pre:
            i += 2
        i += 1
        if length > 0 and "type" in entity:
            entities.append(entity)
    return out.text(), sort_entities(entities)


# ------------------------------------------------------------------------------- helpers


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram's order (by offset, longer first), fields as ``type, offset, length, ...``."""
    ordered = sorted(entities, key=lambda e: (e["offset"], -e["length"]))
    return [{"type": e["type"], "offset": e["offset"], "length": e["length"], **e} for e in ordered]


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram, moving and clipping entities."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    result: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(size, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    strict_ampersand: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply ``parse_mode`` (or explicit ``entities``) and trim like Telegram."""
    if parse_mode:
        plain, found = _parsed(text, parse_mode.lower(), strict_ampersand)
        return plain, [dict(entity) for entity in found]
    plain, found = text, list(entities or [])
    _check_entities(plain, found)
    return strip_text(plain, found)


@functools.lru_cache(maxsize=256)
def _parsed(text: str, mode: str, strict_ampersand: bool) -> tuple[str, tuple[dict[str, Any], ...]]:
    """The parsed and trimmed text of one marked-up text, kept for its next send: a
    broadcast sends the same text to thousands of chats. Callers copy the entities (their
    values are strings and numbers only); a text that fails to parse raises each time."""
    if mode == "html":
        plain, found = parse_html(text, strict_ampersand=strict_ampersand)
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    else:
        raise bad_request("unsupported parse_mode")
    stripped, kept = strip_text(plain, found)
    return stripped, tuple(kept)


def _check_entities(text: str, entities: list[dict[str, Any]]) -> None:
    size = utf16_len(text)
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") not in ENTITY_TYPES:
            raise bad_request("can't parse entities: unknown entity type")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0:
            raise bad_request("can't parse entities JSON object")
        if length <= 0 or offset + length > size:
            raise bad_request("can't parse entities: entity is out of the text bounds")
