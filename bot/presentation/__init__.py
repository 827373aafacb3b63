"""What the bot says, for every platform at once: neutral views of the engine's results
and the sentences built from them.

- views (`feedback`, `reveal`): typed values computed once from the engine's results
  (verdict code, points covered with their evidence, ranks and medals), so no adapter
  decides those on its own;
- wording (`feedback`, `reveal`, `leaderboard`, `stats`, `wording`, `decks`, `recap`):
  the sentences the adapters share, each a function taking the adapter's `Markup`
  (`markup.Markup`: escape, bold, code, italic), so escaping happens at the adapter and
  a sentence is written in one place (where a translation call belongs).

The adapters (`bot.telegram.render`, `bot.discord.render`, `bot.console.render`) lay
these out as Telegram HTML, Discord embeds and Markdown, or terminal text, and keep the
sentences only their platform says. This package imports the engine's result types, the
decks and the progress data, never a chat platform.
Engine errors are worded in `errors`.
"""
