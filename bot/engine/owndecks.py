"""Own decks and a chat's choice of decks: the use cases behind an upload, /decks and /deck.

Platform-free like the rest of the engine: adapters pass plain keys and the current time,
get plain values back, and word them. Who may choose (a group's admins) and whose own
decks a chat can use (the private chat's person, a group's admins) is decided by the
adapter, which alone can ask the platform; it passes those people as `owners`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.decks.library import (
    ALL_BUNDLED,
    OwnDeck,
    dump_choice,
    own_prefix,
    own_row_of,
    parse_choice,
)
from bot.decks.loader import ContentError, load_deck_text
from bot.decks.upload import MAX_DECKS, DeckRejected, ParsedUpload, sample_key_points
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.errors import QuizError
from bot.store import ChatRow, UnitOfWork, UserRow

logger = logging.getLogger(__name__)


class UnknownDecks(QuizError):
    """`/deck use` named decks this chat cannot use (`unknown`), or ids that more than one
    admin's own deck has (`ambiguous`)."""

    code = "unknown_decks"

    def __init__(self, unknown: Sequence[str], ambiguous: Sequence[str] = ()) -> None:
        super().__init__()
        self.unknown = tuple(unknown)
        self.ambiguous = tuple(ambiguous)


class NotOwnDeck(QuizError):
    """`/deck remove` named no own deck of this person."""

    code = "not_own_deck"

    def __init__(self, deck_id: str) -> None:
        super().__init__()
        self.deck_id = deck_id


@dataclass(frozen=True, slots=True)
class SavedDeck:
    deck_id: str
    title: str
    questions: int
    created: bool
    """False: an update of a deck sent before."""
    kept_progress: int
    """Questions (unchanged ids) the sender already had progress on."""
    key_points: tuple[tuple[str, str], ...]
    """(question, drafted key point) samples: what grading looks for."""
    notes: tuple[str, ...]
    own_decks: int


@dataclass(frozen=True, slots=True)
class DeckEntry:
    deck_id: str
    """What people type in /deck use."""
    title: str
    questions: int
    owner: str | None
    """The own deck's owner's name; None for a bundled deck."""
    mine: bool
    in_use: bool


@dataclass(frozen=True, slots=True)
class DeckToRemove:
    row_id: int
    deck_id: str
    questions: int


async def load_own_decks(engine: Engine) -> int:
    """Load every stored own deck into the engine's library (at start); returns how many.
    A stored deck the loader now refuses is left out and logged, never fatal."""
    async with engine.store.read() as tx:
        rows = await tx.own_decks.all()
    decks = []
    for row in rows:
        try:
            deck = load_deck_text(row.body.encode("utf-8"), f"own deck {row.id}").deck
        except ContentError as error:
            logger.error("own deck %s (%s) no longer loads: %s", row.id, row.deck, error)
            continue
        decks.append(OwnDeck(row.id, row.owner_id, row.owner_name, deck))
    library = engine.library
    for deck in decks:
        library = library.with_deck(deck)
    engine.library = library
    return len(decks)


async def save_upload(
    engine: Engine,
    chat: ChatKey | None,
    player: PlayerKey,
    upload: ParsedUpload,
    source: str,
    now: datetime,
) -> SavedDeck:
    """Store an uploaded deck as the player's own (new, or an update of the deck with the
    same id, keeping progress on unchanged question ids), sent in their private `chat`
    (None: sent elsewhere). Raises DeckRejected."""
    deck = upload.deck
    if engine.library.is_bundled(deck.deck):
        raise DeckRejected("bundled_id", deck_id=deck.deck)
    async with engine.store.write() as tx:
        if chat is not None:
            await engine.context.ensure_chat(tx, chat, now, is_group=False, owner=player)
        user = await tx.users.upsert(player.platform, player.external_id, player.display_name, now)
        if await tx.own_decks.find_named(user.id, deck.deck) is None:
            count = await tx.own_decks.count(user.id)
            if count >= MAX_DECKS:
                raise DeckRejected("too_many_decks", limit=MAX_DECKS, count=count)
        row_id, created = await tx.own_decks.save(
            user.id,
            deck.deck,
            title=deck.title,
            source=source,
            body=upload.body,
            questions=len(deck.questions),
            now=now,
        )
        own = OwnDeck(row_id, user.id, user.display_name, deck)
        kept = (
            0 if created else await tx.cards.count_on(user.id, [q.id for q in own.stored.questions])
        )
        total = await tx.own_decks.count(user.id)
    engine.library = engine.library.with_deck(own)
    return SavedDeck(
        deck_id=deck.deck,
        title=deck.title,
        questions=len(deck.questions),
        created=created,
        kept_progress=kept,
        key_points=tuple(sample_key_points(deck)),
        notes=upload.notes,
        own_decks=total,
    )


async def _users(tx: UnitOfWork, people: Sequence[PlayerKey]) -> list[UserRow]:
    found = []
    for person in people:
        user = await tx.users.find(person.platform, person.external_id)
        if user is not None:
            found.append(user)
    return found


def _entries(
    engine: Engine, row: ChatRow | None, owner_ids: Sequence[int], me: int | None
) -> list[DeckEntry]:
    library = engine.library
    choice = parse_choice(row.decks) if row else None
    private_owner = row.owner_id if row is not None and not row.is_group else None
    keys = set(library.chosen_keys(choice, private_owner))
    entries = [
        DeckEntry(
            deck.deck,
            deck.title,
            len(deck.questions),
            None,
            False,
            ALL_BUNDLED in keys or deck.deck in keys,
        )
        for deck in library.bundled.decks
    ]
    chosen_own = [row_id for key in keys if (row_id := own_row_of(key)) is not None]
    shown = {d.row_id: d for d in library.owned_by(owner_ids)}
    shown.update({i: library.own[i] for i in chosen_own if i in library.own})
    for own in sorted(shown.values(), key=lambda d: (d.deck.deck, d.row_id)):
        entries.append(
            DeckEntry(
                own.deck.deck,
                own.deck.title,
                len(own.deck.questions),
                own.owner_name,
                own.owner_id == me,
                own.key in keys,
            )
        )
    return entries


async def chat_decks(
    engine: Engine, chat: ChatKey, owners: Sequence[PlayerKey], viewer: PlayerKey | None
) -> list[DeckEntry]:
    """What a chat can use (bundled decks and the `owners`' own decks), marking those in
    use (also own decks chosen earlier by someone no longer among the owners)."""
    async with engine.store.read() as tx:
        row = await tx.chats.find(chat.platform, chat.external_id)
        users = await _users(tx, owners)
        me = await tx.users.find(viewer.platform, viewer.external_id) if viewer else None
    return _entries(engine, row, [u.id for u in users], me.id if me else None)


def _resolve(
    engine: Engine, ids: Sequence[str], owners: Sequence[UserRow], chooser: int | None
) -> list[str]:
    library = engine.library
    owned = library.owned_by([u.id for u in owners])
    keys: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for raw in ids:
        wanted = raw.strip().casefold()
        if library.is_bundled(wanted):
            keys.append(wanted)
            continue
        matches = [d for d in owned if d.deck.deck == wanted]
        mine = [d for d in matches if d.owner_id == chooser]
        if len(mine) == 1 or len(matches) == 1:
            keys.append((mine or matches)[0].key)
        elif matches:
            ambiguous.append(raw)
        else:
            unknown.append(raw)
    if unknown or ambiguous:
        raise UnknownDecks(unknown, ambiguous)
    return keys


async def _choose(
    engine: Engine,
    chat: ChatKey,
    owners: Sequence[PlayerKey],
    chooser: PlayerKey | None,
    ids: Sequence[str] | None,
    now: datetime,
    *,
    is_group: bool,
    title: str,
) -> list[DeckEntry]:
    async with engine.store.write() as tx:
        row = await engine.context.ensure_chat(
            tx,
            chat,
            now,
            is_group=is_group,
            title=title,
            owner=None if is_group else chooser,
        )
        users = await _users(tx, owners)
        me = await tx.users.find(chooser.platform, chooser.external_id) if chooser else None
        if ids is None:  # /deck all
            own = [d.key for d in engine.library.owned_by([u.id for u in users])]
            keys = None if not is_group else [ALL_BUNDLED, *own]
        else:
            keys = _resolve(engine, ids, users, me.id if me else None)
        await tx.chats.set_decks(row.id, dump_choice(keys))
        row = await tx.chats.find_by_id(row.id) or row
    return _entries(engine, row, [u.id for u in users], me.id if me else None)


async def use_decks(
    engine: Engine,
    chat: ChatKey,
    ids: Sequence[str],
    now: datetime,
    *,
    owners: Sequence[PlayerKey],
    chooser: PlayerKey | None,
    is_group: bool,
    title: str = "",
) -> list[DeckEntry]:
    """`/deck use ID [ID ...]`: the chat asks only from these decks (bundled ones, or own
    decks of the `owners`). All or nothing: raises UnknownDecks naming the ids it cannot
    use, and then changes nothing."""
    return await _choose(
        engine, chat, owners, chooser, list(ids), now, is_group=is_group, title=title
    )


async def use_all_decks(
    engine: Engine,
    chat: ChatKey,
    now: datetime,
    *,
    owners: Sequence[PlayerKey],
    chooser: PlayerKey | None,
    is_group: bool,
    title: str = "",
) -> list[DeckEntry]:
    """`/deck all`: every deck the chat can use (a private chat also every own deck sent
    later; a group every bundled deck and its admins' own decks as they are now)."""
    return await _choose(engine, chat, owners, chooser, None, now, is_group=is_group, title=title)


async def deck_to_remove(engine: Engine, player: PlayerKey, deck_id: str) -> DeckToRemove:
    """The player's own deck with this id (what the confirmation asks about); raises
    NotOwnDeck."""
    async with engine.store.read() as tx:
        user = await tx.users.find(player.platform, player.external_id)
        row = await tx.own_decks.find_named(user.id, deck_id.strip().casefold()) if user else None
    if row is None:
        raise NotOwnDeck(deck_id)
    return DeckToRemove(row.id, row.deck, row.questions)


async def remove_own_deck(engine: Engine, player: PlayerKey, row_id: int) -> DeckToRemove:
    """Delete an own deck (after the owner confirmed) and all progress on its questions;
    raises NotOwnDeck unless `player` owns it (a forged or stale button)."""
    async with engine.store.write() as tx:
        user = await tx.users.find(player.platform, player.external_id)
        row = await tx.own_decks.find(row_id)
        if user is None or row is None or row.owner_id != user.id:
            raise NotOwnDeck(row.deck if row else "")
        await tx.own_decks.delete_with_progress(row.id, own_prefix(row.id))
    engine.library = engine.library.without([row_id])
    return DeckToRemove(row.id, row.deck, row.questions)
