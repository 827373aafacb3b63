"""/forgetme on Discord: a private question with two buttons; only its asker may press them."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.discord.privacy import FORGET_TEMPLATE, KEPT, NOT_YOURS
from tests.discord import payloads as p
from tests.discord.helpers import EPHEMERAL, Harness, buttons

YES = f"quizbot:forget:{p.ALICE_ID}:yes"
NO = f"quizbot:forget:{p.ALICE_ID}:no"


def attempts_of(db_path: Path, user_id: int) -> int:
    with closing(sqlite3.connect(db_path)) as db:
        (found,) = db.execute(
            "SELECT count(*) FROM attempts a JOIN users u ON u.id = a.user_id"
            " WHERE u.platform = 'discord' AND u.external_id = ?",
            (user_id,),
        ).fetchone()
    return int(found)


def users_named(db_path: Path, external_id: int) -> int:
    with closing(sqlite3.connect(db_path)) as db:
        (found,) = db.execute(
            "SELECT count(*) FROM users WHERE platform = 'discord' AND external_id = ?",
            (external_id,),
        ).fetchone()
    return int(found)


async def both_answer(harness: Harness) -> None:
    """Alice and Carol each answer the channel's question."""
    asked = await harness.command("quiz", who=p.BOB)
    await harness.answer(asked.reply, "outliers and p99", who=p.ALICE)
    await harness.answer(asked.reply, "outliers", who=p.CAROL)


async def test_forgetme_asks_privately_in_a_server(harness: Harness) -> None:
    asked = await harness.command("forgetme")

    assert asked.ephemeral
    assert asked.reply["content"].startswith("🗑 **Delete everything I store about you?**")
    assert [(b["label"], b["custom_id"], b["style"]) for b in buttons(asked.reply)] == [
        ("Delete everything", YES, 4),
        ("Cancel", NO, 2),
    ]


async def test_confirm_deletes_the_players_answers_and_only_theirs(
    harness: Harness, db_path: Path
) -> None:
    await both_answer(harness)
    assert attempts_of(db_path, p.ALICE_ID) == 1
    asked = await harness.command("forgetme")

    deleted = await harness.press(asked.reply, YES)

    assert deleted.reply["id"] == asked.reply["id"]  # the question, edited in place
    assert deleted.reply["content"] == (
        "✅ **Deleted.** 1 answer, 1 rating, your streak, review schedule and leaderboard "
        "points are gone. Run /quiz to begin again."
    )
    assert deleted.reply["components"] == []
    assert deleted.reply["flags"] & EPHEMERAL
    assert attempts_of(db_path, p.ALICE_ID) == 0
    assert users_named(db_path, p.ALICE_ID) == 0
    assert attempts_of(db_path, p.CAROL_ID) == 1  # Carol keeps hers


async def test_cancel_keeps_everything(harness: Harness, db_path: Path) -> None:
    await both_answer(harness)
    asked = await harness.command("forgetme")

    kept = await harness.press(asked.reply, NO)

    assert kept.reply["id"] == asked.reply["id"]
    assert kept.reply["content"] == KEPT == "👍 Nothing was deleted."
    assert kept.reply["components"] == []
    assert attempts_of(db_path, p.ALICE_ID) == 1


async def test_a_press_by_someone_else_is_refused_and_deletes_nothing(
    harness: Harness, db_path: Path
) -> None:
    await both_answer(harness)
    asked = await harness.command("forgetme")

    forged = await harness.press(asked.reply, YES, who=p.CAROL)

    assert forged.callbacks[0]["data"]["content"] == NOT_YOURS
    assert forged.callbacks[0]["data"]["flags"] == EPHEMERAL
    assert forged.reply["id"] != asked.reply["id"]  # a new private note, no edit
    assert harness.api.messages[int(asked.reply["id"])] == asked.reply
    assert attempts_of(db_path, p.ALICE_ID) == 1
    assert attempts_of(db_path, p.CAROL_ID) == 1


async def test_forgetme_in_a_dm_deletes_the_dm_chat_too(harness: Harness, db_path: Path) -> None:
    asked = await harness.dm_command("quiz", who=p.BOB)
    await harness.answer(asked.reply, "outliers", who=p.BOB)
    ask = await harness.dm_command("forgetme", who=p.BOB)
    assert not ask.ephemeral  # a DM is private already
    yes = f"quizbot:forget:{p.BOB_ID}:yes"
    question = ask.reply

    deleted = await harness.press(question, yes, who=p.BOB)
    again = await harness.press(question, yes, who=p.BOB)  # a stale second press

    (first,) = deleted.callbacks  # both presses edit the same message: read what each sent
    (second,) = again.callbacks
    assert first["data"]["content"].startswith("✅ **Deleted.** 1 answer, 1 rating, ")
    assert second["data"]["content"] == "There was nothing stored about you. Nothing to delete."
    assert attempts_of(db_path, p.BOB_ID) == 0
    with closing(sqlite3.connect(db_path)) as db:
        chats = db.execute("SELECT count(*) FROM chats WHERE kind = 'private'").fetchone()
    assert chats == (0,)


@pytest.mark.parametrize(
    ("custom_id", "valid"),
    [
        (YES, True),
        (NO, True),
        ("quizbot:forget:" + "1" * 20 + ":yes", True),
        ("quizbot:forget:" + "1" * 21 + ":yes", False),
        (f"quizbot:forget:0{p.ALICE_ID}:yes", False),
        ("quizbot:forget:-1:yes", False),
        (f"quizbot:forget:{p.ALICE_ID}:maybe", False),
        (f"quizbot:forget:{p.ALICE_ID}:yes ", False),
    ],
)
def test_forget_custom_ids_are_parsed_strictly(custom_id: str, valid: bool) -> None:
    assert (re.fullmatch(FORGET_TEMPLATE, custom_id) is not None) is valid
    assert len(custom_id) <= 100
