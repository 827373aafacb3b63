"""Walk a package's imports through the source (ast), following the project's own modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: Path) -> set[str]:
    """Every module `path` imports, absolute names (`from a import b` yields a and a.b)."""
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else ""
    package = package or _module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def imports_reached(package: str) -> dict[str, set[str]]:
    """For each module reached from `package` (following `bot.*` imports): what it imports."""
    folder = ROOT.joinpath(*package.split("."))
    todo = [_module_name(path) for path in sorted(folder.rglob("*.py"))]
    reached: dict[str, set[str]] = {}
    while todo:
        module = todo.pop()
        path = _module_file(module)
        if module in reached or path is None:
            continue
        reached[module] = _imports_of(path)
        todo.extend(name for name in reached[module] if name.split(".")[0] == "bot")
    return reached


PLATFORM_PACKAGES = ("telegram", "discord", "bot.telegram", "bot.discord")


def platform_imports(package: str) -> list[str]:
    """`module -> import` for every chat-platform import reachable from `package`."""
    return sorted(
        f"{module} -> {name}"
        for module, names in imports_reached(package).items()
        for name in names
        if any(name == p or name.startswith(f"{p}.") for p in PLATFORM_PACKAGES)
    )
