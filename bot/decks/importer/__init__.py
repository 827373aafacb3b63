"""Turn markdown study notes into a deck: `quizbot content import NOTES.md --deck ID [-o OUT]`.

The notes are the kind people write while reading a book, chapter by chapter:

    # MLSD                                  <- book (a short `#` title prefixes topics)
    ## ch1.2                                <- chapter (becomes the topic "MLSD ch1.2")
    ### 📌 Key Takeaways                    <- not a question: ignored
    #### **❓ Q1: Why measure p95 latency?**   <- a question (❓ marks it)
    ✅ **Answer:**                          <- the answer label (dropped)
    - Mean latency hides outliers.          <- the answer, up to the next heading,
    ---                                        horizontal rule or non-question section

The work is split into pure steps, one module each, each usable on its own:

- `parsing.parse_notes` finds the questions (`NoteQuestion`: line, book, chapter, text,
  answer), with `answers.clean_answer` tidying each answer;
- `planning.plan_import` decides what is new and what is already present, assigns stable
  ids and drafts key points (`keypoints.draft_key_points`, with match terms from
  `terms.match_terms`) into an `ImportPlan`;
- `rendering.render_deck` / `render_questions` turn questions into readable YAML;
- `command.run_import` is the command: it reads and writes files, validates the result
  with the deck loader before writing anything, and reports.

For scripts (benchmarks, tests), `import_notes(markdown, deck_id)` returns the Deck the
command would write for new notes, and `render_deck(deck)` its YAML (see `convert`).
"""

from bot.decks.importer.answers import clean_answer
from bot.decks.importer.command import run_import
from bot.decks.importer.convert import import_notes
from bot.decks.importer.keypoints import bonus_lines, draft_key_points
from bot.decks.importer.markdown import clean_question, detect_language, normalize_question
from bot.decks.importer.parsing import NoteQuestion, ParsedNotes, parse_notes
from bot.decks.importer.planning import ImportPlan, Outcome, plan_import, question_id
from bot.decks.importer.rendering import merge_into, render_deck, render_questions
from bot.decks.importer.terms import match_terms

__all__ = [
    "ImportPlan",
    "NoteQuestion",
    "Outcome",
    "ParsedNotes",
    "bonus_lines",
    "clean_answer",
    "clean_question",
    "detect_language",
    "draft_key_points",
    "import_notes",
    "match_terms",
    "merge_into",
    "normalize_question",
    "parse_notes",
    "plan_import",
    "question_id",
    "render_deck",
    "render_questions",
    "run_import",
]
