"""Draft key points (with match terms) from a model answer."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.decks.importer.markdown import (
    EXAMPLE_LINE,
    EXAMPLE_SYMBOLS,
    FENCE,
    KEYCAP,
    LIST_MARKER,
    detect_language,
    display_width,
    is_cjk,
    plain_text,
)
from bot.decks.model import KeyPoint

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 5
MAX_MATCH_TERMS = 3
POINT_WIDTH = 90
"""Longest key point, in display columns (a Chinese character counts as two)."""


_STOPWORD_TEXT = """
    a about above after again against all also although am an and any are around as at be
    because been before being below between both but by can cannot could did do does doing
    down during each either else even every few for from further get gets getting had has
    have having he her here hers him his how however i if in into is it its itself just
    less like made make makes making many may might more most much must my no nor not now
    of off often on once one only or other others our out over own per rather really same
    she should since so some still such than that the their them then there these they
    this those through thus to too under until up upon us use used uses using very via
    was we well were what when where whether which while who whom whose why will with
    within without would yet you your
    allow allows allowing based better different ensure ensures ensuring especially help
    helps helping important instead large larger lead leads level like likely lower higher
    means multiple need needs needed provide provides several significant significantly
    something specific various ways without example examples key difference differences
    advantage advantages insight insights consideration considerations challenge challenges
    solution solutions benefit benefits risk risks note notes tip tips summary answer case
    cases use system systems model models approach approaches
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Function words, and words too generic in study notes to show an idea was covered."""

_GENERIC_LABEL_WORDS = _STOPWORDS | {"e.g", "eg", "vs", "1", "2", "3", "4", "5"}
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#'’.-]*[A-Za-z0-9+#]|[A-Za-z]")
_BOLD_TERM = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PAREN_TERM = re.compile(r"[(（]([^()（）]{2,40})[)）]")
_CJK_SPLITTER_TEXT = """
    你可以 如何 可以 可能 需要 进行 通过 以及 或者 而非 而是 但是 因为 所以 如果 并且 对于 比如
    例如 什么 时候 应该 这个 一个 我们 提到 举例 存在 适用于 用于 使用 导致 具有 包括 结合
    的 了 和 与 或 即 并 而 但 如 及 等 让 在
"""
_CJK_SPLITTERS = re.compile("|".join(_CJK_SPLITTER_TEXT.split()))
"""Chinese function words: long runs of Chinese are cut at them (longest listed first)."""


def _shorten(text: str, width: int = POINT_WIDTH) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    if " " in out and not is_cjk(out[-1]):
        out = out[: out.rfind(" ")]
    return out.rstrip(" ,，;；:：、-—") + "…"


def _point_text(line: str) -> str:
    text = LIST_MARKER.sub("", line, count=1)
    return plain_text(text)


def _clean_term(term: str) -> str:
    term = plain_text(term).strip(" .,;:!?，。；：！？、-—→")
    return term


def _is_generic(term: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[A-Za-z0-9.]+", term)]
    has_cjk = any(is_cjk(ch) for ch in term)
    return not has_cjk and all(w in _GENERIC_LABEL_WORDS for w in words)


def _phrase(term: str) -> str | None:
    """A bold or label phrase usable as a match term: short, not generic, parentheses off."""
    term = _clean_term(re.sub(r"\s*[(（].*$", "", term))
    if not term or _is_generic(term):
        return None
    if len(term) > 32 or len(term.split()) > 4:
        return None
    return term


def _paren_phrase(text: str) -> str | None:
    """A parenthesized aside as a term ("Masked LM"), unless it is Chinese or a list."""
    text = re.sub(
        r"^(?:e\.g\.|i\.e\.|eg|ie|如|例如|比如)[,，:：]?\s*", "", text.strip(), flags=re.I
    )
    if not text or is_cjk(text[0]) or re.search(r"[,，、;；]", text):
        return None
    return _phrase(text)


def _cjk_pieces(text: str) -> list[str]:
    """Short Chinese substrings: runs of Chinese split at function words, 2-6 characters."""
    pieces: list[str] = []
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
        for part in _CJK_SPLITTERS.split(run):
            if len(part) < 2:
                continue
            if len(part) <= 6:
                pieces.append(part)
            else:
                pieces.extend([part[:4], part[-4:]])
    return pieces


def match_terms(line: str, avoid: Iterable[str] = ()) -> list[str]:
    """A few distinctive words or phrases from one answer line, best first.

    Bold terms come first, then a leading label ("Scalability: ..."), then (in Chinese
    lines) short Chinese substrings, then acronyms and long uncommon words. Terms already
    used (`avoid`) are taken only when nothing else is left.
    """
    body = LIST_MARKER.sub("", line, count=1)
    body = KEYCAP.sub("", body)
    plain = plain_text(body)
    chinese = detect_language(plain) == "zh"
    bold = [_phrase(a or b) for a, b in _BOLD_TERM.findall(body)]
    label_match = re.match(r"^(.{2,40}?)\s*(?:[:：]|→|->|—)\s*\S", plain) or re.match(
        r"^((?:[A-Z0-9][\w-]*\s?){1,3})\s*[(（]", plain
    )
    label = [_phrase(label_match.group(1))] if label_match else []
    parens = [_paren_phrase(t) for t in _PAREN_TERM.findall(plain)]
    words = _WORD.findall(plain)
    acronyms = [
        w
        for w in words
        if (len(w) >= 3 and sum(ch.isupper() for ch in w) >= 2)
        or (any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w))
    ]
    long_words = sorted(
        (w for w in words if len(w) >= 5 and w.casefold() not in _STOPWORDS and w not in acronyms),
        key=lambda w: -len(w),
    )
    if chinese:
        ordered = [*bold, *label, *_cjk_pieces(plain), *parens, *acronyms, *long_words]
    else:
        ordered = [*bold, *label, *parens, *acronyms, *long_words]
    candidates: list[str] = []
    for term in ordered:
        if term and term.casefold() not in (c.casefold() for c in candidates):
            candidates.append(term)
    used = {term.casefold() for term in avoid}

    def pick(allow_used: bool) -> list[str]:
        chosen: list[str] = []
        for term in candidates:
            folded = term.casefold()
            if not allow_used and folded in used:
                continue
            if any(folded in c.casefold() for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == MAX_MATCH_TERMS:
                break
        return chosen

    return pick(False) or pick(True)


_SPLITS = (
    r"(?<=[.!?;])\s+|(?<=[。！？；])",  # sentences
    r",\s+(?=(?:but|while|whereas|since|because|so that|and then)\b)|(?<=，)(?=但|而)",  # clauses
)
"""How a one-line answer is cut into several key points: by sentence, else by clause."""


def _drop_conjunction(clause: str) -> str:
    """ "but adds latency" -> "Adds latency"."""
    clause = re.sub(
        r"^(?:but|while|whereas|since|because|so that|and then)\s+|^[但而]", "", clause.strip()
    )
    return clause[:1].upper() + clause[1:]


def _key_point_lines(answer: str) -> list[str]:
    """Candidate lines for key points, most telling first (at most MAX_KEY_POINTS)."""
    tiers: dict[str, list[str]] = {"top": [], "nested": [], "example": [], "header": []}
    in_code = False
    for line in answer.split("\n"):
        if FENCE.match(line):
            in_code = not in_code
            continue
        text = _point_text(line)
        if in_code or not text or not any(ch.isalnum() for ch in text):
            continue
        stripped = line.strip()
        if stripped.startswith(EXAMPLE_SYMBOLS) or EXAMPLE_LINE.match(text):
            tiers["example"].append(line)
        elif text.endswith((":", "：")):
            tiers["header"].append(line)
        elif line.startswith(" "):
            tiers["nested"].append(line)
        else:
            tiers["top"].append(line)
    chosen = tiers["top"][:MAX_KEY_POINTS]
    for tier in ("nested", "example", "header"):
        if len(chosen) >= MIN_KEY_POINTS:
            break
        chosen += tiers[tier][: MIN_KEY_POINTS - len(chosen)]
    if len(chosen) == 1:
        text = _point_text(chosen[0])
        for pattern in _SPLITS:
            parts = [_drop_conjunction(p) for p in re.split(pattern, text) if len(p.strip()) >= 8]
            if len(parts) >= 2:
                return parts[:MAX_KEY_POINTS]
    return chosen


def draft_key_points(answer: str) -> list[KeyPoint]:
    """Draft 2-5 key points from an answer's lines (fewer only if the answer is that short).

    Each point is its line shortened; its match terms come from `match_terms`. Lines that
    yield no usable term are left out, but an answer with content always gets one point.
    """
    points: list[KeyPoint] = []
    used: list[str] = []
    for line in _key_point_lines(answer):
        terms = match_terms(line, avoid=used)
        text = _shorten(_point_text(line))
        if not terms or not text:
            continue
        used.extend(terms)
        points.append(KeyPoint(point=text, match=terms))
    if not points:
        whole = plain_text(answer)
        terms = match_terms(whole) or [_shorten(whole, 24)] if whole else []
        if terms:
            points.append(KeyPoint(point=_shorten(whole), match=terms))
    return points
