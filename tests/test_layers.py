"""The layers hold: no import points the wrong way, no module or class grows into a room.

The rule lives in `tests/layers.py` (and as a picture in ARCHITECTURE.md). Every check
holds for the whole tree, with no exceptions listed; the checker itself is tested below on
small trees made to break each rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.layers import (
    Violation,
    crowded_classes,
    imports_of,
    layer_violations,
    oversized_modules,
    source_modules,
)

ROOT = Path(__file__).resolve().parents[1]


@cache
def _violations_of_this_tree() -> tuple[Violation, ...]:
    return tuple(layer_violations(ROOT))


def _within(module: str, name: str) -> bool:
    return module == name or module.startswith(f"{name}.")


def test_no_import_points_the_wrong_way() -> None:
    wrong = [str(violation) for violation in _violations_of_this_tree()]
    assert wrong == [], "imports that point the wrong way:\n" + "\n".join(wrong)


def test_no_module_is_over_700_lines() -> None:
    assert oversized_modules(ROOT) == {}


def test_no_class_has_over_25_public_methods() -> None:
    assert crowded_classes(ROOT) == {}


def test_the_engine_and_the_store_reach_no_chat_platform() -> None:
    # The layer rule makes this hold transitively; said here plainly as well.
    modules = source_modules(ROOT)
    platform = [
        f"{module} -> {source.target}"
        for module, path in modules.items()
        if _within(module, "bot.engine") or _within(module, "bot.store")
        for source in imports_of(module, path, set(modules))
        if source.target.split(".")[0] in ("telegram", "discord")
        or _within(source.target, "bot.telegram")
        or _within(source.target, "bot.discord")
    ]
    assert platform == []


def test_the_import_reader_sees_the_real_trees_imports() -> None:
    modules = source_modules(ROOT)

    def targets(module: str) -> set[str]:
        return {source.target for source in imports_of(module, modules[module], set(modules))}

    assert "fsrs" in targets("bot.engine.srs")
    assert any(
        "aiosqlite" in targets(module) for module in modules if module.startswith("bot.store")
    )
    assert "bot.decks.model" in targets("bot.engine.grading")


# -- the checker itself, on a tree made for it --------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _packages(root: Path) -> dict[str, str]:
    return {
        "bot/__init__.py": "",
        "bot/decks/__init__.py": "",
        "bot/decks/model.py": "X = 1\n",
        "bot/store/__init__.py": "",
        "bot/engine/__init__.py": "",
        "bot/progress/__init__.py": "",
        "bot/telegram/__init__.py": "",
        "bot/discord/__init__.py": "",
        "scheduler/__init__.py": "",
    }


def test_a_clean_tree_has_no_violations(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {
        "bot/engine/quiz.py": "from bot.decks.model import X\nfrom bot.store import y\n",
        "bot/telegram/app.py": "import telegram\nfrom bot.engine import quiz\n",
        "scheduler/daily.py": "from bot.engine.quiz import run\n",
    }
    assert layer_violations(_tree(tmp_path, files)) == []


def test_the_engine_importing_a_chat_adapter_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {"bot/engine/quiz.py": "from bot.telegram import app\n"}
    (violation,) = layer_violations(_tree(tmp_path, files))
    assert (violation.module, violation.line) == ("bot.engine.quiz", 1)
    assert violation.target == "bot.telegram"
    assert "layer above it" in violation.why


def test_decks_importing_the_engine_inside_a_function_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {
        "bot/engine/grading.py": "",
        "bot/decks/loader.py": "def f():\n    from ..engine import grading\n",
    }
    (violation,) = layer_violations(_tree(tmp_path, files))
    assert (violation.module, violation.line, violation.target) == (
        "bot.decks.loader",
        2,
        "bot.engine.grading",
    )


def test_one_adapter_importing_another_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {
        "bot/discord/render.py": "",
        "bot/telegram/render.py": "from bot.discord.render import x\n",
    }
    (violation,) = layer_violations(_tree(tmp_path, files))
    assert "neighbour discord" in violation.why


def test_the_scheduler_importing_a_chat_platform_library_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {"scheduler/send.py": "import discord\nimport telegram.ext\n"}
    violations = layer_violations(_tree(tmp_path, files))
    assert [violation.target for violation in violations] == ["discord", "telegram.ext"]


def test_the_engine_drawing_charts_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {"bot/engine/quiz.py": "import matplotlib.pyplot\n"}
    (violation,) = layer_violations(_tree(tmp_path, files))
    assert "charts" in violation.why


def test_a_package_in_no_layer_is_caught(tmp_path: Path) -> None:
    files = _packages(tmp_path) | {"bot/gadgets/__init__.py": ""}
    (violation,) = layer_violations(
        _tree(tmp_path, {**files, "bot/cli.py": "import bot.gadgets\n"})
    )
    assert "bot.gadgets is in no layer" in violation.why


def test_size_and_class_checks_count_lines_and_public_methods(tmp_path: Path) -> None:
    methods = "".join(f"    def m{i}(self): ...\n" for i in range(26))
    private = "".join(f"    def _m{i}(self): ...\n" for i in range(40))
    files = {
        "bot/big.py": "x = 1\n" * 701,
        "bot/fine.py": "x = 1\n" * 700,
        "bot/crowded.py": f"class Crowded:\n{methods}\nclass Quiet:\n{private}",
    }
    root = _tree(tmp_path, files)
    assert oversized_modules(root) == {"bot/big.py": 701}
    assert crowded_classes(root) == {"bot.crowded.Crowded": 26}
