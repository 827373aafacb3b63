"""The weak-topic drill's note (`/quiz weak`): the line shown with a drilled question.

Which topics are weak is the engine's (`bot.engine.weak`); an `Asked` of the drill
carries them in `drill`, and this says them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.results import Asked

NO_HISTORY_NOTE = (
    "No answers to learn from yet, so this one comes from the whole deck. "
    "Answer a few and /quiz weak will drill your weakest topics."
)


def drill_note(topics: Sequence[str]) -> str:
    if not topics:
        return NO_HISTORY_NOTE
    listed = "; ".join(topics)
    return f"Weak-topic drill: {listed}."


def note_of(asked: Asked) -> str:
    """The line to show with a question: the drill's topics, or nothing ("")."""
    return "" if asked.drill is None else drill_note(asked.drill)
