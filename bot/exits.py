"""How every command ends: its exit code, and the failure that stops a start.

0 success; 1 the work failed (the Bot API unreachable, a busy or corrupt database,
invalid decks, a failed backup or import); 2 the command cannot start as set (bad usage,
a missing or rejected token, a setting that points nowhere usable).

A setting's mistake is `bot.config.ConfigError` (exit 2); anything else that stops a start
is `StartupFailure` (exit 1). `bot.startup.report` prints either as one line.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class StartupFailure(Exception):
    """Something the bot needs failed (not a setting): exit 1. The message says what to do."""
