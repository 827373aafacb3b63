"""Own decks on Discord through its fakes: /deck upload with a file attachment (downloaded
from the fake CDN), /decks and /deck use|all|remove in DMs and server channels."""

from __future__ import annotations

from typing import Any

from bot.engine.quiz import Engine
from tests.discord import payloads as p
from tests.discord.helpers import Exchange, Harness, buttons

CSV_DECK = (
    "question,answer,topic\n"
    'What does CAP stand for?,"Consistency, availability, partition tolerance",theory\n'
    "What is a quorum?,A majority of replicas that must agree,replication\n"
)
BOB_DM_CHANNEL_ID = 1300000000000000098


def dm(who: dict[str, Any]) -> dict[str, Any]:
    return p.dm_channel(who, p.DM_CHANNEL_ID if who is p.ALICE else BOB_DM_CHANNEL_ID)


async def dm_command(
    harness: Harness, name: str, *options: Any, who: dict[str, Any] = p.ALICE, resolved: Any = None
) -> Exchange:
    data = p.command_data(name, list(options), resolved)
    return await harness.deliver(p.interaction(2, data, channel=dm(who), who=who, in_guild=False))


async def upload(
    harness: Harness, data: bytes, filename: str, who: dict[str, Any] = p.ALICE, **kwargs: Any
) -> Exchange:
    option, resolved = p.attachment_option("file", filename, data, harness.api.cdn, **kwargs)
    return await dm_command(
        harness, "deck", p.subcommand("upload", [option]), who=who, resolved=resolved
    )


async def stored(engine: Engine) -> list[tuple[str, int]]:
    async with engine.store.read() as tx:
        return [(row.deck, row.questions) for row in await tx.own_decks.all()]


async def test_an_attached_csv_becomes_the_senders_deck(harness: Harness, engine: Engine) -> None:
    reply = await upload(harness, CSV_DECK.encode(), "Distributed.csv")

    assert "Added your deck **distributed**" in reply.texts
    assert "2 questions" in reply.texts
    assert "Grading looks for key points like these:" in reply.texts
    assert await stored(engine) == [("distributed", 2)]
    asked = await dm_command(harness, "quiz", p.string_option("topic", "distributed"))
    assert "CAP" in asked.texts or "quorum" in asked.texts


async def test_a_broken_attachment_is_refused_with_located_errors(
    harness: Harness, engine: Engine
) -> None:
    reply = await upload(harness, b"question,answer\nWhat?,\n", "broken.csv")

    assert "broken.csv:2:7: answer is empty" in reply.texts
    assert "nothing was stored" in reply.texts
    assert await stored(engine) == []


async def test_an_oversized_attachment_is_refused_before_downloading(
    harness: Harness, engine: Engine
) -> None:
    reply = await upload(harness, CSV_DECK.encode(), "big.csv", size=5_000_000)

    assert "too large" in reply.texts
    assert [c for c in harness.api.calls if c.method == "GET" and "cdn" in c.path] == []
    assert await stored(engine) == []


async def test_a_non_admin_cannot_choose_a_channels_decks(harness: Harness) -> None:
    refused = await harness.command("deck", p.subcommand("use", [p.string_option("ids", "mini")]))

    assert "Manage Server" in refused.texts
    assert refused.ephemeral


async def test_an_admins_own_deck_is_chosen_for_a_channel_and_asked(
    harness: Harness, engine: Engine
) -> None:
    await upload(harness, CSV_DECK.encode(), "distributed.csv")
    listing = await harness.command("decks", permissions=p.ADMIN)
    assert "distributed" in listing.texts and "yours" in listing.texts

    chosen = await harness.command(
        "deck", p.subcommand("use", [p.string_option("ids", "distributed")]), permissions=p.ADMIN
    )
    assert "Questions now come from **distributed** (2 questions)." in chosen.texts

    asked = await harness.command("quiz", who=p.BOB)
    assert "CAP" in asked.texts or "quorum" in asked.texts


async def test_another_person_cannot_use_someones_deck(harness: Harness) -> None:
    await upload(harness, CSV_DECK.encode(), "distributed.csv")

    refused = await dm_command(
        harness, "deck", p.subcommand("use", [p.string_option("ids", "distributed")]), who=p.BOB
    )
    assert "This chat cannot use **distributed**." in refused.texts
    listing = await dm_command(harness, "decks", who=p.BOB)
    assert "distributed" not in listing.texts


async def test_removing_ones_deck_after_confirming(harness: Harness, engine: Engine) -> None:
    await upload(harness, CSV_DECK.encode(), "distributed.csv")
    ask = await dm_command(
        harness, "deck", p.subcommand("remove", [p.string_option("id", "distributed")])
    )
    assert "Remove your deck **distributed**" in ask.texts
    remove = next(b["custom_id"] for b in buttons(ask.reply) if b["label"] == "Remove")

    done = await harness.press(ask.reply, remove)

    assert "Removed your deck **distributed**" in done.reply["content"]
    assert await stored(engine) == []
