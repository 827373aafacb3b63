"""Seeded histories for the progress images, played through the engine with a fake clock.

Tests draw from them; `python -m tests.progress.samples [DOCS_DIR]` writes the README's
sample images (docs/stats-sample.png, docs/leaderboard-sample.png) from the shipped decks.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.decks.catalog import Catalog
from bot.decks.model import Question
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.progress.chart_data import stats_chart_data
from bot.store import Store
from tests.helpers import ask_and_send, full_answer, reply, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_NOW = datetime(2025, 3, 6, 19, 0, tzinfo=UTC)
"""A Thursday evening: four days into the week."""
GROUP = ChatKey("telegram", -1009876543210)
GROUP_TITLE = "ML interview prep"
MEMBER_NAMES = (
    "Alice",
    "Bob",
    "小明",
    "Priya",
    "Dmitri",
    "Fatima",
    "Kenji",
    "Lucía",
    "Oluwaseun",
    "Grace",
    "Hugo",
    "Mei",
)


def partial_answer(question: Question) -> str:
    """Half a typed answer: its first key point only."""
    if question.choices is not None or len(question.key_points) < 2:
        return full_answer(question)
    return question.key_points[0].match[0]


def answer_for(question: Question, skill: float, rng: random.Random) -> str:
    roll = rng.random()
    if roll < skill:
        return full_answer(question)
    if roll < skill + (1 - skill) / 2:
        return partial_answer(question)
    return wrong_answer(question)


async def play_days(
    engine: Engine,
    player: PlayerKey,
    now: datetime,
    days: list[int],
    *,
    per_day: tuple[int, int] = (1, 3),
    seed: int = 7,
) -> int:
    """The player answers on each of `days` (days before `now`, 0 is today) in their
    private chat, on topics picked at random; skill differs by topic, so mastery varies.
    Returns the number of answers given."""
    rng = random.Random(seed)
    chat = ChatKey(player.platform, player.external_id)
    skill: dict[str, float] = {}
    given = 0
    topics = [topic for topic, _ in engine.settings.bundled_topics()]
    for back in sorted(days, reverse=True):
        moment = now - timedelta(days=back, hours=rng.randint(0, 6))
        for _ in range(rng.randint(*per_day)):
            topic = rng.choice(topics)  # /quiz TOPIC, so every topic gets some practice
            asked, _ = await ask_and_send(engine, chat, player, moment, filter_text=topic)
            skill.setdefault(topic, rng.choice((0.2, 0.45, 0.6, 0.8, 0.95)))
            await reply(engine, chat, player, answer_for(asked.question, skill[topic], rng), moment)
            moment += timedelta(minutes=3)
            given += 1
    return given


def sample_days(seed: int = 11) -> list[int]:
    """84 days of history: patchy early on, then a run with one missed day that a freeze
    covers (the run is over 7 days old by then), up to today."""
    rng = random.Random(seed)
    early = [back for back in range(83, 20, -1) if rng.random() < 0.55]
    run = [back for back in range(20, -1, -1) if back != 9]
    return early + run


async def seed_group_week(
    engine: Engine, now: datetime, names: tuple[str, ...] = MEMBER_NAMES, seed: int = 5
) -> list[PlayerKey]:
    """A group playing this week up to `now`: a question a day, most members answer."""
    rng = random.Random(seed)
    members = [PlayerKey("telegram", 5000 + i, name) for i, name in enumerate(names)]
    await engine.settings.ensure_chat(GROUP, now, is_group=True, title=GROUP_TITLE)
    day = now - timedelta(days=now.weekday())
    while day <= now:
        asked, message_id = await ask_and_send(engine, GROUP, None, day, is_group=True)
        for rank, member in enumerate(members):
            if rng.random() < 0.9 - rank * 0.05:
                skill = 0.95 - rank * 0.06
                text = answer_for(asked.question, skill, rng)
                await reply(engine, GROUP, member, text, day, to=message_id)
        day += timedelta(days=1)
    return members


async def write_samples(folder: Path) -> list[Path]:
    from bot.progress.leaderboard_chart import leaderboard_png
    from bot.progress.stats_chart import stats_png

    catalog = Catalog.load([ROOT / "content"])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "sample.db")
        try:
            engine = Engine(store, catalog)
            alice = PlayerKey("telegram", 4242, "Alice")
            await play_days(engine, alice, SAMPLE_NOW, sample_days())
            stats = stats_chart_data(await engine.progress.activity(alice, SAMPLE_NOW))
            members = await seed_group_week(engine, SAMPLE_NOW)
            board = await engine.progress.leaderboard_chart_data(
                GROUP, "week", SAMPLE_NOW, members[2]
            )
        finally:
            await store.close()
    written = [folder / "stats-sample.png", folder / "leaderboard-sample.png"]
    written[0].write_bytes(stats_png(stats))
    written[1].write_bytes(leaderboard_png(board))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    for path in asyncio.run(write_samples(target)):
        print(path)
