"""What the chat adapters say about own decks and a chat's decks, in one place.

Deck titles, ids, file names and error messages come from people's files, so every such
piece goes through the adapter's `escape`; `bold` and `code` wrap text already escaped.
Telegram passes HTML helpers, Discord Markdown ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.decks.upload import MAX_DECKS, MAX_FILE_BYTES, MAX_PACKAGE_BYTES, DeckRejected
from bot.engine.owndecks import DeckEntry, DeckToRemove, NotOwnDeck, SavedDeck, UnknownDecks
from bot.presentation.markup import Markup
from bot.presentation.wording import plural

MAX_ISSUES_SHOWN = 25


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def saved(result: SavedDeck, m: Markup) -> str:
    verb = "Added" if result.created else "Updated"
    lines = [
        f"✅ {verb} your deck {m.code(m.escape(result.deck_id))} "
        f"({m.escape(_short(result.title, 60))}): {plural(result.questions, 'question')}."
    ]
    if not result.created:
        lines.append(
            f"Your progress on {plural(result.kept_progress, 'unchanged question')} is kept."
        )
    if result.key_points:
        lines.append("")
        lines.append("Grading looks for key points like these:")
        for question, point in result.key_points:
            lines.append(f"• {m.escape(_short(question, 70))} → {m.bold(m.escape(_short(point)))}")
    for note in result.notes[:5]:
        lines.append(f"ℹ️ {m.escape(_short(note, 150))}")
    if len(result.notes) > 5:
        lines.append(f"ℹ️ and {len(result.notes) - 5} more")
    lines.append("")
    lines.append(
        f"Play it with /quiz {m.escape(result.deck_id)}; choose this chat's decks with /decks. "
        f"({result.own_decks} of {MAX_DECKS} own decks used.)"
    )
    return "\n".join(lines)


def rejected(error: DeckRejected, m: Markup) -> str:
    code = error.code
    if code == "unsupported":
        return (
            "I can read decks as YAML (.yaml, .yml), notes (.md), CSV (.csv with a header "
            "line question,answer[,topic]) or Anki packages (.apkg). Nothing was stored."
        )
    if code == "too_large":
        return (
            f"That file is too large: decks are at most {_megabytes(MAX_FILE_BYTES)} "
            f"(Anki packages {_megabytes(MAX_PACKAGE_BYTES)}). Nothing was stored."
        )
    if code == "no_id":
        return (
            "The file name gives no deck id: name it with latin letters, digits or '-', "
            "e.g. ml-notes.md. Nothing was stored."
        )
    if code == "too_many_questions":
        return (
            f"That deck has {error.count} questions; an own deck holds at most "
            f"{error.limit}. Split it into several files. Nothing was stored."
        )
    if code == "too_many_decks":
        return (
            f"You already have {error.limit} own decks, the most there can be. Remove one "
            "with /deck remove ID, or send an update of one with the same id."
        )
    if code == "bundled_id":
        return (
            f"{m.code(m.escape(error.deck_id))} is the id of a deck that comes with the bot; "
            "give yours another id. Nothing was stored."
        )
    issues = [str(issue) for issue in error.issues]
    shown = issues[:MAX_ISSUES_SHOWN]
    lines = [f"❌ That deck has {plural(len(issues), 'problem')}; nothing was stored:"]
    lines.extend(m.code(m.escape(_short(issue, 300))) for issue in shown)
    if len(issues) > len(shown):
        lines.append(f"… and {len(issues) - len(shown)} more.")
    return "\n".join(lines)


def deck_list(entries: Sequence[DeckEntry], m: Markup, *, is_group: bool) -> str:
    lines = [m.bold("Decks here") + " (✅ in use):"]
    for entry in entries:
        mark = "✅" if entry.in_use else "▫️"
        owner = ""
        if entry.owner is not None:
            owner = " · yours" if entry.mine else f" · {m.escape(_short(entry.owner, 30))}'s"
        lines.append(
            f"{mark} {m.code(m.escape(entry.deck_id))} {m.escape(_short(entry.title, 50))} "
            f"({plural(entry.questions, 'question')}{owner})"
        )
    lines.append("")
    lines.append("Choose with /deck use ID [ID ...], or /deck all.")
    if is_group:
        lines.append("Admins choose; a group can use its admins' own decks.")
    else:
        lines.append("Send me a .yaml, .md, .csv or .apkg file to add your own deck.")
    return "\n".join(lines)


def chosen(entries: Sequence[DeckEntry], m: Markup) -> str:
    used = [m.code(m.escape(e.deck_id)) for e in entries if e.in_use]
    total = sum(e.questions for e in entries if e.in_use)
    return f"Questions now come from {', '.join(used)} ({plural(total, 'question')})."


def unknown_decks(error: UnknownDecks, m: Markup) -> str:
    parts = []
    if error.unknown:
        names = ", ".join(m.code(m.escape(_short(i, 40))) for i in error.unknown[:10])
        parts.append(f"This chat cannot use {names}.")
    if error.ambiguous:
        names = ", ".join(m.code(m.escape(_short(i, 40))) for i in error.ambiguous[:10])
        parts.append(f"More than one admin has a deck called {names}; its owner can choose it.")
    parts.append("See /decks for the decks here. Nothing was changed.")
    return " ".join(parts)


def not_own_deck(error: NotOwnDeck, m: Markup) -> str:
    return (
        f"You have no own deck {m.code(m.escape(_short(error.deck_id, 40)))}. See /decks for yours."
    )


def confirm_remove(target: DeckToRemove, m: Markup) -> str:
    return (
        f"Remove your deck {m.code(m.escape(target.deck_id))} "
        f"({plural(target.questions, 'question')})? Everyone's progress on it goes with it."
    )


def removed(target: DeckToRemove, m: Markup) -> str:
    return f"🗑 Removed your deck {m.code(m.escape(target.deck_id))} and the progress on it."


def kept(m: Markup) -> str:
    return "Kept: nothing was removed."


def deck_usage() -> str:
    return "Use: /deck use ID [ID ...] · /deck all · /deck remove ID (see /decks)"


def upload_in_private() -> str:
    return "Send deck files to me in a private chat; here, admins choose decks with /deck use."
