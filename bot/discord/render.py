"""Engine results as Discord embeds and text, within Discord's size limits.

The wording follows the Telegram adapter's (bot/telegram/render.py), in Discord's
Markdown instead of Telegram's HTML, and in the reader's language (`Translator`). Deck questions and answers are rendered from the
deck's Markdown subset (bot/decks/markdown.py), every marker paired; other deck text and
people's names are escaped. Every message goes out with mentions disabled, so no text
can ping anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import discord

from bot.decks.markdown import balance_discord, discord_markdown, escape_discord
from bot.decks.model import Question
from bot.discord.notices import Pause
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
from bot.i18n import Translator
from bot.presentation import wording
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


def question(asked: Asked, t: Translator) -> discord.Embed:
    q = asked.question
    heading = t._("📅 Daily question") if asked.kind == "daily" else t._("❓ Question")
    review = t._(" · 🔁 review") if asked.is_review else ""
    embed = discord.Embed(
        title=clip(f"{heading} · {escape_discord(q.topic)}{review}", TITLE_MAX),
        description=clip_markdown(_question_body(q), DESCRIPTION_MAX),
        colour=QUESTION_COLOUR,
    )
    embed.set_footer(text=_how_to_answer(q, asked.is_group, t))
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


def _how_to_answer(q: Question, is_group: bool, t: Translator) -> str:
    how = t._("Pick an answer below.") if q.is_multiple_choice else t._("Press Answer to reply.")
    if is_group:
        how += " " + t._("Only you see your result; the model answer is revealed later.")
    return how


def question_text(message: discord.Message | None) -> str | None:
    """The question a question message shows (its embed's text), for the answer form."""
    if message is None or not message.embeds:
        return None
    return message.embeds[0].description or None


def model_answer(q: Question, t: Translator) -> str:
    heading = t._("Model answer")
    text = f"**{heading}**\n{discord_markdown(q.answer)}"
    if q.choices is not None and q.correct is not None:
        option = f"**{escape_discord(q.choices[q.correct])}**"
        text = t._("Correct option: {option}", option=option) + f"\n\n{text}"
    return text


def skipped(q: Question, t: Translator) -> str:
    return clip(t._("⏭ Skipped.") + f"\n\n{model_answer(q, t)}", CONTENT_MAX)


def feedback(result: AnswerResult, t: Translator) -> discord.Embed:
    """A player's result: verdict, key points, model answer, streak news."""
    view = feedback_view(result)
    q = view.question
    explanation = escape_discord(q.explanation or "")
    blocks = [explanation if q.is_multiple_choice else "\n".join(key_point_lines(view, DECK_TEXT))]
    blocks += [model_answer(q, t), _streak_news(view, t)]
    return discord.Embed(
        title=clip(verdict_text(view, PLAIN, t), TITLE_MAX),
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


def _streak_news(view: Feedback, t: Translator) -> str:
    first = t.n_("+{count} pt", "+{count} pts", view.points) + f" · {streak_line(view.streak, t)}"
    return "\n".join([first, *wording.streak_events(view, t)])


def rating_prompt(proposed: Rating, t: Translator) -> str:
    rating = _bold(wording.rating_label(proposed, t))
    return "🧠 " + t._(
        "Recall rated {rating} from your answer; press a button to change it.",
        rating=rating,
    )


def rated(result: RatingResult, t: Translator) -> str:
    return f"✅ {rated_text(result, PEOPLE, t)}"


def reveal(data: Reveal, t: Translator) -> discord.Embed:
    q = data.question
    embed = discord.Embed(
        title=clip(t._("💡 Answer") + f" · {escape_discord(q.topic)}", TITLE_MAX),
        description=clip_markdown(
            f"{discord_markdown(q.question)}\n\n{model_answer(q, t)}", DESCRIPTION_MAX
        ),
        colour=INFO_COLOUR,
    )
    embed.add_field(
        name=who_answered(t),
        value=clip(_reveal_scores(data.entries, t), FIELD_MAX),
        inline=False,
    )
    return embed


def _reveal_scores(entries: tuple[RevealEntry, ...], t: Translator) -> str:
    return "\n".join(reveal_score_lines(reveal_scores(entries), PEOPLE, t))


# -- progress --------------------------------------------------------------------------


def streak_line(info: StreakInfo, t: Translator) -> str:
    return wording.streak_line(info, _bold, t)


def streak(info: StreakInfo, t: Translator) -> str:
    return wording.streak(info, _bold, t)


def stats(data: UserStats, t: Translator) -> discord.Embed:
    lines = summary_lines(data, PEOPLE, t)
    if not data.answered:
        lines.append(f"\n{no_answers_yet(t)}")
    embed = discord.Embed(
        title=stats_title(PLAIN, t), description="\n".join(lines), colour=INFO_COLOUR
    )
    seen = topics_played(data)
    if seen:
        by_topics = "\n".join(topic_lines(seen, DECK_TEXT, t))
        embed.add_field(name=by_topic(t), value=clip(by_topics, FIELD_MAX), inline=False)
    if data.weakest:
        embed.add_field(name=practise_next(t), value=clip(weakest_text(data, DECK_TEXT), FIELD_MAX))
    return embed


def leaderboard(board: Leaderboard, t: Translator) -> discord.Embed:
    if not board.entries:
        description = no_points_yet(t, by_reply=False)
    else:
        description = "\n".join(leader_lines(board, PEOPLE, t))
    embed = discord.Embed(
        title=leaderboard_title(board, PLAIN, t),
        description=clip(description, DESCRIPTION_MAX),
        colour=INFO_COLOUR,
    )
    embed.set_footer(text=players(board.members, t))
    return embed


def topics(items: list[tuple[str, int]], t: Translator) -> discord.Embed:
    lines = [f"• {topic} ({count})" for topic, count in items[:TOPICS_SHOWN]]
    if len(items) > TOPICS_SHOWN:
        lines.append(t._("…and {count} more.", count=len(items) - TOPICS_SHOWN))
    embed = discord.Embed(
        title=t._("📚 Topics"),
        description=clip("\n".join(lines) or t._("No questions loaded."), DESCRIPTION_MAX),
        colour=INFO_COLOUR,
    )
    embed.set_footer(text=t._("/quiz followed by part of a topic, a tag or a deck id."))
    return embed


def recap(data: Recap, t: Translator) -> discord.Embed:
    """A channel's weekly recap; people's names escaped, deck text as Markdown."""
    shown = replace(
        data,
        top=tuple(replace(m, display_name=name(m.display_name)) for m in data.top),
        streaks=tuple(replace(s, display_name=name(s.display_name)) for s in data.streaks),
    )
    title, _, body = recap_text(shown, PLAIN, t).partition("\n")
    return discord.Embed(
        title=clip(title, TITLE_MAX), description=clip(body, DESCRIPTION_MAX), colour=INFO_COLOUR
    )


def export_empty(t: Translator) -> str:
    return t._("📄 No answers to export yet: try /quiz.")


def export_caption(answers: int, t: Translator) -> str:
    return wording.export_caption(answers, t)


def reminders(enabled: bool, t: Translator) -> str:
    if enabled:
        return t._("⏰ Reminders on: I nudge you by DM in the evening if your streak is at risk.")
    return t._("🔕 Reminders off.")


def unknown_filter(error: UnknownFilter, t: Translator) -> str:
    shown = f"**{discord.utils.escape_markdown(clip(error.text, ECHO_MAX))}**"
    lines = [t._("Nothing matches {text}.", text=shown)]
    if error.closest:
        closest = ", ".join(f"`{name}`" for name in error.closest)
        lines.append(t._("Closest: {topics}", topics=closest))
    if error.decks:
        lines.append(t._("Decks: {decks}", decks=", ".join(f"`{deck}`" for deck in error.decks)))
    lines.append(t._("See /topics for topics; any open question is still open."))
    return clip("\n".join(lines), CONTENT_MAX)


# -- daily push ------------------------------------------------------------------------


def daily_on(channel: str, settings: ChatSettings, t: Translator) -> str:
    return t._(
        "Daily questions will be posted in {channel} every day at {time} ({timezone}). "
        "Members answer with the Answer button; the model answer is revealed {after} later.",
        channel=channel,
        time=settings.push_time,
        timezone=settings.timezone,
        after=_minutes(settings.reveal_after_minutes, t),
    )


def daily_off(channel: str, t: Translator) -> str:
    return t._(
        "Daily questions in {channel} are off. `/daily on` starts them again.", channel=channel
    )


def daily_status(channel: str, settings: ChatSettings | None, t: Translator) -> str:
    if settings is None or not settings.subscribed:
        return t._(
            "Daily questions are off in {channel}. `/daily on` starts them.", channel=channel
        )
    values = {"channel": channel, "time": settings.push_time, "timezone": settings.timezone}
    if not settings.active:
        return t._(
            "Daily questions in {channel} at {time} ({timezone}) are **paused**: I could not "
            "post there: a permission is missing (View Channel, Send Messages, Embed Links, "
            "Read Message History) or the channel is gone. Fix that, then run `/daily on` in "
            "that channel.",
            **values,
        )
    return t._("Daily questions are on in {channel}: every day at {time} ({timezone}).", **values)


def paused(channel: str, pause: Pause, t: Translator) -> str:
    """A daily push paused by a send error, told to an admin (`bot.discord.notices`)."""
    reason = t._(pause.reason, permissions=permission_list(pause.missing, t))
    return t._(
        "⚠️ Daily questions in {channel} are paused: {reason}. Fix that, then run "
        "`/daily on` in that channel.",
        channel=channel,
        reason=reason,
    )


def missing_permissions(channel: str, missing: list[str], t: Translator) -> str:
    return t._(
        "I can't post daily questions in {channel}: I am missing {permissions} there. Add "
        "them in the channel's permissions and run `/daily on` again.",
        channel=channel,
        permissions=permission_list(missing, t),
    )


def permission_list(labels: Sequence[str], t: Translator) -> str:
    """Discord permissions' names (message ids), in the reader's language."""
    return t._(", ").join(t._(label) for label in labels)


def _minutes(minutes: int, t: Translator) -> str:
    if minutes % 60 == 0:
        return t.n_("{count} hour", "{count} hours", minutes // 60)
    return t.n_("{count} minute", "{count} minutes", minutes)


def reminder(current: int, freezes: int, t: Translator) -> str:
    return wording.reminder(current, freezes, t)
