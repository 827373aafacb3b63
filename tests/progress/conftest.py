"""Progress fixtures: the mini deck plus a deck of several topics, seeded databases, fonts,
and the chart timings reported at the end of the run."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.progress.fonts import Fonts, chart_fonts, discover
from bot.store import Store
from tests.conftest import FIXTURES

TIMINGS: dict[str, list[tuple[float, float]]] = {}
"""(wall, CPU) seconds per chart render, reported (not asserted) at the end of the run."""

Seed = Callable[[Engine], Awaitable[object]]
Seeded = Callable[[str, Seed], Awaitable[Engine]]
_TEMPLATES: dict[str, Path] = {}


@pytest.fixture(scope="session")
def progress_catalog() -> Catalog:
    return Catalog.load([FIXTURES / "mini.yaml", FIXTURES / "progress.yaml"])


@pytest.fixture
def progress_engine(store: Store, progress_catalog: Catalog) -> Engine:
    return Engine(store, progress_catalog)


@pytest.fixture
async def seeded(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, progress_catalog: Catalog
) -> AsyncIterator[Seeded]:
    """`await seeded(name, seed)`: an engine on a copy of a database that `seed` filled
    once per run (playing weeks of history through the engine takes a second or two)."""
    opened: list[Store] = []

    async def make(name: str, seed: Seed) -> Engine:
        template = _TEMPLATES.get(name)
        if template is None:
            template = tmp_path_factory.mktemp("seeded") / f"{name}.db"
            store = await Store.open(template)
            try:
                await seed(Engine(store, progress_catalog))
            finally:
                await store.close()
            _TEMPLATES[name] = template
        copy = tmp_path / f"{name}.db"
        shutil.copyfile(template, copy)
        store = await Store.open(copy)
        opened.append(store)
        return Engine(store, progress_catalog)

    yield make
    for store in opened:
        await store.close()


@pytest.fixture(scope="session")
def fonts() -> Fonts:
    """The fonts charts use on this machine (a CJK one if installed)."""
    return chart_fonts()


@pytest.fixture(scope="session")
def plain_fonts() -> Fonts:
    """The fallback when no CJK font is installed."""
    return discover(allow_cjk=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TIMINGS:
        return
    terminalreporter.section("progress chart timings (reported, not asserted)")
    for name, runs in sorted(TIMINGS.items()):
        walls = sorted(wall for wall, _ in runs)
        cpus = sorted(cpu for _, cpu in runs)
        terminalreporter.write_line(
            f"{name}: wall median {_ms(walls)} (best {walls[0] * 1000:.0f} ms),"
            f" CPU median {_ms(cpus)}, {len(runs)} renders"
        )


def _ms(values: list[float]) -> str:
    return f"{values[len(values) // 2] * 1000:.0f} ms"
