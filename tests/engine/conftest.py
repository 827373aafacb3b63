"""Fixtures of the engine's tests: the real Chinese-English glossary the packages ship."""

from __future__ import annotations

import pytest

from bot.engine import glossing


@pytest.fixture(scope="session")
def glossary() -> glossing.Glossary:
    """The glossary the grader reads (loaded once per process, as the bot does)."""
    loaded = glossing.load()
    assert loaded is not None, glossing.load_error()
    return loaded
