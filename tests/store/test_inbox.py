"""The inbox's SQL: updates stored once, marked handled (content dropped) or set aside,
pending ones listed in order, old handled ids pruned but never the newest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store.inbox import Finished, InboxRow, InboxStore

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def row(update_id: int, kind: str = "message") -> InboxRow:
    return InboxRow(update_id, kind, f'{{"update_id": {update_id}, "{kind}": {{}}}}')


async def test_updates_are_stored_once_and_marked(store: Store) -> None:
    inbox = InboxStore(store)
    assert await inbox.receive([row(5), row(6), row(7, "poll")], NOW) == [5, 6, 7]
    assert await inbox.receive([row(6), row(8)], NOW, Finished(done=[5])) == [8]
    await inbox.finish(Finished(set_aside=[7]), NOW)
    pending = await inbox.pending()
    contents = await _contents(store)
    assert await inbox.set_aside_count() == 1
    assert await inbox.last_update_id() == 8

    assert [r.update_id for r in pending] == [6, 8]
    assert contents[5] == ("done", "")  # handled: the content is gone
    assert contents[7][0] == "set_aside" and '"poll"' in contents[7][1]


async def test_pruning_forgets_old_handled_ids_but_keeps_where_to_resume(store: Store) -> None:
    inbox = InboxStore(store)
    await inbox.receive([row(1), row(2), row(3)], NOW)
    await inbox.finish(Finished(done=[1, 2, 3]), NOW)
    await inbox.receive([row(4)], NOW + timedelta(days=2))
    removed = await inbox.prune(NOW + timedelta(days=1))
    left = sorted(await _contents(store))
    last = await inbox.last_update_id()
    await inbox.finish(Finished(done=[4]), NOW + timedelta(days=3))
    removed_later = await inbox.prune(NOW + timedelta(days=4))
    newest = await inbox.last_update_id()

    assert removed == 3 and left == [4] and last == 4
    assert removed_later == 0 and newest == 4  # the newest id stays: the fetch resumes after it


async def _contents(store: Store) -> dict[int, tuple[str, str]]:
    async with store.read() as tx:
        rows = await tx.session.all("SELECT update_id, status, payload FROM inbox")
    return {int(r["update_id"]): (str(r["status"]), str(r["payload"])) for r in rows}


LEASE = timedelta(minutes=1)


async def test_replicas_take_over_each_pending_update_once_and_only_after_its_lease(
    store: Store, other_store: Store
) -> None:
    first, second = InboxStore(store), InboxStore(other_store)
    await first.receive([row(n) for n in range(1, 41)], NOW)  # ...and its replica dies
    await second.receive([row(100)], NOW + LEASE / 2)  # a live replica's, in hand

    within = NOW + LEASE - timedelta(seconds=1)
    assert await first.take_over(within, LEASE) == []
    assert await second.take_over(within, LEASE) == []

    after = NOW + LEASE
    won = await asyncio.gather(first.take_over(after, LEASE), second.take_over(after, LEASE))
    taken = [[r.update_id for r in rows] for rows in won]
    assert sorted(taken[0] + taken[1]) == list(range(1, 41))
    assert set(taken[0]).isdisjoint(taken[1])
    # Taken over, they are the taker's for a lease again; the live one's is not touched.
    assert await first.take_over(after + timedelta(seconds=1), LEASE) == []
    assert await second.take_over(after + timedelta(seconds=1), LEASE) == []


async def test_a_renewed_update_stays_its_handlers_and_a_handled_one_is_never_taken(
    store: Store, other_store: Store
) -> None:
    handler, other = InboxStore(store), InboxStore(other_store)
    await handler.receive([row(1), row(2), row(3)], NOW)
    await handler.finish(Finished(done=[3]), NOW)
    await handler.renew([1], NOW + LEASE / 2)

    taken = await other.take_over(NOW + LEASE, LEASE)

    assert [r.update_id for r in taken] == [2]  # 1 was renewed, 3 is handled
    assert [r.update_id for r in await other.take_over(NOW + LEASE * 1.5, LEASE)] == [1]


async def test_one_process_takes_every_pending_update_at_its_start(store: Store) -> None:
    inbox = InboxStore(store)
    await inbox.receive([row(7), row(5)], NOW)
    assert [r.update_id for r in await inbox.take_over(NOW)] == [5, 7]
