"""Every message the chat adapters and the console word, rendered under a pseudo-locale:
a word that reaches the reader without going through the catalogs fails the test."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from bot.console import render as console
from bot.decks.catalog import Catalog
from bot.decks.upload import DeckRejected
from bot.engine.hints import Hint
from bot.engine.owndecks import NotOwnDeck, UnknownDecks
from bot.engine.srs import Rating
from bot.errors import NoQuestionInLanguage, UnknownFilter
from bot.i18n import Translator
from bot.presentation import decks as deck_wording
from bot.presentation import question_languages, wording
from bot.telegram import privacy, registry
from bot.telegram import render as telegram
from tests.i18n import samples as s
from tests.i18n.pseudo import PSEUDO, ZH_ONLY_DECK, ZH_ONLY_WORDS, untranslated_words

HTML = deck_wording.Markup(escape=str, bold=lambda t: f"<b>{t}</b>", code=lambda t: t)
Render = Callable[[Translator], object]

CASES: dict[str, list[Render]] = {
    # Telegram
    "telegram.question": [
        lambda t: telegram.question(s.asked(), t),
        lambda t: telegram.question(s.asked(kind="daily", is_review=True, is_group=True), t),
    ],
    "telegram.model_answer": [lambda t: telegram.model_answer(s.CHOICE, t)],
    "telegram.answer_privately": [lambda t: telegram.answer_privately(s.TEXT, t)],
    "telegram.skipped": [lambda t: telegram.skipped(s.TEXT, t)],
    "telegram.feedback": [
        lambda t: telegram.feedback(s.EVENTS, "我的回答", t),
        lambda t: telegram.feedback(s.answered(s.CHOICE, 1.0), "", t),
        lambda t: telegram.feedback(s.answered(s.CHOICE, 0.0), "", t),
        lambda t: telegram.feedback(s.UNGRADABLE, "随便说说", t),
        lambda t: telegram.feedback(s.answered(grade=s.grade((0, 1), (), 1.0)), "全对", t),
    ],
    "telegram.rated": [
        lambda t: telegram.rated(telegram.feedback(s.EVENTS, "我", t), s.rated(1), t),
        lambda t: telegram.rated("", s.rated(6, Rating.EASY), t),
    ],
    "telegram.rating_line": [lambda t: telegram.rating_line(s.rated(3, Rating.AGAIN), t)],
    "telegram.choice_feedback": [lambda t: telegram.choice_feedback(s.answered(s.CHOICE), t)],
    "telegram.reveal": [
        lambda t: telegram.reveal(s.REVEAL, t),
        lambda t: telegram.reveal(s.REVEAL_EMPTY, t),
    ],
    "telegram.group_intro": [lambda t: telegram.group_intro("quiz_bot", t)],
    "telegram.hello_group": [lambda t: telegram.hello_group("quiz_bot", t)],
    "telegram.answer_by_dm_needs_start": [
        lambda t: telegram.answer_by_dm_needs_start("quiz_bot", 7, t)
    ],
    "telegram.welcome": [lambda t: telegram.welcome(s.SETTINGS, t)],
    "telegram.help_text": [
        lambda t: telegram.help_text(True, registry.menu_lines(), t),
        lambda t: telegram.help_text(False, registry.menu_lines(), t),
    ],
    "telegram.not_text_hint": [telegram.not_text_hint],
    "telegram.streak_line": [lambda t: telegram.streak_line(s.STREAK, t)],
    "telegram.streak": [
        lambda t: telegram.streak(s.STREAK, t),
        lambda t: telegram.streak(s.STREAK_ONE, t),
        lambda t: telegram.streak(s.STREAK_NONE, t),
    ],
    "telegram.stats": [
        lambda t: telegram.stats(s.STATS, t),
        lambda t: telegram.stats(s.STATS_EMPTY, t),
    ],
    "telegram.leaderboard": [
        lambda t: telegram.leaderboard(s.BOARD, t),
        lambda t: telegram.leaderboard(s.BOARD_EMPTY, t),
    ],
    "telegram.leaderboard_private": [telegram.leaderboard_private],
    "telegram.recap": [lambda t: telegram.recap(s.RECAP, t)],
    "telegram.leaderboard_caption": [
        lambda t: telegram.leaderboard_caption(s.BOARD, "学习群", t),
        lambda t: telegram.leaderboard_caption(s.BOARD_EMPTY, "", t),
    ],
    "telegram.export_caption": [lambda t: telegram.export_caption(3, t)],
    "telegram.export_empty": [telegram.export_empty],
    "telegram.stats_sent_privately": [telegram.stats_sent_privately],
    "telegram.stats_needs_start": [lambda t: telegram.stats_needs_start("quiz_bot", t)],
    "telegram.export_sent_privately": [telegram.export_sent_privately],
    "telegram.export_needs_start": [lambda t: telegram.export_needs_start("quiz_bot", t)],
    "telegram.topics": [lambda t: telegram.topics([("主题", 3)], t)],
    "telegram.schedule": [
        lambda t, settings=settings, group=group: telegram.schedule(settings, group, t)
        for settings in (s.SETTINGS, s.UNSUBSCRIBED)
        for group in (True, False)
    ],
    "telegram.unsubscribed": [
        lambda t: telegram.unsubscribed(True, t),
        lambda t: telegram.unsubscribed(False, t),
    ],
    "telegram.reminders": [
        lambda t: telegram.reminders(True, t),
        lambda t: telegram.reminders(False, t),
    ],
    "telegram.remind_usage": [telegram.remind_usage],
    "telegram.reminder": [
        lambda t: telegram.reminder(4, 2, t),
        lambda t: telegram.reminder(1, 0, t),
    ],
    "telegram.language_now": [
        lambda t: telegram.language_now("zh", True, t),
        lambda t: telegram.language_now("en", False, t),
    ],
    "telegram.language_usage": [telegram.language_usage],
    "telegram.language_set": [
        lambda t: telegram.language_set("zh", True, t),
        lambda t: telegram.language_set("en", False, t),
    ],
    "telegram.admins_only": [telegram.admins_only],
    "telegram.anonymous_player": [telegram.anonymous_player],
    "telegram.usage": [lambda t: telegram.usage("leaderboard", "[week|all] [image]", t)],
    "telegram.quiz_error": [
        lambda t: telegram.quiz_error(UnknownFilter("量子", ["主题"], [], ["mine"], ["主题"]), t)
    ],
    "telegram.unknown_filter": [
        lambda t: telegram.unknown_filter(UnknownFilter("量子", [], [], []), t)
    ],
    "telegram.something_went_wrong": [telegram.something_went_wrong],
    "telegram.expired_button": [telegram.expired_button],
    # Telegram's /forgetme
    "privacy.ask": [privacy.ask],
    "privacy.group_hint": [privacy.group_hint],
    "privacy.anonymous": [privacy.anonymous],
    "privacy.kept": [privacy.kept],
    "privacy.not_yours": [privacy.not_yours],
    "privacy.done": [
        lambda t: privacy.done(privacy.Forgotten(found=True, answers=3, ratings=1), t),
        lambda t: privacy.done(privacy.Forgotten(found=False, answers=0, ratings=0), t),
    ],
    # shared sentences
    "wording.rating_label": [lambda t: [wording.rating_label(r, t) for r in Rating]],
    "wording.streak_line": [lambda t: wording.streak_line(s.STREAK, str, t)],
    "wording.streak": [lambda t: wording.streak(s.STREAK, str, t)],
    "wording.streak_events": [lambda t: wording.streak_events(s.EVENTS, t)],
    "wording.reminder": [lambda t: wording.reminder(3, 1, t)],
    "wording.export_caption": [lambda t: wording.export_caption(1, t)],
    "deck_wording.saved": [
        lambda t: deck_wording.saved(s.SAVED, HTML, t),
        lambda t: deck_wording.saved(s.UPDATED, HTML, t),
    ],
    "deck_wording.rejected": [
        lambda t, code=code: deck_wording.rejected(
            DeckRejected(code, limit=5, count=9, deck_id="mine"), HTML, t
        )
        for code in (
            "unsupported",
            "too_large",
            "no_id",
            "too_many_questions",
            "too_many_decks",
            "bundled_id",
        )
    ],
    "deck_wording.deck_list": [
        lambda t: deck_wording.deck_list(s.ENTRIES, HTML, t, is_group=True),
        lambda t: deck_wording.deck_list(s.ENTRIES, HTML, t, is_group=False),
    ],
    "deck_wording.chosen": [lambda t: deck_wording.chosen(s.ENTRIES, HTML, t)],
    "deck_wording.unknown_decks": [
        lambda t: deck_wording.unknown_decks(UnknownDecks(["mine"], ["theirs"]), HTML, t)
    ],
    "deck_wording.not_own_deck": [lambda t: deck_wording.not_own_deck(NotOwnDeck("mine"), HTML, t)],
    "deck_wording.confirm_remove": [lambda t: deck_wording.confirm_remove(s.REMOVE, HTML, t)],
    "deck_wording.removed": [lambda t: deck_wording.removed(s.REMOVE, HTML, t)],
    "deck_wording.kept": [lambda t: deck_wording.kept(HTML, t)],
    "deck_wording.deck_usage": [deck_wording.deck_usage],
    "deck_wording.upload_in_private": [deck_wording.upload_in_private],
    # the languages questions come in
    "question_languages.language_names": [
        lambda t: question_languages.language_names(["zh", "en"], t)
    ],
    "question_languages.no_questions": [
        lambda t, setting=setting, shown=shown: question_languages.no_questions(
            NoQuestionInLanguage(("zh",), from_setting=setting, filter_text=shown), HTML, t
        )
        for setting in (True, False)
        for shown in (None, "机器学习")
    ],
    "question_languages.setting_now": [
        lambda t, chosen=chosen, group=group: question_languages.setting_now(chosen, group, HTML, t)
        for chosen in (None, {"zh"}, {"en", "zh"})
        for group in (True, False)
    ],
    "question_languages.setting_set": [
        lambda t: question_languages.setting_set(None, t),
        lambda t: question_languages.setting_set({"en"}, t),
    ],
    "question_languages.setting_refused": [
        lambda t: question_languages.setting_refused(
            NoQuestionInLanguage(("zh",), from_setting=True, filter_text=None), t
        )
    ],
    "question_languages.setting_usage": [lambda t: question_languages.setting_usage(HTML, t)],
    "telegram.quiz_error[language]": [
        lambda t: telegram.quiz_error(
            NoQuestionInLanguage(("en",), from_setting=False, filter_text="主题"), t
        )
    ],
    # the console
    "console.question": [
        lambda t: console.question(s.asked(s.CHOICE, is_review=True), 2, t),
        lambda t: console.question(s.asked(), 1, t),
    ],
    "console.feedback": [
        lambda t: console.feedback(s.EVENTS, t),
        lambda t: console.feedback(s.answered(s.CHOICE, 1.0), t),
        lambda t: console.feedback(s.answered(s.CHOICE, 0.0), t),
    ],
    "console.rating_prompt": [lambda t: console.rating_prompt(Rating.GOOD, t)],
    "console.rated": [
        lambda t: console.rated(s.rated(1), t),
        lambda t: console.rated(s.rated(9), t),
    ],
    "console.streak": [lambda t: console.streak(s.STREAK, t)],
    "console.help_offer": [
        lambda t: console.help_offer(True, t),
        lambda t: console.help_offer(False, t),
    ],
    "console.hint": [lambda t: console.hint(Hint(7, s.TEXT, "甲", 0.5, 5), t)],
    "console.gave_up": [lambda t: console.gave_up(s.answered(), t)],
    "console.stats": [lambda t: console.stats(s.STATS, t)],
    "console.skipped": [lambda t: console.skipped(s.TEXT, t)],
    "console.decks_loaded": [
        lambda t: console.decks_loaded(Catalog.load([ZH_ONLY_DECK]), [Path("题库.yaml")], t),
        lambda t: console.decks_loaded(Catalog(()), [], t),
    ],
}
"""What every public wording function is called with (several cases for its branches)."""

NO_WORDS = {
    "telegram.question_note",  # a deck's note, shown as it is
    "telegram.poll_question",  # the deck's question
    "telegram.deep_link",  # a link
    "telegram.stats_caption",  # escapes a caption worded by the chart module
    "console.plain_markdown",
    "console.topics",  # topic names and counts
    "privacy.confirm_keyboard",  # buttons: checked in tests/telegram
    "privacy.forgetme",
    "privacy.forget_button",
    "privacy.is_forget_data",
}
"""Public functions that word nothing themselves."""

MODULES: dict[str, ModuleType] = {
    "telegram": telegram,
    "privacy": privacy,
    "wording": wording,
    "deck_wording": deck_wording,
    "console": console,
    "question_languages": question_languages,
}


def _flatten(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(_flatten(item) for item in value)
    return str(value)


def test_every_wording_function_is_rendered_here() -> None:
    public = {
        f"{prefix}.{name}"
        for prefix, module in MODULES.items()
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module.__name__
    }

    assert public - set(CASES) - NO_WORDS == set(), "add a case (or a reason) for these"


@pytest.mark.parametrize(
    "render",
    [
        pytest.param(case, id=f"{name}[{n}]")
        for name, cases in CASES.items()
        for n, case in enumerate(cases)
    ],
)
def test_nothing_untranslated_reaches_the_reader(render: Render) -> None:
    shown = _flatten(render(PSEUDO))

    assert untranslated_words(shown, s.ALLOWED | ZH_ONLY_WORDS) == [], shown
