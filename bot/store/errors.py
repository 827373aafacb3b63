"""Why the database cannot be used: typed errors an operator's message is built from."""

from __future__ import annotations

from pathlib import Path


class DatabaseUnavailable(Exception):
    """The database cannot be opened or migrated. `reason` is one of the codes below (what
    an operator must fix); `detail` is the database's or the system's own words."""

    MISSING_FOLDER = "missing folder"
    IS_DIRECTORY = "is a directory"
    CANNOT_OPEN = "cannot open"
    NOT_WRITABLE = "not writable"
    NOT_A_DATABASE = "not a database"
    LOCKED = "locked"
    TOO_NEW = "too new"
    OTHER = "other"

    def __init__(self, path: Path, reason: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail

    @classmethod
    def from_error(cls, path: Path, error: BaseException) -> DatabaseUnavailable:
        detail = str(error) or type(error).__name__
        text = detail.lower()
        if path.is_dir():
            reason = cls.IS_DIRECTORY
        elif not path.parent.is_dir():
            reason = cls.MISSING_FOLDER
        elif "locked" in text or "busy" in text:
            reason = cls.LOCKED
        elif "not a database" in text or "malformed" in text:
            reason = cls.NOT_A_DATABASE
        elif "readonly" in text or "read-only" in text:
            reason = cls.NOT_WRITABLE
        elif "unable to open" in text:
            reason = cls.CANNOT_OPEN
        else:
            reason = cls.OTHER
        return cls(path, reason, detail)


class SchemaTooNew(DatabaseUnavailable):
    """The database was migrated by a newer version of the bot than this one."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path, self.TOO_NEW, detail)
