"""What every quizbot button on Discord shares: state in the custom_id, errors reported.

A button keeps its state (a delivery id, a rating, a subject) in its custom_id, parsed
back by a strict full-match pattern, so it keeps working across restarts and a forged id
is not ours. A press runs the subclass's `press`; whatever it raises is reported to the
presser (`report_error`), never dropped.

`DeliveryButton` is the common case: one button per question message, whose custom_id is
`quizbot:<action>:<delivery id>` (Answer, 💡 Hint, 🤷 I don't know).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

import discord

from bot.discord.errors import report_error

PREFIX = "quizbot"
ID = r"[1-9][0-9]{0,17}"
"""A positive database id: no sign, no leading zero, at most 18 digits."""

NEVER = r"(?!)"
"""The template of a base class: matches no custom_id, so only subclasses are routed."""


def delivery_template(action: str) -> str:
    """The custom_id pattern of `action`'s buttons on a question message."""
    return rf"{PREFIX}:{re.escape(action)}:(?P<delivery>{ID})"


class PressButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=NEVER):
    """A button whose press runs `press`, with any error reported to the presser."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.press(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError


class DeliveryButton(PressButton, template=NEVER):
    """A button under one question. Subclasses set `action`, `default_label`,
    `button_emoji`, `button_style` and `press`, and pass `template=delivery_template(action)`."""

    action: ClassVar[str]
    default_label: ClassVar[str]
    button_emoji: ClassVar[str | None] = None
    button_style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, delivery_id: int, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or self.default_label,
                emoji=self.button_emoji,
                style=self.button_style,
                custom_id=f"{PREFIX}:{self.action}:{delivery_id}",
            )
        )
        self.delivery_id = delivery_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["delivery"]))
