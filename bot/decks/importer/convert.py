"""Notes text in, deck out: the importer as one function call, for scripts and benchmarks.

    from bot.decks.importer import import_notes, render_deck

    deck = import_notes(markdown_text, "dmls")   # a validated Deck
    yaml_text = render_deck(deck)                 # the YAML `content import` would write

Nothing is read or written: no configured decks are consulted (use `plan_import` with
`existing=` for that), and a question repeated within the notes is kept once.
"""

from __future__ import annotations

from bot.decks.importer.parsing import parse_notes
from bot.decks.importer.planning import plan_import
from bot.decks.model import Deck, deck_id_problem


def import_notes(markdown: str, deck_id: str, *, title: str | None = None) -> Deck:
    """The deck `quizbot content import` makes from `markdown` under the id `deck_id`.

    Its title is `title`, else the notes' `#` titles joined, else the deck id. Raises
    ValueError for an invalid deck id or notes without any question that has an answer.
    """
    problem = deck_id_problem(deck_id)
    if problem:
        raise ValueError(problem)
    parsed = parse_notes(markdown)
    plan = plan_import(parsed.questions, deck_id)
    if not plan.added:
        raise ValueError("no questions with answers found (a question is marked with ❓)")
    return Deck(
        deck=deck_id,
        title=title or " / ".join(dict.fromkeys(parsed.titles)) or deck_id,
        language=plan.language,
        questions=list(plan.added),
    )
