"""Labels the fonts can draw: CJK through a system font, else a clean non-CJK prefix."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.progress.fonts import Fonts, clip, plain_label
from tests.progress.images import require_cjk_font_in_ci

LATIN = frozenset(range(0x20, 0x250))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DMLS ch1.1 何时使用机器学习", "DMLS ch1.1"),
        ("AIE ch8 – 数据", "AIE ch8"),
        ("Alice 小明", "Alice"),
        ("Gus 🚀", "Gus"),
        ("小明 (Ming)", "(Ming)"),
        ("小明", "fallback"),
        ("plain text", "plain text"),
    ],
)
def test_a_label_keeps_its_drawable_prefix(text: str, expected: str) -> None:
    assert plain_label(text, LATIN, "fallback") == expected


def test_fonts_keep_labels_they_can_draw(fonts: Fonts, plain_fonts: Fonts) -> None:
    assert plain_fonts.cjk_family is None
    assert plain_fonts.label("DMLS ch1.1 何时使用机器学习") == "DMLS ch1.1"
    if fonts.cjk_family is None:
        require_cjk_font_in_ci()
        pytest.skip("no CJK font on this machine (install fonts-noto-cjk or fonts-wqy-microhei)")
    assert fonts.label("DMLS ch1.1 何时使用机器学习") == "DMLS ch1.1 何时使用机器学习"
    assert fonts.families[0] == "DejaVu Sans"
    assert fonts.base_draws("Alice") and not fonts.base_draws("小明")


def test_clip_counts_wide_characters_double() -> None:
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 10 + "…"
    assert clip("中" * 10, 10) == "中" * 5 + "…"


def test_importing_the_engine_does_not_import_matplotlib() -> None:
    code = (
        "import sys, bot.engine.quiz, bot.progress.recap, bot.progress.export;"
        "import bot.progress.stats_chart, bot.progress.leaderboard_chart;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
