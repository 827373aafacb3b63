"""Plain-text rendering of engine results for the terminal: the views of
`bot.presentation` (verdict, points covered, next review) laid out as terminal lines."""

from __future__ import annotations

import re
import textwrap

from bot.decks.model import Question
from bot.engine.hints import Hint
from bot.engine.results import AnswerResult, Asked, RatingResult, StreakInfo, UserStats
from bot.engine.srs import Rating
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


def question(asked: Asked, number: int) -> str:
    q = asked.question
    label = "Review" if asked.is_review else "New"
    lines = [RULE, f"Question {number} · {q.topic} · {label}", "", plain_markdown(q.question)]
    if asked.drill is not None:
        lines[2:2] = [note_of(asked)]
    if q.choices:
        lines.append("")
        lines += [f"  {index}. {choice}" for index, choice in enumerate(q.choices, start=1)]
    return "\n".join(lines)


def feedback(result: AnswerResult) -> str:
    view = feedback_view(result)
    q = view.question
    lines = [""]
    if view.verdict is Verdict.CORRECT:
        lines.append("✓ Correct!")
    elif view.verdict is Verdict.WRONG:
        lines.append(f"✗ Not quite: the answer is {view.correct_choice}.")
    elif view.verdict is not Verdict.RECORDED:
        covered, total = len(view.covered), view.key_points_total
        lines.append(f"Score: {covered}/{total} key points ({view.score:.0%})")
        for point in view.covered:
            quote = textwrap.shorten(point.evidence, EVIDENCE_LIMIT, placeholder="…")
            said = f" (you said: “{quote}”)" if point.evidence else ""
            lines.append(f"  ✓ {point.point}{said}")
        lines += [f"  ✗ {point}" for point in view.missed]
        if view.advice:
            lines.append(f"  Tip: {view.advice}")
    if q.is_multiple_choice and q.explanation:
        lines.append(q.explanation)
    lines += ["", "Model answer:", _indent(q.answer), ""]
    lines.append(f"+{view.points} points · {streak(view.streak)}")
    if view.frozen_days:
        days = ", ".join(day.isoformat() for day in view.frozen_days)
        lines.append(f"A streak freeze covered {days}.")
    if view.freeze_earned:
        lines.append("You earned a streak freeze!")
    if view.broken_streak:
        lines.append(f"Your {view.broken_streak}-day streak ended; a new one starts today.")
    return "\n".join(lines)


def rating_prompt(proposed: Rating) -> str:
    options = "  ".join(f"[{r.value}] {r.label}{'*' if r == proposed else ''}" for r in Rating)
    return f"How well did you recall it? {options}  (Enter = {proposed.label})"


def rated(result: RatingResult) -> str:
    return rated_text(result, PLAIN)


def streak(info: StreakInfo) -> str:
    text = f"🔥 streak {info.current} day{'s' if info.current != 1 else ''}"
    if info.longest > info.current:
        text += f" (best {info.longest})"
    if info.freezes:
        text += f" · {info.freezes} freeze{'s' if info.freezes != 1 else ''}"
    return text


def stats(data: UserStats) -> str:
    lines = [
        RULE,
        f"Answered {data.answered} times · {data.questions_seen}/{data.questions_total} "
        f"questions seen · average score {data.average_score:.0%} · {data.due_now} due now",
        streak(data.streak),
        "",
    ]
    for topic in data.topics:
        if topic.seen:
            lines.append(
                f"  {topic.topic}: {topic.seen}/{topic.total} seen, {topic.average_score:.0%}"
            )
    if data.weakest:
        lines += ["", "Weakest: " + "; ".join(data.weakest)]
    return "\n".join(lines)


def topics(items: list[tuple[str, int]]) -> str:
    return "\n".join(f"  {name} ({count})" for name, count in items)


def help_offer(has_hint: bool) -> str:
    hint = "`?` for a hint (it halves what the answer can score), " if has_hint else ""
    return f"Nothing typed. Type your answer, {hint}or /idk to see the model answer."


def hint(given: Hint) -> str:
    cap = round(given.score_cap * 100)
    return (
        f"Hint: {given.point}\n"
        f"(An answer after a hint scores at most {cap}%, {given.points_cap} points.)"
    )


def gave_up(result: AnswerResult) -> str:
    """The model answer after /idk: rated Again, the streak kept."""
    return "\n".join(
        [
            "",
            "No problem. The model answer:",
            _indent(result.question.answer),
            "",
            f"Rated {result.proposed_rating.label}: it comes back for review soon. "
            f"{streak(result.streak)}",
        ]
    )


def skipped(question_: Question) -> str:
    return "\n".join(["Skipped. The model answer:", _indent(question_.answer)])


def _indent(text: str) -> str:
    return textwrap.indent(plain_markdown(text), "  ")
