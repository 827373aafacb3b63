"""What the bot says: every message as Telegram HTML, built from the engine's results.

All deck and user text is escaped here (through `escape` or `deck_markdown`); callers
send the returned strings as they are. Long results are split by `markup.split_html`
when sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.decks.model import Question
from bot.engine.results import (
    AnswerResult,
    Asked,
    ChatSettings,
    Leaderboard,
    RatingResult,
    Reveal,
    StreakInfo,
    UserStats,
)
from bot.engine.srs import Rating
from bot.errors import QuizError, UnknownFilter
from bot.presentation import wording
from bot.presentation.errors import SOMETHING_WENT_WRONG, error_text, unknown_filter_text
from bot.presentation.feedback import (
    Feedback,
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
from bot.presentation.markup import Markup
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
from bot.telegram.markup import deck_markdown, escape, escape_attribute, truncate

ECHO_LIMIT = 300
"""Characters of a player's answer repeated back in feedback."""
ECHO_FILTER = 100
"""Characters of a /quiz filter repeated back when nothing matches it."""
RATING_LINE_PREFIXES = ("🧠", "✅ Rated")
"""How the last line of a feedback message starts: the rating prompt, or the rating."""


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _italic(text: str) -> str:
    return f"<i>{text}</i>"


def _code(text: str) -> str:
    return f"<code>{text}</code>"


HTML = Markup(escape=escape, bold=_bold, code=_code, italic=_italic)
"""Telegram HTML for the shared wording (bot.presentation)."""

# -- questions ------------------------------------------------------------------------------


def question(asked: Asked) -> str:
    heading = "📅 <b>Daily question</b>" if asked.kind == "daily" else "❓ <b>Question</b>"
    if asked.is_review:
        heading += " · 🔁 review"
    how = (
        "Reply to this message with your answer."
        if asked.is_group
        else "Send your answer as a message."
    )
    note = f"{question_note(note_of(asked))}\n\n" if asked.drill is not None else ""
    return (
        f"{heading} · <i>{escape(asked.question.topic)}</i>\n\n"
        f"{note}{deck_markdown(asked.question.question)}\n\n"
        f"<i>{how}</i>"
    )


def question_note(note: str) -> str:
    """The line shown above a question (which topics `/quiz weak` drills); for a quiz
    poll it is a short message of its own before the poll."""
    return f"🎯 <i>{escape(note)}</i>"


def poll_question(item: Question) -> str:
    """A quiz poll's question: plain text (sent without a parse mode), at most 300."""
    return item.question


def model_answer(item: Question) -> str:
    text = f"<b>Model answer</b>\n{deck_markdown(item.answer)}"
    if item.choices is not None and item.correct is not None:
        text = f"Correct option: <b>{escape(item.choices[item.correct])}</b>\n\n{text}"
    return text


def answer_privately(item: Question) -> str:
    return (
        f"🤫 <b>The answer</b> · <i>{escape(item.topic)}</i>\n\n"
        f"{deck_markdown(item.question)}\n\n{model_answer(item)}"
    )


def skipped(item: Question) -> str:
    return (
        f"⏭ Skipped. Here is the answer to:\n{deck_markdown(item.question)}\n\n"
        f"{model_answer(item)}\n\n<i>/quiz for another question.</i>"
    )


# -- feedback on an answer --------------------------------------------------------------------


def feedback(result: AnswerResult, answer_text: str) -> str:
    """A private answer's feedback; its last line is the rating prompt (see `rated`)."""
    view = feedback_view(result)
    blocks = [verdict_text(view, HTML), _echo(answer_text)]
    if view.question.is_multiple_choice:
        if view.question.explanation:
            blocks.append(f"<i>{escape(view.question.explanation)}</i>")
    else:
        blocks.append("\n".join(key_point_lines(view, HTML)))
        if view.advice:
            blocks.append(f"💡 <i>{escape(view.advice)}</i>")
    blocks.append(model_answer(view.question))
    blocks.append(_streak_news(view))
    blocks.append(_rating_prompt(view.proposed_rating))
    return "\n\n".join(block for block in blocks if block)


def _echo(answer_text: str) -> str:
    if not answer_text.strip():
        return ""
    return f"<i>Your answer:</i> {escape(truncate(answer_text, ECHO_LIMIT))}"


def _streak_news(view: Feedback) -> str:
    return "\n".join([streak_line(view.streak), *wording.streak_events(view)])


def _rating_prompt(proposed: Rating) -> str:
    return f"🧠 <i>Recall rated {proposed.label} from your answer; tap to change it.</i>"


def rated(feedback_html: str, result: RatingResult) -> str:
    """A feedback message after the player rated it: the rating line replaced."""
    body, _, last = feedback_html.rstrip().rpartition("\n")
    if not last.startswith(RATING_LINE_PREFIXES):
        body = feedback_html.rstrip()
    return f"{body}\n{rating_line(result)}" if body else rating_line(result)


def rating_line(result: RatingResult) -> str:
    return f"✅ {rated_text(result, HTML)}"


def choice_feedback(result: AnswerResult) -> str:
    """Feedback in a private chat after a quiz poll vote (the poll shows the answer)."""
    view = feedback_view(result)
    return "\n\n".join(
        block
        for block in (
            verdict_text(view, HTML),
            model_answer(view.question),
            _streak_news(view),
            _rating_prompt(view.proposed_rating),
        )
        if block
    )


# -- groups -----------------------------------------------------------------------------------


def reveal(revealed: Reveal) -> str:
    item = revealed.question
    return (
        f"💡 <b>Answer</b> · <i>{escape(item.topic)}</i>\n"
        f"{deck_markdown(item.question)}\n\n"
        f"{model_answer(item)}\n\n{_reveal_scores(revealed)}"
    )


def _reveal_scores(revealed: Reveal) -> str:
    scores = reveal_scores(revealed.entries)
    lines = reveal_score_lines(scores, HTML)
    return "\n".join([_bold(who_answered()), *lines] if scores.lines else lines)


def group_intro(bot_username: str) -> str:
    return (
        "👋 <b>Interview-prep quiz</b>\n\n"
        "I post a question; answer by <b>replying to it</b>. I grade every reply against the "
        "key points (a reaction tells you I got it) and reveal the model answer later, with "
        "who answered and how well.\n\n"
        "• /quiz [topic] asks a question now\n"
        "• /leaderboard shows this week's ranking\n"
        "• Admins: /subscribe for a daily question, /time and /timezone to set when, "
        "/reveal to show the answer early\n\n"
        f"Want the answer before the reveal, or to practise alone? Talk to me privately: "
        f"{deep_link(bot_username)}"
    )


def hello_group(bot_username: str) -> str:
    return "Thanks for adding me!\n\n" + group_intro(bot_username)


def answer_by_dm_needs_start(bot_username: str, delivery_id: int) -> str:
    """Callback alert text (plain, at most 200 characters): alerts show no links, so the
    deep link is spelled out; opening it and pressing Start delivers the answer."""
    return truncate(
        "I can only message you after you start a chat with me. Open "
        f"t.me/{bot_username}?start=answer-{delivery_id} and press Start.",
        200,
    )


def deep_link(bot_username: str, payload: str = "") -> str:
    url = f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")
    return f'<a href="{escape_attribute(url)}">t.me/{escape(bot_username)}</a>'


# -- private chat -----------------------------------------------------------------------------


def welcome(settings: ChatSettings) -> str:
    return (
        "👋 <b>Welcome to your daily interview-prep quiz!</b>\n\n"
        f"Every day at <b>{settings.push_time}</b> ({escape(settings.timezone)}) I send you "
        "one question. Answer in your own words: I check which key points you covered, "
        "show the model answer, and schedule reviews so what you miss comes back.\n\n"
        "Try one now: /quiz. Change the time with /time HH:MM and /timezone Area/City; "
        "/help lists everything."
    )


def help_text(is_group: bool, commands: Sequence[tuple[str, str]]) -> str:
    """/help: how to answer here, then each (name, description) of the command menu."""
    lines = ["<b>Commands</b>"]
    lines += [f"/{name}: {escape(about)}" for name, about in commands]
    how = (
        "Answer a question by replying to it. The answer is revealed at the reveal time or "
        "by an admin's /reveal."
        if is_group
        else "Answer the open question by sending a message. Then rate how well you "
        "recalled it; that decides when it comes back."
    )
    return f"{how}\n\n" + "\n".join(lines)


def not_text_hint() -> str:
    return "✍️ Answers are text: please type your answer."


# -- progress ---------------------------------------------------------------------------------


def streak_line(info: StreakInfo) -> str:
    return wording.streak_line(info, _bold)


def streak(info: StreakInfo) -> str:
    return wording.streak(info, _bold)


def stats(data: UserStats) -> str:
    lines = [stats_title(HTML), *summary_lines(data, HTML)]
    seen = topics_played(data)
    if seen:
        lines.append(f"\n{_bold(by_topic())}")
        lines += topic_lines(seen, HTML)
    if data.weakest:
        lines.append(f"\n{_bold(practise_next())}: {weakest_text(data, HTML)}")
    if not data.answered:
        lines.append(f"\n{no_answers_yet()}")
    return "\n".join(lines)


def leaderboard(board: Leaderboard) -> str:
    title = leaderboard_title(board, HTML)
    if not board.entries:
        return f"{title}\n{no_points_yet(by_reply=True)}"
    return "\n".join([title, *leader_lines(board, HTML), f"\n{players(board.members)}"])


def leaderboard_private() -> str:
    return "Leaderboards are for groups. Here, see /streak and /stats."


CAPTION_LIMIT = 1000
"""Characters of a photo or document caption (Telegram allows 1024 after parsing)."""
EXPORT_PAYLOAD = "export"
"""`/start export`: the deep link that sends the history once the chat is started."""


def stats_caption(plain: str) -> str:
    """The /stats image's caption (`bot.progress.stats_chart.stats_caption`, plain text)."""
    return escape(truncate(plain, CAPTION_LIMIT))


def leaderboard_caption(board: Leaderboard, chat_title: str) -> str:
    where = f" · {escape(truncate(chat_title, 200))}" if chat_title else ""
    return f"{leaderboard_title(board, HTML)}{where}"


def recap(data: Recap) -> str:
    """A group's weekly recap; names and deck text escaped."""
    return recap_text(data, HTML)


export_caption = wording.export_caption


def export_empty() -> str:
    return "📄 No answers to export yet: try /quiz."


STATS_PAYLOAD = "stats"


def stats_sent_privately() -> str:
    return "📬 I sent your progress to you privately."


def stats_needs_start(bot_username: str) -> str:
    return (
        "🔒 Your progress is yours, so I send it privately, but I can only message you "
        f"after you start a chat with me: {deep_link(bot_username, STATS_PAYLOAD)} "
        "(press Start and it arrives)."
    )


def export_sent_privately() -> str:
    return "📬 I sent your answer history to you privately."


def export_needs_start(bot_username: str) -> str:
    return (
        "🔒 Your answer history is yours, so I send it privately, but I can only message "
        f"you after you start a chat with me: {deep_link(bot_username, EXPORT_PAYLOAD)} "
        "(press Start and it arrives)."
    )


def topics(entries: Sequence[tuple[str, int]]) -> str:
    lines = ["📚 <b>Topics</b>"]
    lines += [f"• {escape(topic)} ({count})" for topic, count in entries]
    lines.append("\n<i>/quiz followed by part of a topic, a tag or a deck id.</i>")
    return "\n".join(lines)


# -- settings ---------------------------------------------------------------------------------


def schedule(settings: ChatSettings, is_group: bool) -> str:
    who = "This group gets" if is_group else "You get"
    if not settings.subscribed:
        state = "/subscribe to get one" if not is_group else "admins: /subscribe to get one"
        return (
            f"No daily question yet ({state}). It would come at <b>{settings.push_time}</b> "
            f"({escape(settings.timezone)})."
        )
    return (
        f"🗓 {who} the daily question at <b>{settings.push_time}</b> ({escape(settings.timezone)})."
    )


def unsubscribed(is_group: bool) -> str:
    who = "This group will" if is_group else "You will"
    return f"🔕 {who} no longer get the daily question. /subscribe to start again."


def reminders(enabled: bool) -> str:
    if enabled:
        return "⏰ Reminders on: I nudge you in the evening if your streak is at risk."
    return "🔕 Reminders off."


def remind_usage() -> str:
    return "Usage: /remind on or /remind off"


reminder = wording.reminder


def admins_only() -> str:
    return "Only group admins can do that."


def anonymous_player() -> str:
    return "Anonymous admins have no personal stats: write as yourself to play."


def usage(command: str, example: str) -> str:
    return f"Usage: /{command} {escape(example)}"


# -- errors -----------------------------------------------------------------------------------


def quiz_error(error: QuizError) -> str:
    if isinstance(error, UnknownFilter):
        return unknown_filter(error)
    return escape(error_text(error))


def unknown_filter(error: UnknownFilter) -> str:
    return unknown_filter_text(
        error,
        shown=lambda text: f"<b>{escape(truncate(text, ECHO_FILTER))}</b>",
        name=lambda name: f"<code>{escape(name)}</code>",
    )


def something_went_wrong() -> str:
    return SOMETHING_WENT_WRONG


def expired_button() -> str:
    return "This button no longer works."
