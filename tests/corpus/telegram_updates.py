"""The corpus of real-world Telegram updates kept in tests/fixtures/telegram_updates.

Each file holds updates from one public project's tests, with that project's repository,
commit and file, and for each update the line it came from. Entries marked `poison` are
updates python-telegram-bot cannot parse at all (a field it now requires is missing);
they are replayed separately, since they test how the bot survives an update it cannot
read, not how it handles one it can.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "telegram_updates"


@dataclass(frozen=True, slots=True)
class CapturedUpdate:
    source: str
    """The project and the place in it: repository, file and line."""
    name: str
    update: dict[str, Any]
    poison: str | None

    @property
    def kind(self) -> str:
        return next(key for key in self.update if key != "update_id")

    @property
    def body(self) -> dict[str, Any]:
        return self.update[self.kind]


def corpus() -> list[CapturedUpdate]:
    return list(_read())


def _read() -> Iterator[CapturedUpdate]:
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        repository = data["source"]["repository"]
        for entry in data["updates"]:
            yield CapturedUpdate(
                source=f"{repository} {entry['from']}",
                name=f"{path.stem}:{entry['name']}",
                update=entry["update"],
                poison=entry.get("poison"),
            )


def kinds(updates: list[CapturedUpdate]) -> Counter[str]:
    return Counter(item.kind for item in updates)


def chats_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every chat object anywhere in an update (messages nest replies and origins)."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), int) and value.get("type") in (
            "private",
            "group",
            "supergroup",
            "channel",
        ):
            yield value
        for item in value.values():
            yield from chats_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from chats_in(item)
