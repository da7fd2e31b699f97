"""The domain and its ports import only the standard library, msgspec and each other."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PURE_PACKAGES = ("creatorpulse/domain", "creatorpulse/ports")
ALLOWED_THIRD_PARTY = {"msgspec", "__future__"}
ALLOWED_OWN = ("creatorpulse.domain", "creatorpulse.ports")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def resolve(node: ast.ImportFrom, path: Path) -> str:
    """The absolute module an import-from names, relative levels resolved."""
    if node.level == 0:
        return node.module or ""
    base = package_of(path).split(".")
    if node.level - 1 > len(base) - 1:
        raise AssertionError(f"{path}: relative import climbs out of the package")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def imported_modules(source: str, path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in `source`, read as if it lived at `path`."""
    tree = ast.parse(source, filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = resolve(node, path)
            found.append((node.lineno, target))
            if node.level and not node.module:
                # `from . import x` imports the submodule x of the package
                found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and _called_name(node) in {"__import__", "import_module"}:
            found.append((node.lineno, "<dynamic import>"))
    return found


def allowed(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY:
        return True
    return any(module == own or module.startswith(own + ".") for own in ALLOWED_OWN)


PURE_FILES = sorted(p for pkg in PURE_PACKAGES for p in (SRC / pkg).rglob("*.py"))


def test_the_pure_packages_exist() -> None:
    assert len(PURE_FILES) > 10
    assert any(p.name == "schedule.py" for p in PURE_FILES)
    assert any("ports" in p.parts for p in PURE_FILES)


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_are_stdlib_msgspec_or_pure(path: Path) -> None:
    found = imported_modules(path.read_text(encoding="utf-8"), path)
    bad = [f"line {line}: {mod}" for line, mod in found if not allowed(mod)]
    assert not bad, f"{path.relative_to(SRC)} imports outside the pure core: {bad}"


# --- the checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("import os", True),
        ("from datetime import UTC", True),
        ("import msgspec.json", True),
        ("from __future__ import annotations", True),
        ("from creatorpulse.ports.clock import Clock", True),
        ("from . import errors", True),
        ("from ..use_cases import register", True),
        ("import httpx", False),
        ("from psycopg import sql", False),
        ("from creatorpulse.adapters.memory import x", False),
        ("from ...adapters import memory", False),
        ("from ... import entrypoints", False),
        ("import importlib; importlib.import_module('httpx')", False),
    ],
)
def test_checker_judges_imports(source: str, ok: bool) -> None:
    probe = SRC / "creatorpulse" / "domain" / "model" / "_probe.py"
    found = imported_modules(source, probe)
    assert found
    assert all(allowed(module) for _, module in found) is ok


def test_relative_imports_resolve_from_the_package() -> None:
    module = SRC / "creatorpulse" / "domain" / "model" / "users.py"
    package = SRC / "creatorpulse" / "ports" / "__init__.py"
    assert imported_modules("from .errors import X", module) == [
        (1, "creatorpulse.domain.model.errors")
    ]
    assert imported_modules("from .. import use_cases", module) == [
        (1, "creatorpulse.domain"),
        (1, "creatorpulse.domain.use_cases"),
    ]
    assert imported_modules("from .clock import Clock", package) == [
        (1, "creatorpulse.ports.clock")
    ]
