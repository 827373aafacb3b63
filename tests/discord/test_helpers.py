"""The fakes stand in for aiohttp's real classes: same names, compatible signatures.

discord.py talks to the fake Discord only through `session.request(...)` and the
response it yields; if aiohttp changes those, these tests fail before the others lie.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord.http import HTTPClient
from discord.state import ConnectionState

from bot.discord.invite import PERMISSIONS
from tests.discord import payloads as p
from tests.discord.helpers import FakeResponse, FakeSession, Harness


def _public(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_") or name in _DUNDERS}


_DUNDERS = {"__aenter__", "__aexit__"}


@pytest.mark.parametrize(
    ("fake", "real"),
    [(FakeSession, aiohttp.ClientSession), (FakeResponse, aiohttp.ClientResponse)],
)
def test_fake_members_exist_on_the_real_class(fake: type, real: type) -> None:
    missing = {name for name in _public(fake) if not hasattr(real, name)}
    assert not missing, f"{fake.__name__} has members {real.__name__} lacks: {missing}"


@pytest.mark.parametrize(
    ("fake", "real"),
    [
        (FakeSession.request, aiohttp.ClientSession.request),
        (FakeSession.close, aiohttp.ClientSession.close),
        (FakeResponse.text, aiohttp.ClientResponse.text),
    ],
)
def test_fake_signatures_match_the_real_ones(
    fake: Callable[..., Any], real: Callable[..., Any]
) -> None:
    def shape(function: Callable[..., Any]) -> list[tuple[str, Any, bool]]:
        return [
            (param.name, param.kind, param.default is inspect.Parameter.empty)
            for param in inspect.signature(function).parameters.values()
        ]

    assert shape(fake) == shape(real)
    assert inspect.iscoroutinefunction(fake) == inspect.iscoroutinefunction(real)


def test_fake_response_attributes_are_real_attributes() -> None:
    annotations = inspect.get_annotations(aiohttp.ClientResponse)
    for name in ("status", "reason", "headers"):
        assert name in annotations or hasattr(aiohttp.ClientResponse, name), name


@pytest.mark.parametrize(
    ("owner", "method", "parameters"),
    [
        (ConnectionState, "parse_interaction_create", ["self", "data"]),
        (ConnectionState, "parse_guild_create", ["self", "data"]),
        (ConnectionState, "parse_channel_update", ["self", "data"]),
        (HTTPClient, "static_login", ["self", "token"]),
        (discord.Client, "_async_setup_hook", ["self"]),
    ],
)
def test_discord_entry_points_the_harness_drives_exist(
    owner: type, method: str, parameters: list[str]
) -> None:
    """The harness feeds gateway events and logs in the way discord.py itself does."""
    assert list(inspect.signature(getattr(owner, method)).parameters) == parameters


def test_interactions_use_the_http_clients_session() -> None:
    """Interaction responses go through the session the fake replaces."""
    assert "state.http._HTTPClient__session" in inspect.getsource(discord.Interaction.__init__)


async def test_payloads_parse_into_the_server_the_bot_was_invited_to(harness: Harness) -> None:
    guild = harness.bot.get_guild(p.GUILD_ID)
    assert guild is not None and guild.me is not None
    channel = guild.get_channel(p.QUIZ_CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    granted = channel.permissions_for(guild.me)
    assert granted >= PERMISSIONS
    assert not granted.manage_guild
