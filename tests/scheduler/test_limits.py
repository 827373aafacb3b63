"""The send limiter on virtual time: limits hold in every sliding window, and a busy chat
never holds up the others."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import limits as limits_module
from scheduler.limits import Limits, SendLimiter
from tests.scheduler.fakes import VirtualTime


def most_in_window(times: list[float], width: float) -> int:
    """The most sends inside any closed window [t, t + width]."""
    times = sorted(times)
    most = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] > width:
            start += 1
        most = max(most, end - start + 1)
    return most


class Recorder:
    """Sends through a limiter on virtual time, recording when each went out."""

    def __init__(self, limits: Limits) -> None:
        self.time = VirtualTime()
        self.limiter = SendLimiter(limits, clock=self.time.clock, sleep=self.time.sleep)
        self.sent: dict[int, list[float]] = defaultdict(list)

    async def send(self, chat_id: int, count: int = 1, *, is_group: bool = False) -> None:
        for _ in range(count):
            await self.limiter.acquire(chat_id, is_group=is_group)
            self.sent[chat_id].append(self.time.now)

    def all_times(self) -> list[float]:
        return [moment for times in self.sent.values() for moment in times]


@pytest.mark.parametrize("per_second", [30.0, 1000.0])
async def test_never_more_than_the_overall_rate_in_any_second(per_second: float) -> None:
    recorder = Recorder(Limits(per_second=per_second))
    chats = int(per_second * 3)
    start = recorder.time.now
    await recorder.time.run(*(recorder.send(chat) for chat in range(chats)))
    times = recorder.all_times()
    assert len(times) == chats
    assert most_in_window(times, 1.0) <= per_second
    # and not much slower than the limit allows
    assert max(times) - start <= chats / per_second * 1.05


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    recorder = Recorder(Limits())
    await recorder.time.run(recorder.send(7, 6))
    times = recorder.sent[7]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert times[-1] - times[0] <= 5 * 1.05


async def test_one_group_gets_at_most_twenty_messages_a_minute() -> None:
    recorder = Recorder(Limits())
    await recorder.time.run(recorder.send(-100, 45, is_group=True))
    times = recorder.sent[-100]
    assert len(times) == 45
    assert most_in_window(times, 60.0) <= 20
    assert most_in_window(times, 1.0) <= 1


async def test_a_busy_chat_does_not_hold_up_the_others() -> None:
    recorder = Recorder(Limits())
    start = recorder.time.now
    busy = recorder.send(1, 10)
    others = [recorder.send(chat) for chat in range(100, 130)]
    await recorder.time.run(busy, *others)
    others_done = max(max(recorder.sent[chat]) for chat in range(100, 130))
    assert others_done - start < 1.2  # 31 sends at 30/s, not behind the busy chat's 10 s
    assert recorder.sent[1][-1] - start >= 9.0


async def test_a_busy_group_does_not_hold_up_the_others() -> None:
    recorder = Recorder(Limits())
    start = recorder.time.now
    await recorder.time.run(
        recorder.send(-5, 25, is_group=True), *(recorder.send(chat) for chat in range(60))
    )
    assert max(max(recorder.sent[chat]) for chat in range(60)) - start < 2.5
    assert recorder.sent[-5][-1] - start >= 60.0


async def test_pause_holds_every_send_including_reserved_ones() -> None:
    recorder = Recorder(Limits())
    start = recorder.time.now

    async def rate_limited() -> None:
        await recorder.time.sleep(0.5)
        recorder.limiter.pause(5.0)

    await recorder.time.run(rate_limited(), *(recorder.send(chat) for chat in range(60)))
    times = recorder.all_times()
    assert len(times) == 60
    assert not [t for t in times if start + 0.5 < t < start + 5.5]
    assert most_in_window(times, 1.0) <= 30
    assert recorder.limiter.paused_until == pytest.approx(start + 5.5)


async def test_a_pause_never_shortens_an_earlier_longer_pause() -> None:
    recorder = Recorder(Limits())
    recorder.limiter.pause(10.0)
    recorder.limiter.pause(2.0)
    start = recorder.time.now
    await recorder.time.run(recorder.send(1))
    assert recorder.sent[1][0] >= start + 10.0


async def test_sends_are_served_in_arrival_order() -> None:
    recorder = Recorder(Limits(per_second=10.0))
    order: list[int] = []

    async def send(chat: int) -> None:
        await recorder.limiter.acquire(chat, is_group=False)
        order.append(chat)

    await recorder.time.run(*(send(chat) for chat in range(40)))
    assert order == list(range(40))


async def test_idle_chats_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_module, "SWEEP_EVERY", 50)
    recorder = Recorder(Limits(per_second=100.0))
    await recorder.time.run(*(recorder.send(chat) for chat in range(400)))
    assert recorder.limiter.tracked_chats < 150


async def test_a_group_window_survives_the_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_module, "SWEEP_EVERY", 5)
    recorder = Recorder(Limits(per_second=100.0))

    async def mixed() -> None:
        await recorder.send(-1, 20, is_group=True)
        await recorder.send(-1, 3, is_group=True)

    await recorder.time.run(mixed(), *(recorder.send(chat) for chat in range(200)))
    assert most_in_window(recorder.sent[-1], 60.0) <= 20


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    plan=st.lists(st.tuples(st.integers(-3, 12), st.integers(1, 24)), min_size=1, max_size=25),
    per_second=st.sampled_from([5.0, 30.0]),
)
def test_every_limit_holds_for_any_mix_of_chats(
    plan: list[tuple[int, int]], per_second: float
) -> None:
    async def scenario() -> Recorder:
        recorder = Recorder(Limits(per_second=per_second))
        await recorder.time.run(
            *(recorder.send(chat, count, is_group=chat < 0) for chat, count in plan)
        )
        return recorder

    recorder = asyncio.run(scenario())
    assert len(recorder.all_times()) == sum(count for _, count in plan)
    assert most_in_window(recorder.all_times(), 1.0) <= per_second
    for chat, times in recorder.sent.items():
        assert most_in_window(times, 1.0) <= 1
        if chat < 0:
            assert most_in_window(times, 60.0) <= 20


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="per_second"):
        Limits(per_second=0)


async def test_a_scaled_group_limit_keeps_its_average() -> None:
    recorder = Recorder(Limits(per_group_per_minute=10.0, per_chat_per_second=100.0))
    await recorder.time.run(recorder.send(-9, 30, is_group=True))
    assert most_in_window(recorder.sent[-9], 60.0) <= 10


async def test_sends_in_flight_count_until_answered_so_late_arrivals_never_crowd_a_second() -> None:
    """A message lands somewhere between its slot and its answer; a stalled moment bunches
    arrivals. Inside `sending()` no second ever gets more than the limit all the same."""
    time = VirtualTime()
    limiter = SendLimiter(Limits(per_second=30.0), clock=time.clock, sleep=time.sleep)
    rng = random.Random(5)
    arrivals: list[float] = []
    start = time.now

    async def send(chat: int) -> None:
        async with limiter.sending(chat, is_group=False):
            sent = time.now
            took = rng.choice([0.005, 0.005, 0.005, 0.4])  # now and then a stall
            await time.sleep(took)
            arrivals.append(sent + rng.uniform(0.0, took))

    await time.run(*(send(chat) for chat in range(150)))
    assert len(arrivals) == 150
    assert most_in_window(arrivals, 1.0) <= 30
    assert max(arrivals) - start <= 150 / 30 * 1.5
