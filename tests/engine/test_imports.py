"""The engine knows no chat platform."""

from __future__ import annotations

from tests.imports import imports_reached, platform_imports


def test_the_engine_imports_no_chat_platform() -> None:
    assert platform_imports("bot.engine") == []


def test_the_import_walk_sees_the_engines_own_imports() -> None:
    reached = imports_reached("bot.engine")
    assert "fsrs" in reached["bot.engine.srs"]
    assert "bot.store.store" in reached  # followed from bot.engine.quiz
