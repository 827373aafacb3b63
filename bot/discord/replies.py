"""Answering interactions within Discord's 3-second window.

Discord drops an interaction that gets no response within 3 seconds. Engine calls are
normally a few milliseconds, so handlers answer directly; `deferring` is a safety net
around the engine call: if it has not finished after `DEFER_AFTER` seconds, the
interaction is deferred ("thinking…") and the reply goes out as a follow-up instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import discord
from discord.utils import MISSING

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0
"""Seconds an engine call may take before the interaction is deferred."""


@contextlib.asynccontextmanager
async def deferring(
    interaction: discord.Interaction[Any], *, ephemeral: bool, update: bool = False
) -> AsyncIterator[None]:
    """Defer `interaction` if the enclosed work is still running after `DEFER_AFTER` s.

    `update=True` is for a button whose reply edits its own message (a deferred update);
    otherwise the deferral shows "thinking…" where the reply will appear.
    """
    deferral: asyncio.Task[Any] | None = None

    def defer_now() -> None:
        nonlocal deferral
        if not interaction.response.is_done():
            deferral = asyncio.create_task(_defer(interaction, ephemeral, update))

    handle = asyncio.get_running_loop().call_later(DEFER_AFTER, defer_now)
    try:
        yield
    finally:
        handle.cancel()
        if deferral is not None:
            await deferral


async def _defer(interaction: discord.Interaction[Any], ephemeral: bool, update: bool) -> None:
    try:
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    except discord.HTTPException as exc:
        log.warning("Could not defer interaction %s: %s", interaction.id, exc)


async def send(
    interaction: discord.Interaction[Any],
    *,
    content: str = MISSING,
    embed: discord.Embed = MISSING,
    view: discord.ui.View = MISSING,
    file: discord.File = MISSING,
    ephemeral: bool = False,
) -> int | None:
    """Reply to `interaction` (or follow up a deferred one); returns the message id."""
    if interaction.response.is_done():
        message = await interaction.followup.send(
            content=content, embed=embed, view=view, file=file, ephemeral=ephemeral, wait=True
        )
        return message.id
    callback = await interaction.response.send_message(
        content=content, embed=embed, view=view, file=file, ephemeral=ephemeral
    )
    return callback.message_id


async def edit(
    interaction: discord.Interaction[Any],
    *,
    content: str | None = MISSING,
    view: discord.ui.View | None = MISSING,
) -> None:
    """Edit the message a pressed button belongs to (directly, or after a deferral)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=content, view=view)
    else:
        await interaction.response.edit_message(content=content, view=view)


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private note (an error, a notice); never raises."""
    try:
        await send(interaction, content=text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("Could not answer interaction %s: %s", interaction.id, exc)
