"""The Telegram adapter: a python-telegram-bot Application around the quiz engine.

`app.build_application` wires everything; the handlers are thin and split by concern
(`commands`, `answers`, `groups`, `errors`), listed once in `registry` (the command
menu, /help and the handlers), messages are written in `render` (HTML,
escaped) and sent through `outbox` (split to fit, in the right forum topic). Every call
to Telegram passes `ratelimit.SharedRateLimiter`; `sender.TelegramSender` is what the
scheduler sends its daily questions, reveals and reminders with; `metering` feeds the
ops metrics from every Bot API call and update.
"""
