"""The catalogs are complete: every message the code asks for has its English entry and a
Chinese translation that keeps its placeholders and markup."""

from __future__ import annotations

import pytest

from bot import i18n
from tests.i18n.catalogs import catalog, extracted, placeholders, tags


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_each_catalog_holds_exactly_the_messages_of_the_code(lang: str) -> None:
    ids = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog(lang)
        if message.id
    }

    missing = sorted(set(extracted()) - ids)
    stale = sorted(ids - set(extracted()))

    assert not missing, f"{lang}: not in the catalog (pybabel update): {missing[:10]}"
    assert not stale, f"{lang}: no longer in the code: {stale[:10]}"


def test_every_message_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    untranslated = []
    for key, message_id in extracted().items():
        entry = zh.get(message_id if isinstance(message_id, str) else message_id[0])
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            untranslated.append(key)
    assert not untranslated, f"{len(untranslated)} without Chinese: {untranslated[:10]}"


def test_translations_keep_the_placeholders_and_markup_of_their_message() -> None:
    for message in catalog("zh"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            assert placeholders(text) == wanted, f"{ids[0]!r}: {text!r}"
            assert tags(text) == tags(ids[0]), f"{ids[0]!r}: {text!r}"


def test_chinese_has_one_plural_form_and_english_two() -> None:
    zh, en = i18n.translator_for("zh"), i18n.translator_for("en")

    assert catalog("zh").num_plurals == 1
    assert en.n_("🔥 streak {count} day", "🔥 streak {count} days", 1) == "🔥 streak 1 day"
    assert en.n_("🔥 streak {count} day", "🔥 streak {count} days", 3) == "🔥 streak 3 days"
    assert zh.n_("🔥 streak {count} day", "🔥 streak {count} days", 1) == "🔥 连续打卡 1 天"
    assert zh.n_("🔥 streak {count} day", "🔥 streak {count} days", 3) == "🔥 连续打卡 3 天"


def test_a_language_is_compiled_once_per_process() -> None:
    assert i18n.translator_for("zh") is i18n.translator_for("zh")
    assert i18n.translator_for("fr") is i18n.translator_for("en")


def test_placeholders_are_filled_after_translation() -> None:
    zh = i18n.translator_for("zh")

    assert zh._("Hello {name}! {help}", name="Ann", help="…") == "你好，Ann！…"
    assert zh._("Hello {name}! {help}", name="{help}", help="") == "你好，{help}！"  # not parsed


@pytest.mark.parametrize(
    ("tag", "fallback", "expected"),
    [
        ("zh-hans", "en", "zh"),
        ("zh-CN", "en", "zh"),
        ("zh", "en", "zh"),
        ("en", "zh", "en"),
        ("en-GB", "en", "en"),
        ("fr", "zh", "en"),
        (None, "zh", "zh"),
        ("", "en", "en"),
        (None, "xx", "en"),
    ],
)
def test_a_platform_tag_maps_to_chinese_when_it_starts_with_zh(
    tag: str | None, fallback: str, expected: str
) -> None:
    assert i18n.resolve(tag, fallback) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zh", "zh"),
        ("ZH", "zh"),
        ("en", "en"),
        ("zh_CN.UTF-8", "zh"),
        ("en_US.UTF-8", "en"),
        ("中文", "zh"),
        ("english", "en"),
        ("fr", None),
        ("C.UTF-8", None),
        ("", None),
        (None, None),
        ("zhx", None),
    ],
)
def test_a_typed_language_is_one_of_the_interface_languages_or_none(
    typed: str | None, expected: str | None
) -> None:
    assert i18n.parse(typed) == expected
