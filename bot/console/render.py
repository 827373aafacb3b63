"""Plain-text rendering of engine results for the terminal, in the player's language: the
views of `bot.presentation` (verdict, points covered, next review) laid out as terminal
lines."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from bot.decks.catalog import Catalog
from bot.decks.model import Question
from bot.engine.hints import Hint
from bot.engine.results import AnswerResult, Asked, RatingResult, StreakInfo, UserStats
from bot.engine.srs import Rating
from bot.i18n import Translator, percent
from bot.presentation import wording
from bot.presentation.feedback import EVIDENCE_LIMIT, Verdict, feedback_view, rated_text
from bot.presentation.markup import PLAIN
from bot.progress.weak import note_of

RULE = "─" * 60

# The deck format's small Markdown subset (see bot.telegram.markup), shown as plain text.
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"
)
_CODE = re.compile(r"`([^`]+)`")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_HEADING = re.compile(r"^#{1,6}\s+")


def plain_markdown(text: str) -> str:
    """Deck Markdown as a terminal shows it best: markers gone, bullets as •."""
    lines = []
    for line in text.strip().splitlines():
        line = _HEADING.sub("", line)
        line = _BULLET.sub(r"\1• ", line)
        line = _CODE.sub(r"\1", line)
        lines.append(_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line))
    return "\n".join(lines)


def question(asked: Asked, number: int, t: Translator) -> str:
    q = asked.question
    label = t._("Review") if asked.is_review else t._("New")
    heading = t._("Question {number} · {topic} · {kind}", number=number, topic=q.topic, kind=label)
    lines = [RULE, heading, "", plain_markdown(q.question)]
    if asked.drill is not None:
        lines[2:2] = [note_of(asked)]
    if q.choices:
        lines.append("")
        lines += [f"  {index}. {choice}" for index, choice in enumerate(q.choices, start=1)]
    return "\n".join(lines)


def feedback(result: AnswerResult, t: Translator) -> str:
    view = feedback_view(result)
    q = view.question
    lines = [""]
    if view.verdict is Verdict.CORRECT:
        lines.append(t._("✓ Correct!"))
    elif view.verdict is Verdict.WRONG:
        lines.append(t._("✗ Not quite: the answer is {answer}.", answer=view.correct_choice))
    elif view.verdict is not Verdict.RECORDED:
        lines.append(
            t._(
                "Score: {covered}/{total} key points ({percent})",
                covered=len(view.covered),
                total=view.key_points_total,
                percent=percent(view.score),
            )
        )
        for point in view.covered:
            quote = textwrap.shorten(point.evidence, EVIDENCE_LIMIT, placeholder="…")
            said = t._(" (you said: “{quote}”)", quote=quote) if point.evidence else ""
            lines.append(f"  ✓ {point.point}{said}")
        lines += [f"  ✗ {point}" for point in view.missed]
        if view.advice:
            lines.append("  " + t._("Tip: {advice}", advice=view.advice))
    if q.is_multiple_choice and q.explanation:
        lines.append(q.explanation)
    lines += ["", t._("Model answer:"), _indent(q.answer), ""]
    lines.append(
        t.n_("+{count} point", "+{count} points", view.points) + f" · {streak(view.streak, t)}"
    )
    if view.frozen_days:
        days = ", ".join(day.isoformat() for day in view.frozen_days)
        lines.append(t._("A streak freeze covered {days}.", days=days))
    if view.freeze_earned:
        lines.append(t._("You earned a streak freeze!"))
    if view.broken_streak:
        lines.append(
            t._("Your {days}-day streak ended; a new one starts today.", days=view.broken_streak)
        )
    return "\n".join(lines)


def rating_prompt(proposed: Rating, t: Translator) -> str:
    options = "  ".join(
        f"[{r.value}] {wording.rating_label(r, t)}{'*' if r == proposed else ''}" for r in Rating
    )
    return t._(
        "How well did you recall it? {options}  (Enter = {proposed})",
        options=options,
        proposed=wording.rating_label(proposed, t),
    )


def rated(result: RatingResult, t: Translator) -> str:
    return rated_text(result, PLAIN, t)


def streak(info: StreakInfo, t: Translator) -> str:
    text = t.n_("🔥 streak {count} day", "🔥 streak {count} days", info.current)
    if info.longest > info.current:
        text += t._(" (best {best})", best=info.longest)
    if info.freezes:
        text += " · " + t.n_("{count} freeze", "{count} freezes", info.freezes)
    return text


def stats(data: UserStats, t: Translator) -> str:
    lines = [
        RULE,
        t.n_("Answered {count} time", "Answered {count} times", data.answered)
        + " · "
        + t._(
            "{seen}/{total} questions seen · average score {average} · {due} due now",
            seen=data.questions_seen,
            total=data.questions_total,
            average=percent(data.average_score),
            due=data.due_now,
        ),
        streak(data.streak, t),
        "",
    ]
    for topic in data.topics:
        if topic.seen:
            lines.append(
                "  "
                + t._(
                    "{topic}: {seen}/{total} seen, {average}",
                    topic=topic.topic,
                    seen=topic.seen,
                    total=topic.total,
                    average=percent(topic.average_score),
                )
            )
    if data.weakest:
        lines += ["", t._("Weakest: {topics}", topics="; ".join(data.weakest))]
    return "\n".join(lines)


def topics(items: list[tuple[str, int]]) -> str:
    return "\n".join(f"  {name} ({count})" for name, count in items)


def help_offer(has_hint: bool, t: Translator) -> str:
    if has_hint:
        return t._(
            "Nothing typed. Type your answer, `?` for a hint (it halves what the answer can "
            "score), or /idk to see the model answer."
        )
    return t._("Nothing typed. Type your answer, or /idk to see the model answer.")


def hint(given: Hint, t: Translator) -> str:
    cap = t._(
        "(An answer after a hint scores at most {percent}, {points} points.)",
        percent=percent(given.score_cap),
        points=given.points_cap,
    )
    return t._("Hint: {point}", point=given.point) + f"\n{cap}"


def gave_up(result: AnswerResult, t: Translator) -> str:
    """The model answer after /idk: rated Again, the streak kept."""
    rated = t._(
        "Rated {rating}: it comes back for review soon.",
        rating=wording.rating_label(result.proposed_rating, t),
    )
    return "\n".join(
        [
            "",
            t._("No problem. The model answer:"),
            _indent(result.question.answer),
            "",
            f"{rated} {streak(result.streak, t)}",
        ]
    )


def skipped(question_: Question, t: Translator) -> str:
    return "\n".join([t._("Skipped. The model answer:"), _indent(question_.answer)])


def _indent(text: str) -> str:
    return textwrap.indent(plain_markdown(text), "  ")


def decks_loaded(catalog: Catalog, paths: Iterable[Path], t: Translator) -> str:
    """The first line of a session: where the decks came from, each deck's id and size."""
    decks = t._(", ").join(
        t.n_(
            "{deck} ({count} question)",
            "{deck} ({count} questions)",
            len(deck.questions),
            deck=deck.deck,
        )
        for deck in catalog.decks
    )
    where = ", ".join(str(path) for path in paths)
    return t._("Decks from {paths}: {decks}", paths=where, decks=decks or t._("none"))
