"""quizbot: a daily interview-prep quiz for Telegram, Discord and the terminal."""

__version__ = "0.1.0"
