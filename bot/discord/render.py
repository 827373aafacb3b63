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
from bot.presentation.feedback import (
    Feedback,
    Verdict,
    feedback_view,
    key_point_lines,
    rated_text,
    verdict_text,
)
from bot.presentation.leaderboard import (
    leader_lines,
    leaderboard_title,
    no_points_yet,
    players,
)
from bot.presentation.markup import PLAIN, Markup, clip
from bot.presentation.recap import recap_text
from bot.presentation.reveal import reveal_score_lines, reveal_scores, who_answered
from bot.presentation.stats import (
    by_topic,
    no_answers_yet,
    practise_next,
    stats_title,
    summary_lines,
    topic_lines,
    topics_played,
    weakest_text,
)
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

QUESTION_COLOUR = discord.Colour.blurple()
RIGHT_COLOUR = discord.Colour.green()
PARTLY_COLOUR = discord.Colour.gold()
WRONG_COLOUR = discord.Colour.red()
INFO_COLOUR = discord.Colour.dark_teal()


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


def _bold(text: str) -> str:
    return f"**{text}**"


def _italic(text: str) -> str:
    return f"*{text}*"


def _code(text: str) -> str:
    return f"`{text}`"


DECK_TEXT = Markup(escape=escape_discord, bold=_bold, code=_code, italic=_italic)
"""Discord Markdown for the shared wording, deck text escaped as the deck renderer does."""
PEOPLE = Markup(escape=name, bold=_bold, code=_code, italic=_italic)
"""Discord Markdown for the shared wording about people (names escaped)."""


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
    view = feedback_view(result)
    q = view.question
    explanation = escape_discord(q.explanation or "")
    blocks = [explanation if q.is_multiple_choice else "\n".join(key_point_lines(view, DECK_TEXT))]
    blocks += [model_answer(q), _streak_news(view)]
    return discord.Embed(
        title=clip(verdict_text(view, PLAIN), TITLE_MAX),
        description=clip_markdown("\n\n".join(b for b in blocks if b), DESCRIPTION_MAX),
        colour=VERDICT_COLOURS[view.verdict],
    )


VERDICT_COLOURS = {
    Verdict.CORRECT: RIGHT_COLOUR,
    Verdict.WRONG: WRONG_COLOUR,
    Verdict.RECORDED: INFO_COLOUR,
    Verdict.ALL_COVERED: RIGHT_COLOUR,
    Verdict.MOSTLY_COVERED: PARTLY_COLOUR,
    Verdict.FEW_COVERED: WRONG_COLOUR,
}


def _streak_news(view: Feedback) -> str:
    first = f"+{view.points} pts · {streak_line(view.streak)}"
    return "\n".join([first, *wording.streak_events(view)])


def rating_prompt(proposed: Rating) -> str:
    return f"🧠 Recall rated **{proposed.label}** from your answer; press a button to change it."


def rated(result: RatingResult) -> str:
    return f"✅ {rated_text(result, PEOPLE)}"


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
        name=who_answered(), value=clip(_reveal_scores(data.entries), FIELD_MAX), inline=False
    )
    return embed


def _reveal_scores(entries: tuple[RevealEntry, ...]) -> str:
    return "\n".join(reveal_score_lines(reveal_scores(entries), PEOPLE))


# -- progress --------------------------------------------------------------------------


def streak_line(info: StreakInfo) -> str:
    return wording.streak_line(info, _bold)


def streak(info: StreakInfo) -> str:
    return wording.streak(info, _bold)


def stats(data: UserStats) -> discord.Embed:
    lines = summary_lines(data, PEOPLE)
    if not data.answered:
        lines.append(f"\n{no_answers_yet()}")
    embed = discord.Embed(
        title=stats_title(PLAIN), description="\n".join(lines), colour=INFO_COLOUR
    )
    seen = topics_played(data)
    if seen:
        by_topics = "\n".join(topic_lines(seen, DECK_TEXT))
        embed.add_field(name=by_topic(), value=clip(by_topics, FIELD_MAX), inline=False)
    if data.weakest:
        embed.add_field(name=practise_next(), value=clip(weakest_text(data, DECK_TEXT), FIELD_MAX))
    return embed


def leaderboard(board: Leaderboard) -> discord.Embed:
    if not board.entries:
        description = no_points_yet(by_reply=False)
    else:
        description = "\n".join(leader_lines(board, PEOPLE))
    embed = discord.Embed(
        title=leaderboard_title(board, PLAIN),
        description=clip(description, DESCRIPTION_MAX),
        colour=INFO_COLOUR,
    )
    embed.set_footer(text=players(board.members))
    return embed


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
