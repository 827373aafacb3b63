"""The languages questions come in: `/quiz zh`, and a chat's setting for its daily
question and plain /quiz (the mini deck: three English questions, one Chinese)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine import question_languages as ql
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey
from bot.errors import NoQuestionInLanguage, NothingToAsk, UnknownFilter
from tests.helpers import ALICE, ALICE_DM, BOB, FIXTURES, GROUP, chat_id, player, send

CHINESE = "mini-ml-when"
ENGLISH = ["mini-latency", "mini-batching", "mini-parquet"]


# -- the pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ("zh", ("zh", None)),
        ("ZH", ("zh", None)),
        ("zh transformers", ("zh", "transformers")),
        ("en  DMLS ch1.2", ("en", "DMLS ch1.2")),
        ("latency", (None, "latency")),
        ("latency zh", (None, "latency zh")),  # only a first word is a language
        ("zhe", (None, "zhe")),
        ("zh weak", ("zh", "weak")),
    ],
)
def test_a_first_word_en_or_zh_is_the_language_and_the_rest_the_filter(
    text: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert ql.split_filter(text) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["zh"], frozenset({"zh"})),
        (["EN"], frozenset({"en"})),
        (["all"], None),
        (["en", "zh"], None),  # every content language is the default
        (["en,zh"], None),
        (["zh", "zh"], frozenset({"zh"})),
    ],
)
def test_the_setting_is_parsed_from_codes_or_all(
    words: list[str], expected: frozenset[str] | None
) -> None:
    assert ql.parse_choice(words) == expected


@pytest.mark.parametrize("words", [[], ["fr"], ["klingon"], ["all", "zh"], [","]])
def test_anything_else_is_not_a_setting(words: list[str]) -> None:
    with pytest.raises(ValueError):
        ql.parse_choice(words)


def test_the_stored_form_round_trips_and_tolerates_odd_values() -> None:
    assert ql.encode(None) is None
    assert ql.encode(frozenset({"zh", "en"})) == "en,zh"
    assert ql.decode("en,zh") == frozenset({"en", "zh"})
    assert ql.decode("zh-Hans") == frozenset({"zh"})
    assert ql.decode(None) is None
    assert ql.decode("") is None
    assert ql.decode(" , ") is None


def test_a_questions_language_is_its_own_key_else_its_decks_by_primary_subtag(
    catalog: Catalog,
) -> None:
    ids = [q.id for q in catalog.questions]

    assert ql.in_languages(catalog, ids, {"zh"}) == [CHINESE]
    assert ql.in_languages(catalog, ids, {"en"}) == ENGLISH
    assert ql.base_language("zh-Hans-CN") == "zh"


# -- /quiz zh, /quiz en --------------------------------------------------------------------


async def test_quiz_zh_asks_the_chinese_question_before_the_english_ones(
    engine: Engine, now: datetime
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="zh")

    assert asked.question.id == CHINESE
    assert asked.language == "zh"


async def test_the_language_argument_wins_over_the_filters_first_word(
    engine: Engine, now: datetime
) -> None:
    asked = await engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="latency", language="en"
    )

    assert asked.question.id == "mini-latency"


async def test_quiz_en_with_a_topic_combines_both(engine: Engine, now: datetime) -> None:
    asked = await engine.asking.ask(
        ALICE_DM, ALICE, now, is_group=False, filter_text="en data formats"
    )

    assert asked.question.id == "mini-parquet"


async def test_quiz_zh_on_a_topic_without_chinese_questions_says_so(
    engine: Engine, now: datetime
) -> None:
    with pytest.raises(NoQuestionInLanguage) as raised:
        await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="zh latency")

    assert raised.value.languages == ("zh",)
    assert raised.value.filter_text == "latency"
    assert not raised.value.from_setting


async def test_quiz_zh_with_an_unknown_topic_is_still_an_unknown_filter(
    engine: Engine, now: datetime
) -> None:
    with pytest.raises(UnknownFilter):
        await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="zh quantum")


async def test_quiz_zh_in_decks_with_no_chinese_at_all_says_so(
    store: object, now: datetime
) -> None:
    english_only = Engine(store, Catalog.load([FIXTURES / "progress.yaml"]))  # type: ignore[arg-type]

    with pytest.raises(NoQuestionInLanguage) as raised:
        await english_only.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="zh")

    assert raised.value.filter_text is None


async def test_nothing_is_claimed_when_no_question_is_in_the_language(
    engine: Engine, now: datetime
) -> None:
    with pytest.raises(NoQuestionInLanguage):
        await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="zh latency")

    async with engine.store.read() as tx:
        row = await tx.chats.find(ALICE_DM.platform, ALICE_DM.external_id)
        assert row is None or await tx.deliveries.find_open(row.id) is None


# -- a chat's setting ----------------------------------------------------------------------


async def test_a_zh_only_person_gets_only_the_chinese_question_on_plain_quiz(
    engine: Engine, now: datetime
) -> None:
    await ql.set_question_languages(
        engine, ALICE_DM, frozenset({"zh"}), now, is_group=False, owner=ALICE
    )

    first = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    # On request, with nothing else left today, the one Chinese question comes again.
    again = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    english = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False, filter_text="en")

    assert (first.question.id, again.question.id) == (CHINESE, CHINESE)
    assert english.question.id == ENGLISH[0]  # /quiz en still works in a zh-only chat


async def test_a_zh_only_groups_daily_question_is_chinese_every_day(
    engine: Engine, now: datetime
) -> None:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True, title="Study")
    await ql.set_question_languages(engine, GROUP, frozenset({"zh"}), now, is_group=True)
    group_id = await chat_id(engine, GROUP)

    days = []
    for day in range(3):
        claimed = await engine.daily.claim(group_id, now + timedelta(days=day))
        assert claimed is not None
        days.append(claimed.question.id)

    assert days == [CHINESE] * 3


async def test_the_batched_daily_claim_keeps_each_chats_setting(
    engine: Engine, now: datetime
) -> None:
    zh_person, en_person = player(501, "Zhou"), player(502, "Emma")
    zh_chat, en_chat = ChatKey("telegram", 501), ChatKey("telegram", 502)
    for who, chat, languages in ((zh_person, zh_chat, {"zh"}), (en_person, en_chat, {"en"})):
        await engine.settings.ensure_chat(chat, now, is_group=False, owner=who)
        await engine.settings.set_subscribed(chat, True, now, is_group=False)
        await ql.set_question_languages(
            engine, chat, frozenset(languages), now, is_group=False, owner=who
        )
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True)
    ids = [await chat_id(engine, chat) for chat in (zh_chat, en_chat, GROUP)]

    claimed = await engine.daily.claim_many(ids, now)

    assert claimed[ids[0]].question.id == CHINESE
    assert claimed[ids[1]].question.id in ENGLISH
    assert claimed[ids[2]].question.id == ENGLISH[0]  # no setting: every language, deck order


async def test_a_zh_only_persons_daily_question_skips_english_reviews(
    engine: Engine, now: datetime
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)  # English, a card
    await send(engine, asked, now)
    await engine.answering.skip(ALICE_DM, now)
    await engine.settings.set_subscribed(ALICE_DM, True, now, is_group=False)
    await ql.set_question_languages(
        engine, ALICE_DM, frozenset({"zh"}), now, is_group=False, owner=ALICE
    )

    daily = await engine.daily.claim(await chat_id(engine, ALICE_DM), now + timedelta(days=5))

    assert daily is not None and daily.question.id == CHINESE


async def test_setting_a_language_the_decks_lack_is_refused_and_changes_nothing(
    store: object, now: datetime
) -> None:
    english_only = Engine(store, Catalog.load([FIXTURES / "progress.yaml"]))  # type: ignore[arg-type]
    await ql.set_question_languages(
        english_only, ALICE_DM, frozenset({"en"}), now, is_group=False, owner=ALICE
    )

    with pytest.raises(NoQuestionInLanguage) as raised:
        await ql.set_question_languages(
            english_only, ALICE_DM, frozenset({"zh"}), now, is_group=False, owner=ALICE
        )

    assert raised.value.from_setting and raised.value.languages == ("zh",)
    assert await ql.question_languages(english_only, ALICE_DM) == frozenset({"en"})


async def test_all_sets_every_language_back(engine: Engine, now: datetime) -> None:
    await ql.set_question_languages(engine, GROUP, frozenset({"zh"}), now, is_group=True)
    stored = await ql.set_question_languages(engine, GROUP, None, now, is_group=True)

    assert stored is None
    assert await ql.question_languages(engine, GROUP) is None
    asked = await engine.asking.ask(GROUP, None, now, is_group=True)
    assert asked.question.id == ENGLISH[0]


async def test_an_unknown_chat_has_every_language(engine: Engine) -> None:
    assert await ql.question_languages(engine, GROUP) is None


async def test_a_setting_the_decks_no_longer_meet_asks_nothing_daily_and_says_so_on_quiz(
    engine: Engine, now: datetime
) -> None:
    await engine.settings.set_subscribed(GROUP, True, now, is_group=True)
    group_id = await chat_id(engine, GROUP)
    async with engine.store.write() as tx:  # stored when the decks had French questions
        await tx.chats.set_question_languages(group_id, "fr")

    with pytest.raises(NoQuestionInLanguage) as raised:
        await engine.asking.ask(GROUP, BOB, now, is_group=True)

    assert raised.value.from_setting and raised.value.languages == ("fr",)
    assert isinstance(raised.value, NothingToAsk)
    assert await engine.daily.claim(group_id, now) is None
