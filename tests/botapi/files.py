"""Files as Telegram serves them to bots: ``getFile`` and ``{url}/file/bot{token}/{path}``.

``getFile`` answers a File object whose ``file_path`` the bot then downloads; like
Telegram, files over 20 MB are refused ("file is too big") and a file id nobody stored is
a 400. A file a test sends as a user (``inject_document``) or the bot uploaded is kept in
the world's ``files`` and downloadable by any bot that knows its path.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from .errors import bad_request
from .state import StoredFile, World

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""Telegram's limit on files bots may download."""


def file_path_of(stored: StoredFile) -> str:
    suffix = PurePosixPath(stored.filename or "").suffix
    folder = "photos" if stored.kind == "photo" else "documents"
    return f"{folder}/file_{stored.file_unique_id}{suffix}"


def get_file(world: World, params: dict[str, Any]) -> dict[str, Any]:
    file_id = params.get("file_id")
    if not file_id:
        raise bad_request("file_id not specified")
    stored = world.files.get(str(file_id))
    if stored is None:
        raise bad_request("invalid file_id")
    result: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    result["file_path"] = file_path_of(stored)
    return result


def download(world: World, path: str) -> bytes | None:
    """The bytes behind a ``file_path`` (None when no file has it)."""
    for stored in world.files.values():
        if file_path_of(stored) == path:
            return stored.data
    return None


def stored_document(
    world: World, data: bytes, filename: str, mime_type: str | None
) -> tuple[StoredFile, dict[str, Any]]:
    """Keep a user's document; returns it and its Document JSON for a message."""
    file_id, unique_id = world.new_file_id("document")
    stored = StoredFile(
        file_id=file_id,
        file_unique_id=unique_id,
        kind="document",
        data=data,
        filename=filename,
        mime_type=mime_type,
    )
    world.files[file_id] = stored
    document: dict[str, Any] = {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_name": filename,
        "file_size": len(data),
    }
    if mime_type:
        document["mime_type"] = mime_type
    return stored, document
