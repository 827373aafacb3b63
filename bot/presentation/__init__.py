"""What the bot says, for every platform at once: the sentences built from the engine's
results, written once.

- `wording` (streaks, reminders, export), `decks` (own decks), `recap` (the weekly
  recap): each takes the adapter's `markup.Markup` (escape, bold, code, italic), so
  escaping happens at the adapter and the words stay here.

The adapters (`bot.telegram.render`, `bot.discord.render`, `bot.console.render`) lay
these out as Telegram HTML, Discord embeds and Markdown, or terminal text. This package
imports the engine's result types, the decks and progress data, never a chat platform.
Engine errors are worded in `errors`.
"""
