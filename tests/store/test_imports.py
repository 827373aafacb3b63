"""The store knows no chat platform."""

from __future__ import annotations

from tests.imports import imports_reached, platform_imports


def test_the_store_imports_no_chat_platform() -> None:
    assert platform_imports("bot.store") == []


def test_the_import_walk_sees_the_stores_own_imports() -> None:
    assert "aiosqlite" in imports_reached("bot.store")["bot.store.store"]
