"""A chat's question languages (migration 10): NULL until set, kept across a reopen,
cleared again, and a chat's other settings untouched; on both backends."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.store import Store
from tests.store.conftest import open_store


async def _new_chat(store: Store, now: datetime) -> int:
    async with store.write() as tx:
        row = await tx.chats.upsert(
            "telegram",
            -100,
            kind="group",
            title="Study",
            timezone="UTC",
            push_time="09:00",
            now=now,
        )
    assert row.question_languages is None  # every language until someone chooses
    return row.id


async def test_a_chats_question_languages_survive_a_reopen(
    database: Path | str, now: datetime
) -> None:
    store = await open_store(database)
    try:
        chat_id = await _new_chat(store, now)
        async with store.write() as tx:
            await tx.chats.set_language(chat_id, "en")
            await tx.chats.set_question_languages(chat_id, "zh")
    finally:
        await store.close()

    reopened = await open_store(database)
    try:
        async with reopened.read() as tx:
            row = await tx.chats.find_by_id(chat_id)
            by_key = await tx.chats.find("telegram", -100)
    finally:
        await reopened.close()

    assert row is not None and row.question_languages == "zh"
    assert row.language == "en"  # the interface language is a different setting
    assert by_key == row


async def test_clearing_the_setting_stores_null(store: Store, now: datetime) -> None:
    chat_id = await _new_chat(store, now)
    async with store.write() as tx:
        await tx.chats.set_question_languages(chat_id, "en,zh")
        await tx.chats.set_question_languages(chat_id, None)

    async with store.read() as tx:
        rows = await tx.chats.find_by_ids([chat_id])

    assert rows[chat_id].question_languages is None


async def test_a_setting_written_inside_a_failed_unit_of_work_is_not_kept(
    store: Store, now: datetime
) -> None:
    chat_id = await _new_chat(store, now)
    try:
        async with store.write() as tx:
            await tx.chats.set_question_languages(chat_id, "zh")
            raise RuntimeError("crash before the commit")
    except RuntimeError:
        pass

    async with store.read() as tx:
        row = await tx.chats.find_by_id(chat_id)

    assert row is not None and row.question_languages is None
