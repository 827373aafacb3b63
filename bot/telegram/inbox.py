"""The durable inbox: every Telegram update is on disk before Telegram hears it arrived.

How updates arrive (long polling in `bot.telegram.polling`, the webhook in
`bot.telegram.webhook`) only calls `UpdateInbox.accept` with the raw JSON; acknowledging
them (the next getUpdates offset, the webhook's 200) happens after `accept` returns,
that is after the commit. Then each update is handled on its own task through PTB's
`Application.process_update` and the adapter's update processor (per-conversation order,
metrics), and marked handled; the marks are written in batches, usually in the same
transaction as the next updates received.

At start `replay` handles what a previous run stored but never finished (a crash, or a
stop that ran out of time), before anything new. `drain` is the stop: it waits for the
updates in hand up to a bounded time and cancels the rest, which stay pending for the
next start. Handlers tolerate a second run of an update they half finished (answers are
keyed by their message, and a recorded answer gets its feedback again).

With replicas on one database (`lease` > 0) every replica handles what reached it; the
updates in hand stay its own by being renewed every third of the lease, and the same
sweep takes over the pending updates nobody renewed for a lease (their replica stopped
or died) and handles them. Each goes to one replica (see `bot.store.inbox`).

An update that cannot be read (PTB refuses its shape) or whose handling failed with an
unexpected error is logged once, by id and kind only, and set aside: never retried,
counted for `/healthz`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.store.inbox import Finished, InboxRow, InboxStore

logger = logging.getLogger(__name__)

KIND_LIMIT = 40
"""Characters of an update's kind kept (the kind is a key of untrusted JSON)."""
KEEP_HANDLED = timedelta(days=1)
"""How long a handled update's id is kept (to recognise a late repeat of it)."""
REPLICA_LEASE = timedelta(minutes=1)
"""How long a pending update stays its replica's without a renewal, when replicas share
the database: the longest a dead replica's updates wait for another replica."""
MARKS_RIDE_FOR = 0.2
"""Seconds handled marks wait to ride along in the transaction of the next updates
received before they are written in one of their own. Under a stream of answers that
saves a commit per answer; the price is a wider window in which a crash leaves a handled
update pending (handled again at the next start: nothing recorded twice, its reply
sent again)."""


def kind_of(payload: dict[str, Any]) -> str:
    """What an update carries: its one key besides update_id ('message', 'poll', ...)."""
    kinds = [key for key in payload if key != "update_id"]
    return str(kinds[0])[:KIND_LIMIT] if kinds else "empty"


def update_id_of(payload: object) -> int | None:
    """The update's id, if it has a usable one."""
    if not isinstance(payload, dict):
        return None
    value = payload.get("update_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        return None
    return value


class UpdateInbox:
    """Stores, hands out and marks the updates of one running bot."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        store: InboxStore,
        clock: Callable[[], datetime],
        failed: set[int],
        lease: timedelta = timedelta(0),
    ) -> None:
        self.application = application
        self.store = store
        self.clock = clock
        self.lease = lease
        """0: this process is the database's only one. Else see `REPLICA_LEASE`."""
        self.failed = failed
        """Ids of updates whose handler failed unexpectedly (the error handler adds them)."""
        self.set_aside = 0
        """Updates set aside so far, this run and before (for `/healthz`)."""
        self.replayed: set[int] = set()
        """Updates the last run left unfinished, handled again by this one."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_hand: set[int] = set()
        self._accepting = 0
        self._done: list[int] = []
        self._aside: list[int] = []
        self._flush: asyncio.Task[None] | None = None
        self._flush_timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._pruned_at: datetime | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def busy(self) -> int:
        """Updates being stored or handled right now."""
        return len(self._tasks) + self._accepting

    async def open(self) -> int:
        """Count what was set aside before; handle what a previous run left pending
        (before anything new arrives; with replicas, what none renewed for a lease), and
        with replicas start the sweep. The number of updates replayed."""
        self.set_aside = await self.store.set_aside_count()
        await self._prune()
        pending = await self.store.take_over(self.clock(), self.lease)
        if pending:
            logger.info("handling %d update(s) left from the last run first", len(pending))
        self.replayed = {row.update_id for row in pending}
        for row in pending:
            self._start(row)
        if self.lease > timedelta(0):
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="inbox sweep")
        return len(pending)

    async def sweep(self) -> int:
        """With replicas: renew the updates in hand (and those handled but not yet
        marked), then take over and handle those no replica renewed for a lease. The
        number taken over."""
        now = self.clock()
        held = sorted(self._in_hand | set(self._done) | set(self._aside))
        await self.store.renew(held, now)
        taken = [
            row
            for row in await self.store.take_over(now, self.lease)
            if row.update_id not in self._in_hand
        ]
        if taken:
            logger.info("taking over %d update(s) another replica left", len(taken))
        self.replayed |= {row.update_id for row in taken}
        for row in taken:
            self._start(row)
        return len(taken)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self.sweep()
            except Exception as error:  # the database may be back at the next round
                logger.warning("could not renew or take over inbox updates: %s", error)

    async def last_update_id(self) -> int | None:
        return await self.store.last_update_id()

    async def accept(self, updates: Iterable[object]) -> None:
        """Store raw updates (repeats ignored), then start handling the new ones. Raises
        if they could not be stored: the caller must not acknowledge them then."""
        if self._closed:
            raise RuntimeError("the inbox is closed")
        rows = []
        for payload in updates:
            update_id = update_id_of(payload)
            if update_id is None:
                logger.warning("an update without a usable update_id was ignored")
                continue
            assert isinstance(payload, dict)
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            rows.append(InboxRow(update_id, kind_of(payload), text))
        if not rows:
            return
        finished = self._take_marks()
        self._accepting += 1
        try:
            new = set(await self.store.receive(rows, self.clock(), finished))
        except BaseException:
            self._give_back(finished)
            raise
        finally:
            self._accepting -= 1
        for row in rows:
            if row.update_id in new:
                new.discard(row.update_id)  # a batch repeating an id runs it once
                self._start(row)

    def _start(self, row: InboxRow) -> None:
        task = asyncio.create_task(self._handle(row), name=f"update {row.update_id}")
        self._tasks.add(task)
        self._in_hand.add(row.update_id)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: self._in_hand.discard(row.update_id))

    async def _handle(self, row: InboxRow) -> None:
        app = self.application
        try:
            update = Update.de_json(json.loads(row.payload), app.bot)
        except Exception as error:  # any shape PTB cannot read
            logger.warning(
                "update %d (%s) cannot be read, set aside: %s",
                row.update_id,
                row.kind,
                type(error).__name__,
            )
            self._finished(row.update_id, ok=False)
            return
        handling = app.process_update(update)
        try:
            await app.update_processor.process_update(update, handling)
        except asyncio.CancelledError:
            handling.close()  # if it never started, no "never awaited" warning
            raise
        ok = row.update_id not in self.failed
        self.failed.discard(row.update_id)
        if not ok:
            logger.warning("update %d (%s) failed, set aside", row.update_id, row.kind)
        self._finished(row.update_id, ok=ok)

    # -- marks ------------------------------------------------------------------------------

    def _finished(self, update_id: int, *, ok: bool) -> None:
        if ok:
            self._done.append(update_id)
        else:
            self._aside.append(update_id)
            self.set_aside += 1
        if self._flush_timer is None and not self._closed:
            self._flush_timer = asyncio.get_running_loop().call_later(
                MARKS_RIDE_FOR, self._start_flush
            )

    def _start_flush(self) -> None:
        """The marks rode along with no batch received: write them on their own."""
        self._flush_timer = None
        if self._closed or (self._flush is not None and not self._flush.done()):
            return
        if self._done or self._aside or self._prune_due():
            self._flush = asyncio.create_task(self._write_marks(), name="inbox marks")

    def _prune_due(self) -> bool:
        return self._pruned_at is None or self.clock() - self._pruned_at > KEEP_HANDLED / 24

    def _take_marks(self) -> Finished:
        finished = Finished(tuple(self._done), tuple(self._aside))
        self._done.clear()
        self._aside.clear()
        return finished

    def _give_back(self, finished: Finished) -> None:
        self._done.extend(finished.done)
        self._aside.extend(finished.set_aside)

    async def _write_marks(self) -> None:
        """Write the marks that piled up, in one transaction per round, until none is left.
        A failed write keeps them for the next round (an unmarked update is only handled
        again after a restart)."""
        await asyncio.sleep(0)  # let the updates finishing in this turn join
        while self._done or self._aside:
            finished = self._take_marks()
            try:
                await self.store.finish(finished, self.clock())
            except Exception as error:
                logger.warning("could not mark %d update(s) handled: %s", len(finished.done), error)
                self._give_back(finished)
                return
        if self._prune_due():
            await self._prune()

    async def _prune(self) -> None:
        """Forget the ids of updates handled over `KEEP_HANDLED` ago (about hourly)."""
        self._pruned_at = now = self.clock()
        try:
            await self.store.prune(now - KEEP_HANDLED)
        except Exception as error:  # only housekeeping: next time
            logger.warning("could not prune the inbox: %s", error)

    # -- stop -------------------------------------------------------------------------------

    async def drain(self, grace: float) -> int:
        """Stop: let the updates in hand finish within `grace` seconds, cancel the rest
        (they stay pending for the next start), write the marks. The number cancelled."""
        self._closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        left = 0
        if self._tasks:
            _, unfinished = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.gather(*unfinished, return_exceptions=True)
                left = len(unfinished)
                logger.info("%d update(s) left in the inbox for the next start", left)
        if self._flush is not None:
            await asyncio.gather(self._flush, return_exceptions=True)
        await self.store.finish(self._take_marks(), self.clock())
        return left
