"""What the bot says: every message as Telegram HTML, built from the engine's results, in
the reader's language (each function takes its `Translator`).

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
from bot.errors import NoQuestionInLanguage, QuizError, UnknownFilter
from bot.i18n import LANGUAGES, NAMES, Translator
from bot.presentation import question_languages, wording
from bot.presentation.errors import error_sentence
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
RATING_LINE_PREFIXES = ("🧠", "✅")
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


def question(asked: Asked, t: Translator) -> str:
    if asked.kind == "daily":
        heading = t._("📅 <b>Daily question</b>")
    else:
        heading = t._("❓ <b>Question</b>")
    if asked.is_review:
        heading += t._(" · 🔁 review")
    how = (
        t._("Reply to this message with your answer.")
        if asked.is_group
        else t._("Send your answer as a message.")
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


def model_answer(item: Question, t: Translator) -> str:
    text = t._("<b>Model answer</b>") + f"\n{deck_markdown(item.answer)}"
    if item.choices is not None and item.correct is not None:
        option = f"<b>{escape(item.choices[item.correct])}</b>"
        text = t._("Correct option: {option}", option=option) + f"\n\n{text}"
    return text


def answer_privately(item: Question, t: Translator) -> str:
    return (
        t._("🤫 <b>The answer</b>")
        + f" · <i>{escape(item.topic)}</i>\n\n"
        + f"{deck_markdown(item.question)}\n\n{model_answer(item, t)}"
    )


def skipped(item: Question, t: Translator) -> str:
    return (
        t._("⏭ Skipped. Here is the answer to:")
        + f"\n{deck_markdown(item.question)}\n\n"
        + f"{model_answer(item, t)}\n\n<i>"
        + t._("/quiz for another question.")
        + "</i>"
    )


# -- feedback on an answer --------------------------------------------------------------------


def feedback(result: AnswerResult, answer_text: str, t: Translator) -> str:
    """A private answer's feedback; its last line is the rating prompt (see `rated`)."""
    view = feedback_view(result)
    blocks = [verdict_text(view, HTML, t), _echo(answer_text, t)]
    if view.question.is_multiple_choice:
        if view.question.explanation:
            blocks.append(f"<i>{escape(view.question.explanation)}</i>")
    else:
        blocks.append("\n".join(key_point_lines(view, HTML)))
        if view.advice:
            blocks.append(f"💡 <i>{escape(view.advice)}</i>")
    blocks.append(model_answer(view.question, t))
    blocks.append(_streak_news(view, t))
    blocks.append(_rating_prompt(view.proposed_rating, t))
    return "\n\n".join(block for block in blocks if block)


def _echo(answer_text: str, t: Translator) -> str:
    if not answer_text.strip():
        return ""
    return t._("<i>Your answer:</i> {answer}", answer=escape(truncate(answer_text, ECHO_LIMIT)))


def _streak_news(view: Feedback, t: Translator) -> str:
    return "\n".join([streak_line(view.streak, t), *wording.streak_events(view, t)])


def _rating_prompt(proposed: Rating, t: Translator) -> str:
    prompt = t._(
        "Recall rated {rating} from your answer; tap to change it.",
        rating=wording.rating_label(proposed, t),
    )
    return f"🧠 <i>{prompt}</i>"


def rated(feedback_html: str, result: RatingResult, t: Translator) -> str:
    """A feedback message after the player rated it: the rating line replaced."""
    body, _, last = feedback_html.rstrip().rpartition("\n")
    if not last.startswith(RATING_LINE_PREFIXES):
        body = feedback_html.rstrip()
    line = rating_line(result, t)
    return f"{body}\n{line}" if body else line


def rating_line(result: RatingResult, t: Translator) -> str:
    return f"✅ {rated_text(result, HTML, t)}"


def choice_feedback(result: AnswerResult, t: Translator) -> str:
    """Feedback in a private chat after a quiz poll vote (the poll shows the answer)."""
    view = feedback_view(result)
    return "\n\n".join(
        block
        for block in (
            verdict_text(view, HTML, t),
            model_answer(view.question, t),
            _streak_news(view, t),
            _rating_prompt(view.proposed_rating, t),
        )
        if block
    )


# -- groups -----------------------------------------------------------------------------------


def reveal(revealed: Reveal, t: Translator) -> str:
    item = revealed.question
    return (
        t._("💡 <b>Answer</b>")
        + f" · <i>{escape(item.topic)}</i>\n"
        + f"{deck_markdown(item.question)}\n\n"
        + f"{model_answer(item, t)}\n\n{_reveal_scores(revealed, t)}"
    )


def _reveal_scores(revealed: Reveal, t: Translator) -> str:
    scores = reveal_scores(revealed.entries)
    lines = reveal_score_lines(scores, HTML, t)
    return "\n".join([_bold(who_answered(t)), *lines] if scores.lines else lines)


def group_intro(bot_username: str, t: Translator) -> str:
    return t._(
        "👋 <b>Interview-prep quiz</b>\n\n"
        "I post a question; answer by <b>replying to it</b>. I grade every reply against the "
        "key points (a reaction tells you I got it) and reveal the model answer later, with "
        "who answered and how well.\n\n"
        "• /quiz [topic] asks a question now\n"
        "• /leaderboard shows this week's ranking\n"
        "• Admins: /subscribe for a daily question, /time and /timezone to set when, "
        "/reveal to show the answer early, /lang to set the group's language\n\n"
        "Want the answer before the reveal, or to practise alone? Talk to me privately: "
        "{link}",
        link=deep_link(bot_username),
    )


def hello_group(bot_username: str, t: Translator) -> str:
    return t._("Thanks for adding me!") + "\n\n" + group_intro(bot_username, t)


def answer_by_dm_needs_start(bot_username: str, delivery_id: int, t: Translator) -> str:
    """Callback alert text (plain, at most 200 characters): alerts show no links, so the
    deep link is spelled out; opening it and pressing Start delivers the answer."""
    return truncate(
        t._(
            "I can only message you after you start a chat with me. Open {link} and press Start.",
            link=_start_link(bot_username, f"answer-{delivery_id}"),
        ),
        200,
    )


def _start_link(bot_username: str, payload: str) -> str:
    return f"t.me/{bot_username}?start={payload}"


def deep_link(bot_username: str, payload: str = "") -> str:
    url = f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")
    return f'<a href="{escape_attribute(url)}">t.me/{escape(bot_username)}</a>'


# -- private chat -----------------------------------------------------------------------------


def welcome(settings: ChatSettings, t: Translator) -> str:
    return t._(
        "👋 <b>Welcome to your daily interview-prep quiz!</b>\n\n"
        "Every day at {time} ({timezone}) I send you one question. Answer in your own "
        "words: I check which key points you covered, show the model answer, and schedule "
        "reviews so what you miss comes back.\n\n"
        "Try one now: /quiz. Change the time with /time HH:MM and /timezone Area/City; "
        "/help lists everything.",
        time=_bold(settings.push_time),
        timezone=escape(settings.timezone),
    )


def help_text(is_group: bool, commands: Sequence[tuple[str, str]], t: Translator) -> str:
    """/help: how to answer here, then each (name, description) of the command menu
    (descriptions are catalog ids, translated here)."""
    lines = [_bold(t._("Commands"))]
    lines += [f"/{name}: {escape(t._(about))}" for name, about in commands]
    how = (
        t._(
            "Answer a question by replying to it. The answer is revealed at the reveal time "
            "or by an admin's /reveal."
        )
        if is_group
        else t._(
            "Answer the open question by sending a message. Then rate how well you recalled "
            "it; that decides when it comes back."
        )
    )
    return f"{how}\n\n" + "\n".join(lines)


def not_text_hint(t: Translator) -> str:
    return t._("✍️ Answers are text: please type your answer.")


# -- progress ---------------------------------------------------------------------------------


def streak_line(info: StreakInfo, t: Translator) -> str:
    return wording.streak_line(info, _bold, t)


def streak(info: StreakInfo, t: Translator) -> str:
    return wording.streak(info, _bold, t)


def stats(data: UserStats, t: Translator) -> str:
    lines = [stats_title(HTML, t), *summary_lines(data, HTML, t)]
    seen = topics_played(data)
    if seen:
        lines.append(f"\n{_bold(by_topic(t))}")
        lines += topic_lines(seen, HTML, t)
    if data.weakest:
        lines.append(f"\n{_bold(practise_next(t))}: {weakest_text(data, HTML)}")
    if not data.answered:
        lines.append(f"\n{no_answers_yet(t)}")
    return "\n".join(lines)


def leaderboard(board: Leaderboard, t: Translator) -> str:
    title = leaderboard_title(board, HTML, t)
    if not board.entries:
        return f"{title}\n{no_points_yet(t, by_reply=True)}"
    return "\n".join([title, *leader_lines(board, HTML, t), f"\n{players(board.members, t)}"])


def leaderboard_private(t: Translator) -> str:
    return t._("Leaderboards are for groups. Here, see /streak and /stats.")


CAPTION_LIMIT = 1000
"""Characters of a photo or document caption (Telegram allows 1024 after parsing)."""
EXPORT_PAYLOAD = "export"
"""`/start export`: the deep link that sends the history once the chat is started."""


def stats_caption(plain: str) -> str:
    """The /stats image's caption (`bot.progress.stats_chart.stats_caption`, plain text)."""
    return escape(truncate(plain, CAPTION_LIMIT))


def leaderboard_caption(board: Leaderboard, chat_title: str, t: Translator) -> str:
    where = f" · {escape(truncate(chat_title, 200))}" if chat_title else ""
    return f"{leaderboard_title(board, HTML, t)}{where}"


def recap(data: Recap, t: Translator) -> str:
    """A group's weekly recap; names and deck text escaped."""
    return recap_text(data, HTML, t)


def export_caption(answers: int, t: Translator) -> str:
    return wording.export_caption(answers, t)


def export_empty(t: Translator) -> str:
    return t._("📄 No answers to export yet: try /quiz.")


STATS_PAYLOAD = "stats"


def stats_sent_privately(t: Translator) -> str:
    return t._("📬 I sent your progress to you privately.")


def stats_needs_start(bot_username: str, t: Translator) -> str:
    return t._(
        "🔒 Your progress is yours, so I send it privately, but I can only message you after "
        "you start a chat with me: {link} (press Start and it arrives).",
        link=deep_link(bot_username, STATS_PAYLOAD),
    )


def export_sent_privately(t: Translator) -> str:
    return t._("📬 I sent your answer history to you privately.")


def export_needs_start(bot_username: str, t: Translator) -> str:
    return t._(
        "🔒 Your answer history is yours, so I send it privately, but I can only message you "
        "after you start a chat with me: {link} (press Start and it arrives).",
        link=deep_link(bot_username, EXPORT_PAYLOAD),
    )


def topics(entries: Sequence[tuple[str, int]], t: Translator) -> str:
    lines = [t._("📚 <b>Topics</b>")]
    lines += [f"• {escape(topic)} ({count})" for topic, count in entries]
    lines.append("\n<i>" + t._("/quiz followed by part of a topic, a tag or a deck id.") + "</i>")
    return "\n".join(lines)


# -- settings ---------------------------------------------------------------------------------


def schedule(settings: ChatSettings, is_group: bool, t: Translator) -> str:
    when = {"time": f"<b>{settings.push_time}</b>", "timezone": escape(settings.timezone)}
    if not settings.subscribed:
        if is_group:
            return t._(
                "No daily question yet (admins: /subscribe to get one). It would come at "
                "{time} ({timezone}).",
                **when,
            )
        return t._(
            "No daily question yet (/subscribe to get one). It would come at {time} ({timezone}).",
            **when,
        )
    if is_group:
        return t._("🗓 This group gets the daily question at {time} ({timezone}).", **when)
    return t._("🗓 You get the daily question at {time} ({timezone}).", **when)


def unsubscribed(is_group: bool, t: Translator) -> str:
    if is_group:
        return t._(
            "🔕 This group will no longer get the daily question. /subscribe to start again."
        )
    return t._("🔕 You will no longer get the daily question. /subscribe to start again.")


def reminders(enabled: bool, t: Translator) -> str:
    if enabled:
        return t._("⏰ Reminders on: I nudge you in the evening if your streak is at risk.")
    return t._("🔕 Reminders off.")


def remind_usage(t: Translator) -> str:
    return t._("Usage: /remind on or /remind off")


def reminder(current: int, freezes: int, t: Translator) -> str:
    return wording.reminder(current, freezes, t)


def language_now(lang: str, is_group: bool, t: Translator) -> str:
    """/lang without an argument: the language in force (`lang`, also `t`'s)."""
    name = NAMES[lang]
    if is_group:
        return t._(
            "🌐 This group's language: {language}. Admins change it with {commands}.",
            language=name,
            commands=_language_commands(),
        )
    return t._(
        "🌐 Your language: {language}. Change it with {commands}.",
        language=name,
        commands=_language_commands(),
    )


def _language_commands() -> str:
    return " · ".join(f"/lang {lang} ({NAMES[lang]})" for lang in LANGUAGES)


def language_usage(t: Translator) -> str:
    return t._("Usage: {commands}", commands=_language_commands())


def language_set(lang: str, is_group: bool, t: Translator) -> str:
    """The answer to /lang: `lang` was chosen (`t` speaks it)."""
    if is_group:
        return t._("🌐 Done: this group now speaks {language}.", language=NAMES[lang])
    return t._("🌐 Done: I'll speak {language} with you.", language=NAMES[lang])


def admins_only(t: Translator) -> str:
    return t._("Only group admins can do that.")


def anonymous_player(t: Translator) -> str:
    return t._("Anonymous admins have no personal stats: write as yourself to play.")


def usage(command: str, example: str, t: Translator) -> str:
    return t._("Usage: /{command} {example}", command=command, example=escape(example))


# -- errors -----------------------------------------------------------------------------------


def quiz_error(error: QuizError, t: Translator) -> str:
    if isinstance(error, NoQuestionInLanguage):
        return question_languages.no_questions(error, HTML, t)
    if isinstance(error, UnknownFilter):
        return unknown_filter(error, t)
    return escape(error_sentence(error, t))


def unknown_filter(error: UnknownFilter, t: Translator) -> str:
    text = f"<b>{escape(truncate(error.text, ECHO_FILTER))}</b>"
    lines = [t._("Nothing matches {text}.", text=text)]
    if error.closest:
        closest = ", ".join(f"<code>{escape(c)}</code>" for c in error.closest)
        lines.append(t._("Closest: {topics}", topics=closest))
    if error.decks:
        decks = ", ".join(f"<code>{escape(d)}</code>" for d in error.decks)
        lines.append(t._("Decks: {decks}", decks=decks))
    lines.append(t._("See /topics for topics; any open question is still open."))
    return "\n".join(lines)


def something_went_wrong(t: Translator) -> str:
    return t._("Something went wrong, try again.")


def expired_button(t: Translator) -> str:
    return t._("This button no longer works.")
