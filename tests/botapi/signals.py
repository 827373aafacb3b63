"""Wake waiters on any event loop (or thread) when the server's state changes."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """A broadcast "something changed" that async waiters on any loop and blocking
    waiters on any thread can wait on with a predicate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._condition = threading.Condition()
        self._generation = 0

    def notify(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, event in waiters:
            if loop is current:
                event.set()
            else:
                # a closed loop raises RuntimeError: its waiter is gone anyway
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(event.set)
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float | None,
    ) -> T:
        """Return the first truthy ``predicate()``; raise ``TimeoutError`` after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            event = asyncio.Event()
            key = (loop, event)
            with self._lock:
                self._waiters.add(key)
            try:
                result = predicate()
                if result:
                    return result
                remaining = None if deadline is None else deadline - loop.time()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    result = predicate()
                    if result:
                        return result
                    raise
            finally:
                with self._lock:
                    self._waiters.discard(key)

    def wait_for_blocking(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Blocking twin of ``wait_for`` for threads without an event loop.

        The predicate runs outside the condition's lock (it takes the server's lock, which
        notifiers may hold while notifying); a generation count catches notifications that
        land between the check and the wait.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._condition:
                generation = self._generation
            result = predicate()
            if result:
                return result
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError
            with self._condition:
                if self._generation == generation:
                    self._condition.wait(remaining)
