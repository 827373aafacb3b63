"""The durable inbox with replicas on one PostgreSQL database: a pending update is its
replica's while that replica renews it; one nobody renewed for a lease (its replica
died) is taken over and handled by another replica, once. The real bot against the test
Bot API server; the other replica is a second store on the same database; the clock is
injected, so the lease runs out without waiting for it."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack

from bot.store.inbox import InboxRow, InboxStore
from bot.store.pgdatabase import PostgresStore
from bot.telegram.app import build_application, running
from bot.telegram.inbox import REPLICA_LEASE
from tests import postgres
from tests.botapi import BotApiServer
from tests.telegram.conftest import ALICE, START, Clock, fast_tuning, settings_for, text_of


def help_from_alice(update_id: int) -> InboxRow:
    payload = (
        f'{{"update_id": {update_id}, "message": {{"message_id": {update_id}, "date": '
        f'{int(time.time())}, "chat": {{"id": {ALICE}, "type": "private", "first_name":'
        f' "Alice"}}, "from": {{"id": {ALICE}, "is_bot": false, "first_name": "Alice"}},'
        ' "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}'
    )
    return InboxRow(update_id, "message", payload)


def statuses(url: str) -> dict[int, str]:
    rows = postgres.query(url, "SELECT update_id, status FROM inbox ORDER BY update_id")
    return {int(update_id): str(status) for update_id, status in rows}


async def test_a_dead_replicas_updates_are_handled_by_another_once_after_the_lease(
    server: BotApiServer, postgres_url: str
) -> None:
    other = await PostgresStore.open(postgres_url)
    try:
        # The dead replica stored update 501 a lease ago; a live one holds 502 right now.
        await InboxStore(other).receive([help_from_alice(501)], START - REPLICA_LEASE)
        await InboxStore(other).receive([help_from_alice(502)], START)

        clock = Clock()
        app = build_application(settings_for(server, postgres_url), fast_tuning(clock))
        async with AsyncExitStack() as life:
            mark = server.mark()
            await life.enter_async_context(running(app, poll_timeout=1.0))
            first = await server.wait_for_call("sendMessage", None, 5.0, chat_id=ALICE, since=mark)
            inbox = app.bot_data.inbox
            assert inbox is not None and inbox.lease == REPLICA_LEASE
            assert inbox.replayed == {501}
            assert await inbox.sweep() == 0  # 502 is still the live replica's

            clock.advance(seconds=REPLICA_LEASE.total_seconds())
            after = server.mark()
            assert await inbox.sweep() == 1  # ...which has not renewed it for a lease
            second = await server.wait_for_call(
                "sendMessage", None, 5.0, chat_id=ALICE, since=after
            )
            assert await inbox.sweep() == 0
        later = clock() + REPLICA_LEASE * 2
        assert await InboxStore(other).take_over(later, REPLICA_LEASE) == []  # all handled
    finally:
        await other.close()

    assert "/quiz" in text_of(first) and "/quiz" in text_of(second)
    assert len(server.calls("sendMessage", chat_id=ALICE)) == 2  # each handled once
    assert statuses(postgres_url) == {501: "done", 502: "done"}
