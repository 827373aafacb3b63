"""What a Discord bot needs to be invited: scopes, permissions, and the setup help text."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    use_application_commands=True,
)
"""View Channel, Send Messages, Embed Links, Read Message History, Use Application Commands."""


def invite_url(application_id: int | str) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


TOKEN_HELP = f"""\
quizbot run --platform discord: DISCORD_BOT_TOKEN is not set.

To get a token:
  1. Open https://discord.com/developers/applications and press "New Application".
  2. Under "Bot", press "Reset Token" and copy the token. No privileged intents are
     needed: the bot works through slash commands and buttons only.
  3. Invite the bot to your server with this URL (APPLICATION_ID is on the app's
     "General Information" page):
     https://discord.com/oauth2/authorize?client_id=APPLICATION_ID&scope={"+".join(SCOPES)}&permissions={PERMISSIONS.value}
     (scopes: {" ".join(SCOPES)}; permissions {PERMISSIONS.value} = View Channel,
     Send Messages, Embed Links, Read Message History, Use Application Commands)

Then:

    export DISCORD_BOT_TOKEN=...
    quizbot run --platform discord

To try the quiz without any token, play it in this terminal:

    quizbot console
"""
