"""Engine results as Discord embeds and text, within Discord's size limits.

The wording follows the Telegram adapter's (bot/telegram/render.py), in Discord's
Markdown instead of Telegram's HTML. Deck questions and answers are rendered from the
deck's Markdown subset (bot/decks/markdown.py), every marker paired; other deck text and
people's names are escaped. Every message goes out with mentions disabled, so no text
can ping anyone.
"""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.decks.markdown import balance_discord, discord_markdown, escape_discord
from bot.decks.model import Question
from bot.engine.results import (
    AnswerResult,
    Asked,
    ChatSettings,
    Leaderboard,
    LeaderboardEntry,
    RatingResult,
    Reveal,
    RevealEntry,
    StreakInfo,
    UserStats,
)
from bot.engine.srs import Rating
from bot.errors import UnknownFilter
from bot.presentation import wording
from bot.presentation.errors import unknown_filter_text
from bot.presentation.markup import PLAIN
from bot.presentation.recap import recap_text
from bot.progress.recap import Recap
from bot.progress.weak import note_of

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024
FOOTER_MAX = 2048
CONTENT_MAX = 2000
TOPICS_SHOWN = 40
ECHO_MAX = 100
"""Characters of what someone typed that a reply repeats."""
REVEAL_LINES = 10
MEDALS = ("🥇", "🥈", "🥉")

QUESTION_COLOUR = discord.Colour.blurple()
RIGHT_COLOUR = discord.Colour.green()
PARTLY_COLOUR = discord.Colour.gold()
WRONG_COLOUR = discord.Colour.red()
INFO_COLOUR = discord.Colour.dark_teal()


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when it was longer."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_markdown(text: str, limit: int) -> str:
    """Rendered Markdown cut to `limit` characters with every marker still paired."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return balance_discord(clip(text, limit - _BALANCE_ROOM))


_BALANCE_ROOM = 16
"""Room kept when cutting Markdown for the markers that close what the cut left open."""


def name(text: str) -> str:
    return discord.utils.escape_markdown(text)


# -- questions and answers -------------------------------------------------------------


def question(asked: Asked) -> discord.Embed:
    q = asked.question
    heading = "📅 Daily question" if asked.kind == "daily" else "❓ Question"
    review = " · 🔁 review" if asked.is_review else ""
    embed = discord.Embed(
        title=clip(f"{heading} · {escape_discord(q.topic)}{review}", TITLE_MAX),
        description=clip_markdown(_question_body(q), DESCRIPTION_MAX),
        colour=QUESTION_COLOUR,
    )
    embed.set_footer(text=_how_to_answer(q, asked.is_group))
    return embed


def question_note(asked: Asked) -> str | None:
    """The line shown above a question's embed (which topics `/quiz weak` drills), as
    the message's text; None when there is none. Kept out of the embed, whose text is
    the question the answer form shows."""
    return clip(f"🎯 {note_of(asked)}", CONTENT_MAX) if asked.drill is not None else None


def _question_body(q: Question) -> str:
    text = discord_markdown(q.question)
    if not q.choices:
        return text
    options = "\n".join(
        f"**{i}.** {escape_discord(choice)}" for i, choice in enumerate(q.choices, start=1)
    )
    return f"{text}\n\n{options}"


def _how_to_answer(q: Question, is_group: bool) -> str:
    how = "Pick an answer below." if q.is_multiple_choice else "Press Answer to reply."
    if is_group:
        how += " Only you see your result; the model answer is revealed later."
    return how


def question_text(message: discord.Message | None) -> str | None:
    """The question a question message shows (its embed's text), for the answer form."""
    if message is None or not message.embeds:
        return None
    return message.embeds[0].description or None


def model_answer(q: Question) -> str:
    text = f"**Model answer**\n{discord_markdown(q.answer)}"
    if q.choices is not None and q.correct is not None:
        text = f"Correct option: **{escape_discord(q.choices[q.correct])}**\n\n{text}"
    return text


def feedback(result: AnswerResult) -> discord.Embed:
    """A player's result: verdict, key points, model answer, streak news."""
    q = result.question
    explanation = escape_discord(q.explanation or "")
    blocks = [explanation if q.is_multiple_choice else _key_points(result)]
    blocks += [model_answer(q), _streak_news(result)]
    title, colour = _verdict(result)
    return discord.Embed(
        title=clip(title, TITLE_MAX),
        description=clip_markdown("\n\n".join(b for b in blocks if b), DESCRIPTION_MAX),
        colour=colour,
    )


def _verdict(result: AnswerResult) -> tuple[str, discord.Colour]:
    grade = result.grade
    if result.question.is_multiple_choice:
        if grade.score >= 1.0:
            return "✅ Correct!", RIGHT_COLOUR
        return "❌ Not quite.", WRONG_COLOUR
    if not grade.gradable:
        return "📝 Answer recorded. Compare it with the model answer below.", INFO_COLOUR
    total = len(grade.covered) + len(grade.missed)
    if not grade.missed:
        return f"🎯 {total}/{total} key points covered.", RIGHT_COLOUR
    mark, colour = ("👍", PARTLY_COLOUR) if grade.score >= 0.5 else ("🤏", WRONG_COLOUR)
    return f"{mark} {len(grade.covered)}/{total} key points covered.", colour


EVIDENCE_LIMIT = 80
"""The longest quote of an answer shown as a covered point's evidence."""


def _key_points(result: AnswerResult) -> str:
    points, grade = result.question.key_points, result.grade
    lines = []
    for n, i in enumerate(grade.covered):
        quote = grade.evidence[n] if n < len(grade.evidence) else ""
        said = f" *(“{escape_discord(clip(quote, EVIDENCE_LIMIT))}”)*" if quote else ""
        lines.append(f"✓ {escape_discord(points[i].point)}{said}")
    lines += [f"✗ {escape_discord(points[i].point)}" for i in grade.missed]
    return "\n".join(lines)


def _streak_news(result: AnswerResult) -> str:
    first = f"+{result.points} pts · {streak_line(result.streak)}"
    return "\n".join([first, *wording.streak_events(result)])


def rating_prompt(proposed: Rating) -> str:
    return f"🧠 Recall rated **{proposed.label}** from your answer; press a button to change it."


def rated(result: RatingResult) -> str:
    days = result.interval_days
    when = "tomorrow" if days <= 1 else f"in {days} days"
    return f"✅ Rated **{result.rating.label}**: next review {when}."


def reveal(data: Reveal) -> discord.Embed:
    q = data.question
    embed = discord.Embed(
        title=clip(f"💡 Answer · {escape_discord(q.topic)}", TITLE_MAX),
        description=clip_markdown(
            f"{discord_markdown(q.question)}\n\n{model_answer(q)}", DESCRIPTION_MAX
        ),
        colour=INFO_COLOUR,
    )
    embed.add_field(
        name="Who answered", value=clip(_reveal_scores(data.entries), FIELD_MAX), inline=False
    )
    return embed


def _reveal_scores(entries: tuple[RevealEntry, ...]) -> str:
    if not entries:
        return "Nobody answered this one."
    ranked = sorted(entries, key=lambda e: (-e.points, -e.score, e.display_name))
    lines = []
    for place, entry in enumerate(ranked[:REVEAL_LINES]):
        medal = MEDALS[place] if place < len(MEDALS) and entry.points > 0 else "•"
        lines.append(
            f"{medal} {name(entry.display_name)}: {round(entry.score * 100)}% · +{entry.points} pts"
        )
    if len(ranked) > REVEAL_LINES:
        lines.append(f"…and {len(ranked) - REVEAL_LINES} more.")
    return "\n".join(lines)


# -- progress --------------------------------------------------------------------------


def _bold(text: str) -> str:
    return f"**{text}**"


def streak_line(info: StreakInfo) -> str:
    return wording.streak_line(info, _bold)


def streak(info: StreakInfo) -> str:
    return wording.streak(info, _bold)


def stats(data: UserStats) -> discord.Embed:
    lines = [
        f"Answers: {data.answered} · average {round(data.average_score * 100)}%",
        f"Questions seen: {data.questions_seen}/{data.questions_total}",
        f"Due for review: {data.due_now}",
        streak_line(data.streak),
    ]
    if not data.answered:
        lines.append("\nNo answers yet: try /quiz.")
    embed = discord.Embed(
        title="📊 Your progress", description="\n".join(lines), colour=INFO_COLOUR
    )
    seen = [t for t in data.topics if t.seen]
    if seen:
        by_topic = [
            f"• {t.topic}: {t.seen}/{t.total} seen, {round(t.average_score * 100)}%" for t in seen
        ]
        embed.add_field(name="By topic", value=clip("\n".join(by_topic), FIELD_MAX), inline=False)
    if data.weakest:
        embed.add_field(name="Practise next", value=clip(", ".join(data.weakest), FIELD_MAX))
    return embed


def leaderboard(board: Leaderboard) -> discord.Embed:
    title = "🏆 All-time leaderboard" if board.period == "all" else "🏆 This week"
    if not board.entries:
        description = "No points yet: answer a question to score."
    else:
        lines = [_leader_line(entry) for entry in board.entries]
        if board.me is not None:
            lines += ["…", _leader_line(board.me)]
        description = "\n".join(lines)
    embed = discord.Embed(
        title=title, description=clip(description, DESCRIPTION_MAX), colour=INFO_COLOUR
    )
    embed.set_footer(text=f"{board.members} player{'s' if board.members != 1 else ''}")
    return embed


def _leader_line(entry: LeaderboardEntry) -> str:
    place = MEDALS[entry.rank - 1] if entry.rank <= len(MEDALS) else f"{entry.rank}."
    shown = f"**{name(entry.display_name)}**" if entry.is_me else name(entry.display_name)
    streak_text = f" · 🔥{entry.streak}" if entry.streak else ""
    return f"{place} {shown}: {entry.points} pts{streak_text}"


def topics(items: list[tuple[str, int]]) -> discord.Embed:
    lines = [f"• {topic} ({count})" for topic, count in items[:TOPICS_SHOWN]]
    if len(items) > TOPICS_SHOWN:
        lines.append(f"…and {len(items) - TOPICS_SHOWN} more.")
    embed = discord.Embed(
        title="📚 Topics",
        description=clip("\n".join(lines) or "No questions loaded.", DESCRIPTION_MAX),
        colour=INFO_COLOUR,
    )
    embed.set_footer(text="/quiz followed by part of a topic, a tag or a deck id.")
    return embed


def recap(data: Recap) -> discord.Embed:
    """A channel's weekly recap; people's names escaped, deck text as Markdown."""
    shown = replace(
        data,
        top=tuple(replace(m, display_name=name(m.display_name)) for m in data.top),
        streaks=tuple(replace(s, display_name=name(s.display_name)) for s in data.streaks),
    )
    title, _, body = recap_text(shown, PLAIN).partition("\n")
    return discord.Embed(
        title=clip(title, TITLE_MAX), description=clip(body, DESCRIPTION_MAX), colour=INFO_COLOUR
    )


EXPORT_EMPTY = "📄 No answers to export yet: try /quiz."


export_caption = wording.export_caption


def reminders(enabled: bool) -> str:
    if enabled:
        return "⏰ Reminders on: I nudge you by DM in the evening if your streak is at risk."
    return "🔕 Reminders off."


def unknown_filter(error: UnknownFilter) -> str:
    text = unknown_filter_text(
        error,
        shown=lambda text: f"**{discord.utils.escape_markdown(clip(text, ECHO_MAX))}**",
        name=lambda name: f"`{name}`",
    )
    return clip(text, CONTENT_MAX)


# -- daily push ------------------------------------------------------------------------


def daily_on(channel: str, settings: ChatSettings) -> str:
    return (
        f"Daily questions will be posted in {channel} every day at {settings.push_time} "
        f"({settings.timezone}). Members answer with the Answer button; the model answer "
        f"is revealed {_minutes(settings.reveal_after_minutes)} later."
    )


def daily_off(channel: str) -> str:
    return f"Daily questions in {channel} are off. `/daily on` starts them again."


def daily_status(channel: str, settings: ChatSettings | None) -> str:
    if settings is None or not settings.subscribed:
        return f"Daily questions are off in {channel}. `/daily on` starts them."
    when = f"{settings.push_time} ({settings.timezone})"
    if not settings.active:
        return f"Daily questions in {channel} at {when} are **paused**: {PAUSED_HELP}"
    return f"Daily questions are on in {channel}: every day at {when}."


PAUSED_HELP = (
    "I could not post there: a permission is missing (View Channel, Send Messages, Embed "
    "Links, Read Message History) or the channel is gone. Fix that, then run `/daily on` "
    "in that channel."
)


def paused(channel: str, reason: str) -> str:
    return (
        f"⚠️ Daily questions in {channel} are paused: {reason}. "
        "Fix that, then run `/daily on` in that channel."
    )


def missing_permissions(channel: str, missing: list[str]) -> str:
    return (
        f"I can't post daily questions in {channel}: I am missing "
        f"{', '.join(missing)} there. Add them in the channel's permissions and run "
        "`/daily on` again."
    )


def _minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


reminder = wording.reminder
