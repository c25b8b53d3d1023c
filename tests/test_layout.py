"""The layout shows the architecture: data flows one way, and no module or folder grows
past what a reader takes in at once (docs/style.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("planner", "models", "optimizer")
# What each layer must never import: the engine is pure, the tables know no web page.
FORBIDDEN = {
    "optimizer": ("flask", "flask_wtf", "wtforms", "sqlmodel", "sqlalchemy", "models",
                  "planner"),
    "models": ("flask", "flask_wtf", "wtforms", "planner"),
}
# docs/style.md ("Size") says "about" 300 and 400 lines and 12 modules; these leave that "about".
MOST_LINES = {"planner": 330, "optimizer": 420, "models": 330}
MOST_MODULES = 12


def _modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py")
                  if "migrations" not in path.relative_to(ROOT).parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module this file imports, at the top, in a function or for type checking."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = {f"{module}.{alias.name}" for alias in node.names}
            found.update(names)
            # `from package import module` depends on that module alone, as import-linter
            # counts it; a name the package itself defines depends on the package.
            if not all(_is_module(name) for name in names):
                found.add(module)
    return found


def _is_module(name: str) -> bool:
    """Whether this dotted name is a module or package of the repository."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_within(module: str, root: str) -> bool:
    return module == root or module.startswith(root + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_only_downwards(package: str) -> None:
    # the migrations too: Alembic runs them, and they are of their package's layer
    every_file = sorted((ROOT / package).rglob("*.py"))
    wrong = [f"{path.relative_to(ROOT)} imports {module}"
             for path in every_file for module in sorted(_imports(path))
             if any(_is_within(module, banned) for banned in FORBIDDEN[package])]
    assert wrong == []


def test_the_import_rule_sees_every_form_of_import(tmp_path: Path) -> None:
    module = ROOT / "optimizer" / "_layout_probe.py"
    try:
        module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                          "    from models import Plan\ndef f():\n    import flask\n"
                          "from . import planfile\n", encoding="utf-8")
        found = _imports(module)
        assert {"models", "models.Plan", "flask", "optimizer.planfile"} <= found
        assert "optimizer" not in found  # a module of the package, not the package itself
        module.write_text("from optimizer import Plan, planfile\n", encoding="utf-8")
        assert {"optimizer", "optimizer.planfile"} <= _imports(module)
    finally:
        module.unlink()


def _cycles(package: str) -> list[list[str]]:
    names = {_module_name(path): path for path in _modules(package)}
    imports = {name: _imports(path) for name, path in names.items()}  # each file read once
    graph = {name: sorted(other for other in names if other != name and other in imports[name])
             for name in names}
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in graph[name]:
            if state.get(other) == "open":
                cycles.append(trail[trail.index(other):] + [name, other]
                              if other in trail else [name, other])
            elif other not in state:
                visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return cycles


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_import_each_other_without_a_circle(package: str) -> None:
    assert _cycles(package) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_too_long(package: str) -> None:
    long = {str(path.relative_to(ROOT)): lines for path in _modules(package)
            if (lines := len(path.read_text(encoding="utf-8").splitlines()))
            > MOST_LINES[package]}
    assert long == {}


@pytest.mark.parametrize("package", [*PACKAGES, "tests"])
def test_no_folder_too_full(package: str) -> None:
    folders: dict[Path, int] = {}
    for path in _modules(package):
        folders[path.parent] = folders.get(path.parent, 0) + 1
    full = {str(folder.relative_to(ROOT)): count for folder, count in folders.items()
            if count > MOST_MODULES}
    assert full == {}
