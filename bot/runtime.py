"""Opening and closing what every front end shares: decks, database and engine."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.decks import Catalog
from bot.engine.grading import warm_up
from bot.engine.owndecks import load_own_decks
from bot.engine.quiz import Defaults, Engine
from bot.ops.engine import MeteredEngine
from bot.ops.llm import LLMJudge, LLMSettings
from bot.ops.metrics import Metrics
from bot.startup import decks_loaded
from bot.store import Store

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_engine(settings: Settings, metrics: Metrics | None = None) -> AsyncIterator[Engine]:
    """Load and validate the decks (ContentError if any is bad), then open the database.

    With `metrics`, the engine counts the answers it records (`bot.ops.engine`)."""
    catalog = Catalog.load(settings.content_paths)
    log.info("%s", decks_loaded(catalog, settings.content_paths))
    warm_up()  # the grader's embeddings: read now, not at the first answer
    judge = open_judge()
    store = await Store.open(settings.db_path)
    defaults = Defaults(timezone=settings.default_timezone, push_time=settings.default_push_time)
    try:
        if metrics is not None:
            engine: Engine = MeteredEngine(store, catalog, defaults, metrics=metrics, judge=judge)
        else:
            engine = Engine(store, catalog, defaults, judge=judge)
        await load_own_decks(engine)
        yield engine
    finally:
        await store.close()
        if judge is not None:
            await judge.close()


def open_judge() -> LLMJudge | None:
    """The optional LLM judge (QUIZBOT_LLM_URL); None when it is off. ConfigError for a bad
    setting."""
    llm = LLMSettings.from_env()
    return LLMJudge(llm) if llm is not None else None
