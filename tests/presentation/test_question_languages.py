"""The wording of question languages: a /quiz that found nothing in the language wanted
names the language, escapes the echoed filter, and suggests the other language."""

from __future__ import annotations

import html

from bot.errors import NoQuestionInLanguage
from bot.i18n import translator_for
from bot.presentation import question_languages as wording
from bot.presentation.markup import Markup

HTML = Markup(escape=html.escape, bold=lambda t: f"<b>{t}</b>", code=lambda t: f"<code>{t}</code>")
EN, ZH = translator_for("en"), translator_for("zh")


def test_a_settings_miss_on_a_topic_suggests_the_other_language_with_the_filter_escaped() -> None:
    error = NoQuestionInLanguage(("en",), from_setting=True, filter_text="<b>rag</b>")

    text = wording.no_questions(error, HTML, EN)

    assert text == (
        "Questions here come in English only, and none of those is about "
        "<b>&lt;b&gt;rag&lt;/b&gt;</b>. Ask for another language "
        "(<code>/quiz zh &lt;b&gt;rag&lt;/b&gt;</code>) or change the setting with "
        "<code>/lang quiz zh|en|all</code>."
    )


def test_the_words_follow_the_readers_language() -> None:
    asked = NoQuestionInLanguage(("zh",), from_setting=False, filter_text=None)

    assert wording.no_questions(asked, HTML, ZH) == "这里的题库没有中文题目。"
    assert wording.setting_now({"en", "zh"}, True, HTML, ZH) == (
        "📚 这里只出英文、中文题目。管理员可以用 <code>/lang quiz zh|en|all</code> 修改。"
    )
    assert wording.setting_set(None, ZH) == "📚 好的，以后这里的题目不限语言。"


def test_a_long_filter_is_cut_before_it_is_echoed() -> None:
    error = NoQuestionInLanguage(("zh",), from_setting=False, filter_text="x" * 500)

    assert len(wording.no_questions(error, HTML, EN)) < 200
