"""The terminal quiz: the same engine and database as the chat bots, one player.

Input is read line by line, so it works both at a prompt and from a pipe. An answer ends
with an empty line (or the end of input); a line starting with `/` is a command.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import hashlib
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.console import render
from bot.engine import owndecks
from bot.engine import question_languages as languages
from bot.engine.clock import Clock, utc_now
from bot.engine.delivering import EngineLog, SentMessage, deliver
from bot.engine.hints import hint_point, is_empty_answer
from bot.engine.quiz import Engine
from bot.engine.results import Asked, ChatKey, PlayerKey
from bot.engine.srs import Rating
from bot.errors import NoQuestionInLanguage, QuizError, UnknownFilter
from bot.i18n import DEFAULT, Translator, translator_for
from bot.presentation import decks as deck_wording
from bot.presentation import question_languages, wording
from bot.presentation.errors import error_sentence
from bot.presentation.markup import PLAIN
from bot.progress.chart_data import stats_chart_data

PLATFORM = "console"
GIVE_UP = ("idk", "dontknow")
HINT = "?"
QUIT = ("quit", "exit", "q")
_RATINGS = {
    "1": Rating.AGAIN,
    "a": Rating.AGAIN,
    "again": Rating.AGAIN,
    "2": Rating.HARD,
    "h": Rating.HARD,
    "hard": Rating.HARD,
    "3": Rating.GOOD,
    "g": Rating.GOOD,
    "good": Rating.GOOD,
    "4": Rating.EASY,
    "e": Rating.EASY,
    "easy": Rating.EASY,
}


def player_for(name: str | None) -> PlayerKey:
    """The console player: a stable 63-bit id derived from the name."""
    display = (name or getpass.getuser() or "player").strip() or "player"
    digest = hashlib.sha256(display.casefold().encode()).digest()
    return PlayerKey(PLATFORM, int.from_bytes(digest[:8], "big") >> 1, display)


def _english() -> Translator:
    return translator_for(DEFAULT)


def help_text(t: Translator) -> str:
    return t._(
        "Type your answer; an empty line sends it. Stuck? `?` for a hint, /idk to see the "
        "answer. Commands: /skip, /quiz [zh|en] [topic|weak], /stats, /chart, /streak, "
        "/topics, /decks, /deck use ID [ID ...], /deck all, /lang quiz zh|en|all, /help, "
        "/quit."
    )


@dataclass
class ConsoleSession:
    engine: Engine
    player: PlayerKey
    stdin: TextIO
    stdout: TextIO
    clock: Clock = utc_now
    asked_count: int = 0
    topic_filter: str | None = None
    chart_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    t: Translator = field(default_factory=_english)
    """The interface language (`--lang`, `QUIZBOT_LANG`, the locale)."""
    _eof: bool = field(default=False, init=False)
    _played: set[str] = field(default_factory=set, init=False)

    @property
    def chat(self) -> ChatKey:
        return ChatKey(PLATFORM, self.player.external_id)

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def read_line(self, prompt: str = "") -> str | None:
        if prompt:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        if not line:
            self._eof = True
            return None
        return line.rstrip("\r\n")

    async def use_decks(self, ids: list[str] | None) -> bool:
        """/deck use (ids) or /deck all (None) for this player's console; False if refused."""
        now = self.clock()
        people = {"owners": [self.player], "chooser": self.player, "is_group": False}
        try:
            if ids is None:
                entries = await owndecks.use_all_decks(self.engine, self.chat, now, **people)
            else:
                entries = await owndecks.use_decks(self.engine, self.chat, ids, now, **people)
        except owndecks.UnknownDecks as error:
            self.say(deck_wording.unknown_decks(error, PLAIN, self.t))
            return False
        self.say(deck_wording.chosen(entries, PLAIN, self.t))
        return True

    async def run(self) -> int:
        t = self.t
        self.say(t._("Hello {name}! {help}", name=self.player.display_name, help=help_text(t)))
        await self.engine.settings.ensure_chat(
            self.chat,
            self.clock(),
            is_group=False,
            title=self.player.display_name,
            owner=self.player,
        )
        while not self._eof:
            asked = await self._ask()
            if asked is None:
                if self.topic_filter is None:
                    break
                self.topic_filter = None
                continue
            if not await self._play(asked):
                break
        streak = await self.engine.progress.streak(self.player, self.clock(), self.chat)
        self.say("\n" + t._("Bye! {streak}", streak=render.streak(streak, t)))
        return 0

    async def _ask(self) -> Asked | None:
        if self.asked_count == 0 and self.topic_filter is None:
            waiting = await self.engine.asking.open_question(self.chat)
            if waiting is not None:
                self._played.add(waiting.question.id)
                self.asked_count += 1
                self.say(render.question(waiting, self.asked_count, self.t))
                return waiting
        try:
            asked = await self.engine.asking.ask(
                self.chat, self.player, self.clock(), is_group=False, filter_text=self.topic_filter
            )
        except (UnknownFilter, NoQuestionInLanguage) as exc:
            self.topic_filter = None
            await self._say_not_asked(exc)
            waiting = await self.engine.asking.open_question(self.chat)
            if waiting is not None:  # the question asked before stays open
                self.say(self.t._("Your question is still open:"))
                self.say(render.question(waiting, self.asked_count, self.t))
            return waiting
        except QuizError as exc:
            self.say(error_sentence(exc, self.t))
            return None
        if asked.question.id in self._played:
            # The engine repeats a question only when nothing else is left today.
            await self._close_open_question(self.clock())
            if self.topic_filter:
                self.say(
                    self.t._(
                        "That was every question about {topic} for today.",
                        topic=repr(self.topic_filter),
                    )
                )
            else:
                self.say(self.t._("That was every question for today."))
            return None
        self._played.add(asked.question.id)
        self.asked_count += 1
        await deliver(asked, self._show_question, EngineLog(self.engine.asking), self.clock)
        return asked

    async def _say_not_asked(self, exc: UnknownFilter | NoQuestionInLanguage) -> None:
        """Why /quiz asked nothing: an unknown filter (with the topics), or no question
        in the language wanted."""
        t = self.t
        if isinstance(exc, NoQuestionInLanguage):
            self.say(question_languages.no_questions(exc, PLAIN, t))
            return
        closest = (
            " " + t._("Closest: {topics}.", topics=", ".join(exc.closest)) if exc.closest else ""
        )
        topics = await self.engine.settings.chat_topics(self.chat)
        self.say(
            f"{error_sentence(exc, t)}{closest} " + t._("Topics:") + f"\n{render.topics(topics)}"
        )

    async def _show_question(self, asked: Asked) -> SentMessage:
        self.say(render.question(asked, self.asked_count, self.t))
        return SentMessage(message_id=None)

    async def _play(self, asked: Asked) -> bool:
        """Handle one question; False when the player wants to stop."""
        while True:
            text = await self._read_answer()
            if text is None:
                return False
            if text[1:].strip().casefold() in GIVE_UP and text.startswith("/"):
                return await self._give_up(asked)
            if text.startswith("/"):
                outcome = await self._command(text)
                if outcome == "quit":
                    return False
                if outcome == "next":
                    return True
                continue
            if is_empty_answer(text):
                await self._help(asked, hint=text == HINT)
                continue
            return await self._answer(asked, text)

    async def _read_answer(self) -> str | None:
        lines: list[str] = []
        prompt = "\n" + self.t._("Your answer (empty line to send): ")
        while True:
            line = await self.read_line(prompt if not lines else "")
            if line is None:
                return "\n".join(lines) if lines else None
            if not lines and (line.startswith("/") or line.strip() == HINT):
                return line.strip()
            if not line.strip():
                return "\n".join(lines)  # nothing typed yet: "" asks for help
            lines.append(line)

    async def _answer(self, asked: Asked, text: str) -> bool:
        try:
            result = await self.engine.answering.answer(
                self.chat,
                self.player,
                text,
                self.clock(),
                source_key=f"console:{asked.delivery_id}",
            )
        except QuizError as exc:
            self.say(error_sentence(exc, self.t))
            return True
        self.say(render.feedback(result, self.t))
        rating = await self._read_rating(result.proposed_rating)
        if rating is None:
            return False
        rated = await self.engine.rating.rate(result.attempt_id, self.player, rating, self.clock())
        self.say(render.rated(rated, self.t))
        return True

    async def _help(self, asked: Asked, *, hint: bool) -> None:
        """`?`: the hint (stored, so it caps the answer); an empty answer: the offer."""
        if not hint:
            self.say(render.help_offer(hint_point(asked.question) is not None, self.t))
            return
        try:
            given = await self.engine.helping.hint(
                self.chat, self.player, self.clock(), delivery_id=asked.delivery_id
            )
        except QuizError as exc:
            self.say(error_sentence(exc, self.t))
            return
        self.say(render.hint(given, self.t))

    async def _give_up(self, asked: Asked) -> bool:
        """/idk: the model answer, rated Again; then the next question."""
        try:
            result = await self.engine.helping.give_up(
                self.chat,
                self.player,
                self.clock(),
                source_key=f"console-idk:{asked.delivery_id}",
                delivery_id=asked.delivery_id,
            )
        except QuizError as exc:
            self.say(error_sentence(exc, self.t))
            return True
        self.say(render.gave_up(result, self.t))
        return True

    async def _read_rating(self, proposed: Rating) -> Rating | None:
        while True:
            line = await self.read_line(render.rating_prompt(proposed, self.t) + "\n> ")
            if line is None:
                return None
            choice = line.strip().casefold()
            if not choice:
                return proposed
            if choice in _RATINGS:
                return _RATINGS[choice]
            if choice.startswith("/") and choice[1:] in QUIT:
                return None
            labels = ", ".join(wording.rating_label(rating, self.t) for rating in Rating)
            self.say(self.t._("Please answer 1-4 ({ratings}) or press Enter.", ratings=labels))

    async def _command(self, text: str) -> str:
        """Run a command typed at the answer prompt: 'quit', 'next' or 'stay'."""
        name, _, argument = text[1:].partition(" ")
        name = name.casefold()
        now = self.clock()
        if name in QUIT:
            return "quit"
        if name == "decks":
            entries = await owndecks.chat_decks(self.engine, self.chat, [self.player], self.player)
            self.say(deck_wording.deck_list(entries, PLAIN, self.t, is_group=False))
            return "stay"
        if name == "deck":
            words = argument.split()
            if words[:1] == ["use"] and len(words) > 1:
                changed = await self.use_decks(words[1:])
            elif words == ["all"]:
                changed = await self.use_decks(None)
            else:
                self.say(deck_wording.deck_usage(self.t))
                return "stay"
            if changed:
                self.topic_filter = None
                await self._close_open_question(now)
                return "next"
            return "stay"
        if name == "skip":
            try:
                skipped = await self.engine.answering.skip(self.chat, now)
                self.say(render.skipped(skipped, self.t))
            except QuizError as exc:
                self.say(error_sentence(exc, self.t))
            return "next"
        if name == "lang":
            await self._quiz_languages(argument.split(), now)
            return "stay"
        if name == "quiz":  # asking closes the open question, unless the topic is unknown
            self.topic_filter = argument.strip() or None
            return "next"
        if name == "stats":
            self.say(
                render.stats(await self.engine.progress.stats(self.player, now, self.chat), self.t)
            )
        elif name == "chart":
            chart = await self._chart(now)
            self.say(self.t._("Your progress chart: {path}", path=chart))
        elif name == "streak":
            self.say(
                render.streak(
                    await self.engine.progress.streak(self.player, now, self.chat), self.t
                )
            )
        elif name == "topics":
            self.say(render.topics(await self.engine.settings.chat_topics(self.chat)))
        else:
            self.say(help_text(self.t))
        return "stay"

    async def _quiz_languages(self, words: list[str], now: datetime) -> None:
        """`/lang quiz [zh|en|all]`: which languages this player's questions come in."""
        if words[:1] != ["quiz"]:
            self.say(question_languages.setting_usage(PLAIN, self.t))
            return
        if len(words) == 1:
            current = await languages.question_languages(self.engine, self.chat)
            self.say(question_languages.setting_now(current, False, PLAIN, self.t))
            return
        try:
            chosen = languages.parse_choice(words[1:])
        except ValueError:
            self.say(question_languages.setting_usage(PLAIN, self.t))
            return
        try:
            stored = await languages.set_question_languages(
                self.engine, self.chat, chosen, now, is_group=False, owner=self.player
            )
        except NoQuestionInLanguage as exc:
            self.say(question_languages.setting_refused(exc, self.t))
            return
        self.say(question_languages.setting_set(stored, self.t))

    async def _chart(self, now: datetime) -> Path:
        """Draw the /stats image (in a worker thread) and save it; returns its path."""
        from bot.progress.stats_chart import render_stats

        data = stats_chart_data(await self.engine.progress.activity(self.player, now, self.chat))
        png = await render_stats(data, self.t)
        path = self.chart_dir / f"quizbot-stats-{self.player.external_id}.png"
        await asyncio.to_thread(path.write_bytes, png)
        return path

    async def _close_open_question(self, now: datetime) -> None:
        with contextlib.suppress(QuizError):
            await self.engine.answering.skip(self.chat, now)
