"""The corpus of Discord interaction payloads kept in tests/fixtures/discord_interactions:
examples from Discord's API documentation, each with the commit and line it came from."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "discord_interactions"
KINDS = {2: "application command", 3: "message component", 4: "autocomplete", 5: "modal submit"}


@dataclass(frozen=True, slots=True)
class CapturedInteraction:
    source: str
    name: str
    payload: dict[str, Any]

    @property
    def kind(self) -> str:
        return KINDS[int(self.payload["type"])]

    def copy(self) -> dict[str, Any]:
        return copy.deepcopy(self.payload)


def corpus() -> list[CapturedInteraction]:
    found = []
    for path in sorted(FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        repository = data["source"]["repository"]
        for entry in data["interactions"]:
            found.append(
                CapturedInteraction(
                    f"{repository} {entry['from']}",
                    f"{path.stem}:{entry['name']}",
                    entry["interaction"],
                )
            )
    return found
