"""What the chat adapters say about own decks and a chat's decks, in one place.

Deck titles, ids, file names and error messages come from people's files, so every such
piece goes through the adapter's `escape`; `bold` and `code` wrap text already escaped.
Telegram passes HTML helpers, Discord Markdown ones; every function also takes the
reader's `Translator`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.decks.upload import MAX_DECKS, MAX_FILE_BYTES, MAX_PACKAGE_BYTES, DeckRejected
from bot.engine.owndecks import DeckEntry, DeckToRemove, NotOwnDeck, SavedDeck, UnknownDecks
from bot.i18n import Translator
from bot.presentation.markup import Markup

MAX_ISSUES_SHOWN = 25


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _questions(count: int, t: Translator) -> str:
    return t.n_("{count} question", "{count} questions", count)


def saved(result: SavedDeck, m: Markup, t: Translator) -> str:
    deck = m.code(m.escape(result.deck_id))
    title = m.escape(_short(result.title, 60))
    questions = _questions(result.questions, t)
    if result.created:
        lines = [
            t._(
                "✅ Added your deck {deck} ({title}): {questions}.",
                deck=deck,
                title=title,
                questions=questions,
            )
        ]
    else:
        lines = [
            t._(
                "✅ Updated your deck {deck} ({title}): {questions}.",
                deck=deck,
                title=title,
                questions=questions,
            ),
            t.n_(
                "Your progress on {count} unchanged question is kept.",
                "Your progress on {count} unchanged questions is kept.",
                result.kept_progress,
            ),
        ]
    if result.key_points:
        lines.append("")
        lines.append(t._("Grading looks for key points like these:"))
        for question, point in result.key_points:
            lines.append(f"• {m.escape(_short(question, 70))} → {m.bold(m.escape(_short(point)))}")
    for note in result.notes[:5]:
        lines.append(f"ℹ️ {m.escape(_short(note, 150))}")
    if len(result.notes) > 5:
        lines.append("ℹ️ " + t._("and {count} more", count=len(result.notes) - 5))
    lines.append("")
    lines.append(
        t._(
            "Play it with /quiz {deck}; choose this chat's decks with /decks. ({used} of "
            "{limit} own decks used.)",
            deck=m.escape(result.deck_id),
            used=result.own_decks,
            limit=MAX_DECKS,
        )
    )
    return "\n".join(lines)


def rejected(error: DeckRejected, m: Markup, t: Translator) -> str:
    code = error.code
    if code == "unsupported":
        return t._(
            "I can read decks as YAML (.yaml, .yml), notes (.md), CSV (.csv with a header "
            "line question,answer[,topic]) or Anki packages (.apkg). Nothing was stored."
        )
    if code == "too_large":
        return t._(
            "That file is too large: decks are at most {size} (Anki packages {package_size}). "
            "Nothing was stored.",
            size=_megabytes(MAX_FILE_BYTES),
            package_size=_megabytes(MAX_PACKAGE_BYTES),
        )
    if code == "no_id":
        return t._(
            "The file name gives no deck id: name it with latin letters, digits or '-', "
            "e.g. ml-notes.md. Nothing was stored."
        )
    if code == "too_many_questions":
        return t._(
            "That deck has {count} questions; an own deck holds at most {limit}. Split it "
            "into several files. Nothing was stored.",
            count=error.count,
            limit=error.limit,
        )
    if code == "too_many_decks":
        return t._(
            "You already have {limit} own decks, the most there can be. Remove one with "
            "/deck remove ID, or send an update of one with the same id.",
            limit=error.limit,
        )
    if code == "bundled_id":
        return t._(
            "{deck} is the id of a deck that comes with the bot; give yours another id. "
            "Nothing was stored.",
            deck=m.code(m.escape(error.deck_id)),
        )
    issues = [str(issue) for issue in error.issues]
    shown = issues[:MAX_ISSUES_SHOWN]
    lines = [
        t.n_(
            "❌ That deck has {count} problem; nothing was stored:",
            "❌ That deck has {count} problems; nothing was stored:",
            len(issues),
        )
    ]
    lines.extend(m.code(m.escape(_short(issue, 300))) for issue in shown)
    if len(issues) > len(shown):
        lines.append(t._("… and {count} more.", count=len(issues) - len(shown)))
    return "\n".join(lines)


def deck_list(entries: Sequence[DeckEntry], m: Markup, t: Translator, *, is_group: bool) -> str:
    lines = [t._("{title} (✅ in use):", title=m.bold(t._("Decks here")))]
    for entry in entries:
        mark = "✅" if entry.in_use else "▫️"
        owner = ""
        if entry.owner is not None:
            owner = (
                t._(" · yours")
                if entry.mine
                else t._(" · {owner}'s", owner=m.escape(_short(entry.owner, 30)))
            )
        lines.append(
            f"{mark} {m.code(m.escape(entry.deck_id))} {m.escape(_short(entry.title, 50))} "
            f"({_questions(entry.questions, t)}{owner})"
        )
    lines.append("")
    lines.append(t._("Choose with /deck use ID [ID ...], or /deck all."))
    if is_group:
        lines.append(t._("Admins choose; a group can use its admins' own decks."))
    else:
        lines.append(t._("Send me a .yaml, .md, .csv or .apkg file to add your own deck."))
    return "\n".join(lines)


def chosen(entries: Sequence[DeckEntry], m: Markup, t: Translator) -> str:
    used = [m.code(m.escape(e.deck_id)) for e in entries if e.in_use]
    total = sum(e.questions for e in entries if e.in_use)
    return t._(
        "Questions now come from {decks} ({questions}).",
        decks=", ".join(used),
        questions=_questions(total, t),
    )


def unknown_decks(error: UnknownDecks, m: Markup, t: Translator) -> str:
    parts = []
    if error.unknown:
        names = ", ".join(m.code(m.escape(_short(i, 40))) for i in error.unknown[:10])
        parts.append(t._("This chat cannot use {decks}.", decks=names))
    if error.ambiguous:
        names = ", ".join(m.code(m.escape(_short(i, 40))) for i in error.ambiguous[:10])
        parts.append(
            t._(
                "More than one admin has a deck called {decks}; its owner can choose it.",
                decks=names,
            )
        )
    parts.append(t._("See /decks for the decks here. Nothing was changed."))
    return " ".join(parts)


def not_own_deck(error: NotOwnDeck, m: Markup, t: Translator) -> str:
    return t._(
        "You have no own deck {deck}. See /decks for yours.",
        deck=m.code(m.escape(_short(error.deck_id, 40))),
    )


def confirm_remove(target: DeckToRemove, m: Markup, t: Translator) -> str:
    return t._(
        "Remove your deck {deck} ({questions})? Everyone's progress on it goes with it.",
        deck=m.code(m.escape(target.deck_id)),
        questions=_questions(target.questions, t),
    )


def removed(target: DeckToRemove, m: Markup, t: Translator) -> str:
    return t._(
        "🗑 Removed your deck {deck} and the progress on it.", deck=m.code(m.escape(target.deck_id))
    )


def kept(m: Markup, t: Translator) -> str:
    return t._("Kept: nothing was removed.")


def deck_usage(t: Translator) -> str:
    return t._("Use: /deck use ID [ID ...] · /deck all · /deck remove ID (see /decks)")


def upload_in_private(t: Translator) -> str:
    return t._("Send deck files to me in a private chat; here, admins choose decks with /deck use.")
