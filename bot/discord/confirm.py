"""Yes/no buttons that confirm a destructive action about one numeric subject (a
person, a deck): one codec for `/forgetme` and `/deck remove`.

The custom_id names the action, the subject and the choice, parsed back by a strict
full-match pattern so the buttons keep working across restarts and a forged id is not
ours:

    quizbot:<action>:<subject id>:yes|no

Each action subclasses `ConfirmButton` with its template (`confirm_template`), labels
and what a press does (`press`, reported on error as every `PressButton`).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

import discord

from bot.discord.buttons import NEVER, PREFIX, PressButton
from bot.i18n import Translator


def confirm_template(action: str, max_digits: int) -> str:
    """The custom_id pattern of `action`'s buttons: a positive id of at most `max_digits`."""
    return (
        rf"{PREFIX}:{re.escape(action)}"
        rf":(?P<subject>[1-9][0-9]{{0,{max_digits - 1}}}):(?P<choice>yes|no)"
    )


class ConfirmButton(PressButton, template=NEVER):
    """The yes or the no of one confirmation. Subclasses set `action`, the labels (message
    ids, marked with `N_`) and `press`, and pass `template=confirm_template(action, ...)`.
    A button rebuilt from a press (`from_custom_id`) has no translator: its label is
    not shown again."""

    action: ClassVar[str]
    confirm_label: ClassVar[str]
    cancel_label: ClassVar[str]

    def __init__(self, subject: int, *, confirm: bool, t: Translator | None = None) -> None:
        label = self.confirm_label if confirm else self.cancel_label
        super().__init__(
            discord.ui.Button(
                label=t._(label) if t is not None else label,
                emoji="🗑" if confirm else None,
                style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
                custom_id=f"{PREFIX}:{self.action}:{subject}:{'yes' if confirm else 'no'}",
            )
        )
        self.subject = subject
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["subject"]), confirm=match["choice"] == "yes")


def confirm_view(button: type[ConfirmButton], subject: int, t: Translator) -> discord.ui.View:
    """The yes and the no button of one confirmation, kept across restarts."""
    view = discord.ui.View(timeout=None)
    view.add_item(button(subject, confirm=True, t=t))
    view.add_item(button(subject, confirm=False, t=t))
    return view
