"""Decks: the YAML format, its loader and validator, and the catalog of questions."""

from bot.decks.catalog import Catalog
from bot.decks.loader import ContentError, ContentIssue, Location, load_decks
from bot.decks.model import Deck, KeyPoint, Question

__all__ = [
    "Catalog",
    "ContentError",
    "ContentIssue",
    "Deck",
    "KeyPoint",
    "Location",
    "Question",
    "load_decks",
]
