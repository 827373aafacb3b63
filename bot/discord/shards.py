"""Discord shards split across processes: `quizbot run --platform discord --shard-ids 0,1
--shard-count 4` runs shards 0 and 1 of 4 here, the others run elsewhere.

Discord sends each server's events to one shard (`(guild_id >> 22) % shard_count`; DMs
to shard 0), so every process answers the servers of its own shards. All of them share
one database (PostgreSQL for processes on several machines) and run the scheduler: a
channel's daily question is claimed in the database, so it is sent once whichever
process gets there first, and a process that dies leaves its unsent claims to the
others once their lease runs out (`SchedulerSettings.for_replicas`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import ConfigError

MAX_SHARDS = 4096
"""More shards than any bot is given (Discord asks for one per 1000 servers or so)."""


@dataclass(frozen=True, slots=True)
class Shards:
    """Which of a bot's shards this process runs: `ids` of `count` (None: all of them,
    with `count` None Discord's recommended number)."""

    ids: tuple[int, ...] | None = None
    count: int | None = None

    @property
    def chosen(self) -> bool:
        """Whether the shards were set at all (else one plain, unsharded client)."""
        return self.count is not None

    @property
    def shared(self) -> bool:
        """Whether other processes run the bot's other shards."""
        return self.count is not None and self.ids is not None and len(self.ids) < self.count

    def client_options(self) -> dict[str, object]:
        """discord.py's AutoShardedClient options for these shards."""
        options: dict[str, object] = {"shard_count": self.count}
        if self.ids is not None:
            options["shard_ids"] = list(self.ids)
        return options


ALL_SHARDS = Shards()
"""No shards chosen: one plain client, as a bot with one process runs."""


def parse_shards(ids: str | None, count: str | None) -> Shards:
    """`--shard-ids` and `--shard-count` as given on the command line; ConfigError names
    the option and says what it takes."""
    if ids is None and count is None:
        return ALL_SHARDS
    total = _count(count) if count is not None else None
    if ids is None:
        return Shards(None, total)
    if total is None:
        raise ConfigError(
            "--shard-ids needs --shard-count, the number of shards of the whole bot"
            " (e.g. --shard-ids 0,1 --shard-count 4)"
        )
    chosen: list[int] = []
    for part in ids.split(","):
        text = part.strip()
        if not (text.isascii() and text.isdigit()) or int(text) >= total:
            raise ConfigError(
                f"--shard-ids: {text[:20]!r} is not a shard of {total}; give numbers from 0"
                f" to {total - 1} joined with commas (e.g. 0,1)"
            )
        if int(text) in chosen:
            raise ConfigError(f"--shard-ids: shard {int(text)} is given twice")
        chosen.append(int(text))
    return Shards(tuple(sorted(chosen)), total)


def _count(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_SHARDS:
        raise ConfigError(
            f"--shard-count: {value[:20]!r} is not a number of shards; give a whole number"
            f" from 1 to {MAX_SHARDS}"
        )
    return int(value)
