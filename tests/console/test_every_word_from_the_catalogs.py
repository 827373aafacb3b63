"""Nothing the console says bypasses the catalogs: the real `quizbot console` in a
subprocess, its catalogs swapped for the pseudo-locale (`tests.i18n.pseudo`) before the
CLI starts, plays a whole session over a deck with no ASCII word in it. Any ASCII word
left in what it printed (outside commands, paths and the deck's ids) was not worded
through `t._`/`t.n_`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.i18n.pseudo import ZH_ONLY_DECK, ZH_ONLY_WORDS, untranslated_words

REPO = Path(__file__).resolve().parents[2]
UNDER_PSEUDO = (
    "import sys; from bot import i18n; from tests.i18n.pseudo import pseudo_translator; "
    "i18n._compiled = pseudo_translator; from bot.cli import main; sys.exit(main())"
)
"""`python -m bot`, with every catalog compiled to the pseudo-locale first."""
PATH = re.compile(r"(?:/[\w.@+-]+){2,}")
"""A file path the console prints (the /chart image, the decks' files)."""
SESSION = "\n".join(
    [
        "/help",
        "/streak",  # before any answer: nothing yet
        "/stats",
        "/topics",
        "/decks",
        "/deck use 不存在",
        "/quiz 量子力学",
        "/frobnicate",
        "?",  # the hint
        "热点数据放在内存里，可以减轻数据库压力。",
        "",
        "2",  # a rating
        "/idk",
        "/streak",
        "/stats",
        "/chart",
        "",  # an empty answer: the offer
        "/skip",
        "/quit",
        "",
    ]
)


def test_nothing_the_console_prints_bypasses_the_catalogs(tmp_path: Path) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if key != "TELEGRAM_BOT_TOKEN"},
        "QUIZBOT_DB": str(tmp_path / "quiz.db"),
        "QUIZBOT_CONTENT": str(ZH_ONLY_DECK),
        "PYTHONIOENCODING": "utf-8",
        "TMPDIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-c", UNDER_PSEUDO, "console", "--user", "小美", "--lang", "zh"],
        input=SESSION,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    shown = run.stdout
    assert "为什么要给数据库加缓存？" in shown and "小美" in shown  # it played the deck
    leaks = [
        (line, words)
        for line in shown.splitlines()
        if (words := untranslated_words(PATH.sub(" ", line), ZH_ONLY_WORDS))
    ]
    assert leaks == [], "\n".join(f"{words}: {line}" for line, words in leaks)
