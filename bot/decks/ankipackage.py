"""An Anki package (`.apkg`) as a deck's questions, read with the standard library only.

An `.apkg` is a zip holding the collection as an SQLite database (`collection.anki21`,
or `collection.anki2` from older versions) and media files. Only the notes table is
read: each note's first field is the question, its second the answer (a cloze note's
text becomes a question with `[...]` gaps and the full text as its answer). HTML is
turned into plain text by a parser that keeps only text; images, sounds and the media
files are ignored, with a note saying how many.

Nothing in the package is executed: the database is deserialized into memory and only
selected from, with untrusted schema features off. A package is hostile until read:
the zip's members are size-checked both as declared and while inflating (a zip bomb
stops at the cap), and the database is opened only when it fits.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.decks.importer import draft_key_points, normalize_question, question_id
from bot.decks.loader import ContentIssue, Location
from bot.decks.model import Question

MAX_COLLECTION_BYTES = 32 * 1024 * 1024
"""The largest inflated collection database read."""
MAX_NOTES_READ = 5_000
"""Notes looked at before giving up (the deck limit is far lower)."""
COLLECTIONS = ("collection.anki21", "collection.anki2")
NEWEST_ONLY = "collection.anki21b"
FIELD_SEPARATOR = "\x1f"

_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_BLOCK_TAGS = frozenset({"br", "div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title"})


class PackageError(Exception):
    """The package cannot be read; `message` says why (shown as FILE:1:1: message)."""


@dataclass(frozen=True, slots=True)
class AnkiQuestions:
    questions: tuple[Question, ...]
    notes: tuple[str, ...]
    """What was ignored (media, notes without a back), for the reply."""


class _TextOnly(HTMLParser):
    """Collects an HTML fragment's text; counts images; drops scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "img":
            self.images += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(fragment: str) -> tuple[str, int]:
    """An Anki field's HTML as plain text, and how many images and sounds it referred to."""
    sounds = len(_SOUND.findall(fragment))
    parser = _TextOnly()
    parser.feed(_SOUND.sub("", fragment))
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    squeezed: list[str] = []
    for line in lines:
        if line or (squeezed and squeezed[-1]):
            squeezed.append(line)
    return "\n".join(squeezed).strip(), parser.images + sounds


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_COLLECTION_BYTES:
        raise PackageError(
            f"the collection inside is {info.file_size // 1_000_000} MB unpacked; "
            f"at most {MAX_COLLECTION_BYTES // 1_000_000} MB can be read"
        )
    out = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(1 << 16):
            out += chunk
            if len(out) > MAX_COLLECTION_BYTES:  # the header lied: a zip bomb
                raise PackageError("the collection inside unpacks to more than it declares")
    return bytes(out)


def _collection(raw: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise PackageError("not an Anki package (.apkg is a zip file)") from None
    with archive:
        names = {info.filename: info for info in archive.infolist()}
        for name in COLLECTIONS:
            if name in names:
                try:
                    return _read_member(archive, names[name])
                except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
                    raise PackageError(f"the package is damaged ({exc})") from None
        if NEWEST_ONLY in names:
            raise PackageError(
                "this package uses Anki's newest format; export it again with "
                "'Support older Anki versions' ticked"
            )
        raise PackageError("no Anki collection in this zip")


def _open(database: bytes) -> sqlite3.Connection:
    if not database.startswith(b"SQLite format 3\x00"):
        raise PackageError("the collection inside is not an SQLite database")
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(database)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        conn.close()
        raise PackageError(f"the collection database cannot be opened ({exc})") from None
    return conn


def _deck_names(conn: sqlite3.Connection) -> dict[int, str]:
    try:
        row = conn.execute("SELECT decks FROM col LIMIT 1").fetchone()
        decks = json.loads(row[0]) if row and row[0] else {}
        return {int(key): str(value.get("name", "")) for key, value in decks.items()}
    except (sqlite3.Error, ValueError, TypeError, AttributeError):
        return {}


def _note_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, int | None]]:
    """(guid, fields, tags, deck id of its first card) of each note, in creation order."""
    try:
        return conn.execute(
            "SELECT n.guid, n.flds, n.tags,"
            " (SELECT c.did FROM cards c WHERE c.nid = n.id ORDER BY c.ord LIMIT 1)"
            " FROM notes n ORDER BY n.id LIMIT ?",
            (MAX_NOTES_READ,),
        ).fetchall()
    except sqlite3.Error as exc:
        raise PackageError(f"the collection has no readable notes ({exc})") from None


def _cloze(text: str) -> tuple[str, str]:
    question = _CLOZE.sub(lambda m: f"[{m.group(2) or '...'}]", text)
    answer = _CLOZE.sub(lambda m: m.group(1), text)
    return question, answer


def anki_questions(
    raw: bytes, file: str, deck_id: str, default_topic: str
) -> AnkiQuestions | list[ContentIssue]:
    """The questions of an Anki package, or the reason it cannot be read (located)."""
    try:
        conn = _open(_collection(raw))
    except PackageError as error:
        return [ContentIssue(Location(file, 1, 1), str(error))]
    try:
        deck_names = _deck_names(conn)
        rows = _note_rows(conn)
    except PackageError as error:
        return [ContentIssue(Location(file, 1, 1), str(error))]
    finally:
        conn.close()
    questions: list[Question] = []
    taken: set[str] = set()
    seen: set[str] = set()
    media = no_back = duplicates = 0
    for guid, fields, tags, deck in rows:
        parts = str(fields or "").split(FIELD_SEPARATOR)
        front, front_media = plain_text(parts[0])
        back, back_media = plain_text(parts[1]) if len(parts) > 1 else ("", 0)
        media += front_media + back_media
        if _CLOZE.search(front):
            front, answer = _cloze(front)
            back = f"{answer}\n\n{back}".strip() if back else answer
        normalized = normalize_question(front)
        if not normalized or not back:
            no_back += 1
            continue
        if normalized in seen:
            duplicates += 1
            continue
        seen.add(normalized)
        topic = (deck_names.get(deck or 0) or default_topic).replace("::", " / ").strip()
        new_id = question_id(deck_id, "", f"anki:{guid}", taken)
        taken.add(new_id)
        questions.append(
            Question(
                id=new_id,
                topic=topic or default_topic,
                tags=[tag for tag in str(tags or "").split() if tag][:10],
                question=front,
                answer=back,
                key_points=draft_key_points(back),
            )
        )
    notes = []
    if media:
        notes.append(f"{media} image or sound reference(s) ignored: only text is kept")
    if no_back:
        notes.append(f"{no_back} note(s) without a front and back skipped")
    if duplicates:
        notes.append(f"{duplicates} duplicate note(s) skipped")
    if not questions:
        return [ContentIssue(Location(file, 1, 1), "no notes with a front and a back found")]
    return AnkiQuestions(tuple(questions), tuple(notes))
