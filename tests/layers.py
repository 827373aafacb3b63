"""The layer rule of the code, as data, and a checker that reads a source tree (ast).

The layers, bottom to top (ARCHITECTURE.md draws them):

    base          bot (the version), bot.config, bot.errors, bot.exits, bot.i18n
    decks         bot.decks          reading and checking decks
    store         bot.store          all SQL (may use the decks' plain types)
    engine        bot.engine         the quiz itself: store, decks and itself only
    progress      bot.progress       charts, exports, recaps
    scheduler     scheduler          the daily push, reveals, reminders
    ops           bot.ops            health, metrics, backups, logging, the wiring
    presentation  bot.presentation   what the bot says: views and wording
    adapters      bot.telegram, bot.discord, bot.console (never each other)
    top           bot.cli, bot.startup, bot.__main__

A module may import its own layer and any layer of a lower rank; two layers of the same
rank never import each other. The chat platforms' libraries (`telegram`, `discord`) are
for their adapter and the top only; charts (`matplotlib`) start at progress. A module
under `bot` or `scheduler` that no layer claims is an error too, so that a new package
gets a place in the picture before it gets callers.

The checker takes the tree's root, so that a test can run it on a small synthetic tree.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("bot", "scheduler")
"""Top-level folders whose modules are layered."""


@dataclass(frozen=True, slots=True)
class Layer:
    name: str
    rank: int
    modules: tuple[str, ...]
    """Packages or modules; a module belongs to the layer naming it or a package above it."""
    libraries: tuple[str, ...] = ()
    """Third-party packages only this layer (and the top) may import."""


LAYERS = (
    Layer("base", 0, ("bot.config", "bot.errors", "bot.exits", "bot.i18n")),
    Layer("decks", 1, ("bot.decks",)),
    Layer("store", 2, ("bot.store",)),
    Layer("engine", 3, ("bot.engine",)),
    Layer("progress", 4, ("bot.progress",)),
    Layer("scheduler", 5, ("scheduler",)),
    Layer("ops", 6, ("bot.ops",)),
    Layer("presentation", 7, ("bot.presentation",)),
    Layer("telegram", 8, ("bot.telegram",), libraries=("telegram",)),
    Layer("discord", 8, ("bot.discord",), libraries=("discord",)),
    Layer("console", 8, ("bot.console",)),
    Layer("top", 9, ("bot.cli", "bot.startup", "bot.__main__")),
)
BASE = LAYERS[0]
TOP = LAYERS[-1]
PACKAGE_ROOT = "bot"
"""The package itself (`bot/__init__.py`: the version) belongs to the base."""
CHARTS = ("matplotlib",)
CHARTS_FROM_RANK = 4
"""Charts start at progress: decks, store and engine draw nothing."""


def _within(module: str, name: str) -> bool:
    return module == name or module.startswith(f"{name}.")


def layer_of(module: str) -> Layer | None:
    """The layer `module` belongs to (the longest name that claims it), or None."""
    if module == PACKAGE_ROOT:
        return BASE
    best: tuple[int, Layer] | None = None
    for layer in LAYERS:
        for name in layer.modules:
            if _within(module, name) and (best is None or len(name) > best[0]):
                best = (len(name), layer)
    return best[1] if best else None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules(root: Path) -> dict[str, Path]:
    """Every module of the layered packages under `root`, by name."""
    return {
        module_name(path, root): path
        for package in PACKAGES
        if (root / package).is_dir()
        for path in sorted((root / package).rglob("*.py"))
    }


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    line: int
    target: str
    """The module imported: `from a import b` names `a.b` when that is a module, else `a`."""


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    """What `module` (at `path`) imports, at every depth (imports inside functions count)."""
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(Import(module, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.append(Import(module, node.lineno, sub if sub in known else source))
    return found


def wrong_way(source: Import) -> str | None:
    """Why this import points the wrong way, or None when it is allowed."""
    here, there = layer_of(source.module), layer_of(source.target)
    top_package = source.target.split(".")[0]
    if here is None:
        return f"{source.module} is in no layer (add it to LAYERS in tests/layers.py)"
    if top_package not in PACKAGES:
        owners = [layer for layer in LAYERS if top_package in layer.libraries]
        if owners and here not in (*owners, TOP):
            return f"the {here.name} layer imports the chat platform {top_package}"
        if top_package in CHARTS and here.rank < CHARTS_FROM_RANK:
            return f"the {here.name} layer imports charts ({top_package})"
        return None
    if there is None:
        return f"{source.target} is in no layer (add it to LAYERS in tests/layers.py)"
    if there is here or there.rank < here.rank:
        return None
    if there.rank == here.rank:
        return f"the {here.name} layer imports its neighbour {there.name}"
    return f"the {here.name} layer imports {there.name}, a layer above it"


@dataclass(frozen=True, slots=True)
class Violation:
    module: str
    line: int
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}: {self.why}"


def layer_violations(root: Path) -> list[Violation]:
    """Every wrong-way import of the tree at `root`, in module order."""
    modules = source_modules(root)
    known = set(modules)
    found: dict[Violation, None] = {}  # ordered, and `from a import b, c` counts once
    for module, path in modules.items():
        for source in imports_of(module, path, known):
            why = wrong_way(source)
            if why is not None:
                found[Violation(module, source.line, source.target, why)] = None
    return list(found)


MAX_MODULE_LINES = 700
MAX_PUBLIC_METHODS = 25
SIZED_FOLDERS = ("bot", "scheduler", "tests", "benchmarks")


def python_files(root: Path) -> list[Path]:
    return [
        path
        for folder in SIZED_FOLDERS
        if (root / folder).is_dir()
        for path in sorted((root / folder).rglob("*.py"))
    ]


def oversized_modules(root: Path, limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    """`path: lines` of every Python file over `limit` lines (paths relative to root)."""
    sizes = {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in python_files(root)
    }
    return {path: lines for path, lines in sizes.items() if lines > limit}


def public_methods(node: ast.ClassDef) -> list[str]:
    """The functions a class body defines whose names do not start with `_`."""
    return [
        item.name
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        and not item.name.startswith("_")
    ]


def crowded_classes(root: Path, limit: int = MAX_PUBLIC_METHODS) -> dict[str, int]:
    """`module.Class: count` of every class defining more than `limit` public methods."""
    found = {}
    for path in python_files(root):
        module = module_name(path, root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and len(public_methods(node)) > limit:
                found[f"{module}.{node.name}"] = len(public_methods(node))
    return found
