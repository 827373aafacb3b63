"""Daily push, group reveals and streak reminders, for any chat platform.

Adapters implement `scheduler.sending.Sender`; the bot runs `scheduler.service.QuizScheduler`.
"""

from scheduler.limits import Limits, SendLimiter
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    Sender,
    SendError,
    SendRejected,
    SentMessage,
)
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings

__all__ = [
    "ChatMoved",
    "ChatTarget",
    "ChatUnreachable",
    "Limits",
    "OutcomeUnknown",
    "QuizScheduler",
    "ReminderStreak",
    "RetryLater",
    "SchedulerSettings",
    "SendError",
    "SendLimiter",
    "SendRejected",
    "Sender",
    "SentMessage",
]
