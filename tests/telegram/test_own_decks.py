"""Own decks through the real bot: files sent in a private chat (fetched with getFile from
the test Bot API server), /decks and /deck in private chats and groups, and the chosen
decks used by /quiz and the daily push."""

from __future__ import annotations

from pathlib import Path

import genanki

from tests.botapi import RecordedCall
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    START,
    Harness,
    StartBot,
    buttons_of,
    message_id_of,
    text_of,
)

NOTES = """# Systems
## ch2
#### ❓ Q1: Why do caches need an eviction policy?
✅ **Answer:**
- Memory is limited, so old entries must go.
- LRU evicts the least recently used entry.
#### ❓ Q2: What is a write-through cache?
✅ Answer:
- Writes go to the cache and the database together.
- Reads after a write are never stale.
"""

YAML_DECK = """deck: rust-basics
title: Rust <basics> & more
questions:
  - id: rust-ownership
    topic: Ownership
    question: What happens to a value when its owner goes out of scope?
    answer: It is dropped; its memory is freed.
    key_points:
      - point: The value is dropped
        match: [dropped, drop, freed]
"""

CSV_DECK = (
    "question,answer,topic\n"
    'What does CAP stand for?,"Consistency, availability, partition tolerance",theory\n'
    "What is a quorum?,A majority of replicas that must agree,replication\n"
)


async def send_file(
    bot: Harness, user: int, data: bytes, filename: str
) -> tuple[RecordedCall, int]:
    """A user sends a file in their private chat; the bot's reply and the call mark."""
    mark = bot.server.mark()
    bot.server.inject_document(user, data, filename, from_user=user)
    reply = await bot.call("sendMessage", user, since=mark, timeout=10)
    await bot.idle()
    return reply, mark


def own_decks(bot: Harness) -> list[tuple[str, int]]:
    return [(r["deck"], r["questions"]) for r in bot.rows("SELECT * FROM own_decks ORDER BY id")]


async def test_notes_become_the_senders_deck_with_drafted_key_points(bot: Harness) -> None:
    reply, mark = await send_file(bot, ALICE, NOTES.encode(), "Caching Notes.md")

    text = text_of(reply)
    assert "Added your deck caching-notes" in text
    assert "2 questions" in text
    assert "Grading looks for key points like these:" in text
    assert "Why do caches need an eviction policy? →" in text
    assert [c.method for c in bot.server.calls(since=mark) if c.method == "getFile"] == ["getFile"]
    assert own_decks(bot) == [("caching-notes", 2)]

    question = await bot.command(ALICE, "quiz", "caching-notes")
    assert "Systems ch2" in text_of(question)
    delivery = bot.one("SELECT question_id FROM deliveries")
    assert delivery["question_id"].startswith("o1/caching-notes-")


async def test_a_yaml_deck_is_validated_and_stored(bot: Harness) -> None:
    reply, _ = await send_file(bot, ALICE, YAML_DECK.encode(), "rust.yaml")

    assert "Added your deck rust-basics (Rust <basics> & more): 1 question." in text_of(reply)
    assert "<basics>" in text_of(reply)  # escaped in HTML, shown as typed
    assert own_decks(bot) == [("rust-basics", 1)]
    stored = bot.one("SELECT body FROM own_decks")["body"]
    assert stored == YAML_DECK


async def test_a_csv_deck_becomes_questions_with_topics(bot: Harness) -> None:
    reply, _ = await send_file(bot, ALICE, CSV_DECK.encode(), "Distributed.csv")

    assert "Added your deck distributed" in text_of(reply)
    assert "2 questions" in text_of(reply)
    topics = await bot.command(ALICE, "topics")
    assert "theory" in text_of(topics) and "replication" in text_of(topics)


async def test_an_anki_package_becomes_a_deck_with_media_ignored(
    bot: Harness, tmp_path: Path
) -> None:
    deck = genanki.Deck(2059400110, "Interview::Networking")
    deck.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL,
            fields=[
                "What does <b>TCP</b> guarantee?<img src='tcp.png'>",
                "Ordered, reliable delivery.<script>alert(1)</script>",
            ],
        )
    )
    deck.add_note(
        genanki.Note(model=genanki.BASIC_MODEL, fields=["What is UDP?", "Datagrams, no retries"])
    )
    path = tmp_path / "net.apkg"
    genanki.Package(deck).write_to_file(str(path))

    reply, _ = await send_file(bot, ALICE, path.read_bytes(), "net.apkg")

    text = text_of(reply)
    assert "Added your deck net" in text and "2 questions" in text
    assert "1 image or sound reference(s) ignored" in text
    question = await bot.command(ALICE, "quiz", "net")
    assert "Interview / Networking" in text_of(question)
    assert "<b>" not in text_of(question) and "alert" not in text_of(question)


async def test_a_broken_file_gets_every_error_located_and_nothing_is_stored(
    bot: Harness,
) -> None:
    broken = "question,answer\nWhat is a quorum?,\n,An answer without a question\n"
    reply, _ = await send_file(bot, ALICE, broken.encode(), "broken.csv")

    text = text_of(reply)
    assert "That deck has 2 problems; nothing was stored:" in text
    assert "broken.csv:2:19: answer is empty" in text
    assert "broken.csv:3:1: question is empty" in text
    assert own_decks(bot) == []

    bad_yaml = YAML_DECK.replace("topic: Ownership", "topic:")
    reply, _ = await send_file(bot, ALICE, bad_yaml.encode(), "rust.yaml")
    assert "rust.yaml:5:11: questions[0].topic: must not be empty" in text_of(reply)
    assert own_decks(bot) == []


async def test_an_oversized_file_is_refused_before_downloading(bot: Harness) -> None:
    huge = b"question,answer\n" + b"q,a\n" * 300_000
    reply, mark = await send_file(bot, ALICE, huge, "huge.csv")

    assert "too large" in text_of(reply) and "1 MB" in text_of(reply)
    assert bot.server.calls("getFile", since=mark) == []
    assert own_decks(bot) == []

    reply, _ = await send_file(bot, ALICE, b"%PDF-1.4", "paper.pdf")
    assert "I can read decks as YAML" in text_of(reply)


async def test_sending_a_deck_again_updates_it_and_keeps_progress(bot: Harness) -> None:
    await send_file(bot, ALICE, CSV_DECK.encode(), "distributed.csv")
    await bot.command(ALICE, "quiz", "theory")
    await bot.say(ALICE, "Consistency, availability and partition tolerance")
    card = bot.one("SELECT question_id, due FROM cards")

    changed = CSV_DECK.replace("A majority of replicas", "Most replicas") + (
        "What is a vector clock?,Per-node counters that order events,replication\n"
    )
    reply, _ = await send_file(bot, ALICE, changed.encode(), "distributed.csv")

    text = text_of(reply)
    assert "Updated your deck distributed" in text and "3 questions" in text
    assert "Your progress on 1 unchanged question is kept." in text
    assert own_decks(bot) == [("distributed", 3)]
    assert bot.one("SELECT question_id, due FROM cards")[:] == card[:]


async def test_a_non_admin_cannot_choose_a_groups_decks(bot: Harness, group: int) -> None:
    reply = await bot.command(group, "deck", "use mini", from_user=ALICE)

    assert "admins" in text_of(reply).lower()
    assert bot.rows("SELECT decks FROM chats WHERE external_id = ?", group) in ([], [(None,)])


async def test_an_admins_own_deck_is_chosen_for_the_group_and_asked(
    start_bot: StartBot, group: int
) -> None:
    bot = await start_bot(with_scheduler=True)
    await send_file(bot, ADMIN, CSV_DECK.encode(), "distributed.csv")
    listing = await bot.command(group, "decks", from_user=ALICE)
    assert "distributed" in text_of(listing) and "Ada's" in text_of(listing)

    chosen = await bot.command(group, "deck", "use distributed", from_user=ADMIN)
    assert "Questions now come from distributed (2 questions)." in text_of(chosen)

    asked = await bot.command(group, "quiz", from_user=ALICE)
    assert "What does CAP stand for?" in text_of(asked) or "quorum" in text_of(asked)

    await bot.command(group, "subscribe", from_user=ADMIN)
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None
    await scheduler.resync()
    mark = bot.server.mark()
    await scheduler.run_due(START.replace(hour=9, minute=1))
    pushed = await bot.call(
        "sendMessage", group, since=mark, predicate=lambda c: "Daily question" in text_of(c)
    )
    await bot.idle()
    assert "What does CAP stand for?" in text_of(pushed) or "quorum" in text_of(pushed)
    daily = bot.one("SELECT question_id FROM deliveries WHERE kind = 'daily'")
    assert daily["question_id"].startswith("o1/distributed-")


async def test_another_person_cannot_use_someones_private_deck(bot: Harness) -> None:
    await send_file(bot, ALICE, CSV_DECK.encode(), "distributed.csv")

    refused = await bot.command(BOB, "deck", "use distributed")
    assert "This chat cannot use distributed." in text_of(refused)
    listing = await bot.command(BOB, "decks")
    assert "distributed" not in text_of(listing)
    asked = await bot.command(BOB, "quiz", "distributed")
    assert "Nothing matches" in text_of(asked)
    assert "distributed" not in text_of(asked).split("Nothing matches")[1].split("\n", 1)[1]


async def test_choosing_decks_in_a_private_chat_and_removing_ones_own(bot: Harness) -> None:
    await send_file(bot, ALICE, CSV_DECK.encode(), "distributed.csv")
    chosen = await bot.command(ALICE, "deck", "use distributed")
    assert "Questions now come from distributed" in text_of(chosen)
    listing = await bot.command(ALICE, "decks")
    assert "✅ distributed" in text_of(listing) and "▫️ mini" in text_of(listing)
    await bot.command(ALICE, "quiz")
    await bot.say(ALICE, "Consistency, availability and partition tolerance")
    assert len(bot.rows("SELECT * FROM cards")) == 1

    ask = await bot.command(ALICE, "deck", "remove distributed")
    assert "Remove your deck distributed" in text_of(ask)
    assert [label for label, _ in buttons_of(ask)] == ["🗑 Remove", "Keep"]
    data = dict(buttons_of(ask))["🗑 Remove"]

    mark = bot.server.mark()  # someone else's press of a forged copy does nothing
    bot.server.inject_callback_query(ALICE, message_id_of(ask), data, from_user=BOB)
    await bot.call("answerCallbackQuery", since=mark)
    await bot.idle()
    assert own_decks(bot) == [("distributed", 2)]

    mark = bot.server.mark()
    bot.server.inject_callback_query(ALICE, message_id_of(ask), data)
    edited = await bot.call("editMessageText", ALICE, since=mark)
    await bot.idle()
    assert "Removed your deck distributed" in text_of(edited)
    assert own_decks(bot) == [] and bot.rows("SELECT * FROM cards") == []
    asked = await bot.command(ALICE, "quiz")  # back to the default decks
    assert bot.rows("SELECT question_id FROM deliveries ORDER BY id")[-1][0].startswith("mini-")
    assert "Question" in text_of(asked)


async def test_forgetme_deletes_ones_own_decks(bot: Harness) -> None:
    await send_file(bot, ALICE, CSV_DECK.encode(), "distributed.csv")
    ask = await bot.command(ALICE, "forgetme")

    mark = bot.server.mark()
    bot.server.inject_callback_query(ALICE, message_id_of(ask), f"v1:forget:{ALICE}:yes")
    await bot.call("editMessageText", ALICE, since=mark)
    await bot.idle()

    assert own_decks(bot) == []
    listing = await bot.command(ALICE, "decks")
    assert "distributed" not in text_of(listing)
