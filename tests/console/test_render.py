"""The terminal's rendering of deck Markdown: no raw markers on screen."""

from __future__ import annotations

from bot.console.render import plain_markdown


def test_deck_markdown_is_shown_without_its_markers() -> None:
    text = "# Masked LM\n- **fill in masked words**, *then* predict `[MASK]`\n  * 2*3 stays\n1. one"

    assert plain_markdown(text) == (
        "Masked LM\n• fill in masked words, then predict [MASK]\n  • 2*3 stays\n1. one"
    )
