"""Guard: no money or score path uses float, and the pure engine does not import Django.

Each offender is reported as `path:line: what`, so a failure names the exact place to fix.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scoring", "reports", "indicators", "projects")
PURE = ("scoring/rules.py", "scoring/types.py")


def python_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        base = ROOT / package
        if not base.is_dir():
            continue
        files += [p for p in sorted(base.rglob("*.py")) if "migrations" not in p.relative_to(ROOT).parts]
    return files


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def float_offenders(tree: ast.AST, name: str) -> list[str]:
    """`float(` calls, float literals and any use of the math module, as `name:line: what`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
            found.append(f"{name}:{node.lineno}: float(...) call")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{name}:{node.lineno}: float literal {node.value!r}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "math" or alias.name.startswith("math."):
                    found.append(f"{name}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "math":
            found.append(f"{name}:{node.lineno}: from math import ...")
    return found


def django_imports(tree: ast.AST, name: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        found += [f"{name}:{node.lineno}: imports {m}" for m in modules if m == "django" or m.startswith("django.")]
    return found


FILES = python_files()


def test_the_guard_sees_the_engine():
    names = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert {"scoring/rules.py", "scoring/types.py", "scoring/schemes.py"} <= names
    assert not any("migrations" in n for n in names)


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_no_float_in_money_or_score_paths(path):
    offenders = float_offenders(parse(path), path.relative_to(ROOT).as_posix())
    assert not offenders, "float found on a money/score path:\n" + "\n".join(offenders)


@pytest.mark.parametrize("relative", PURE)
def test_pure_engine_imports_nothing_from_django(relative):
    offenders = django_imports(parse(ROOT / relative), relative)
    assert not offenders, "the pure engine must not import Django:\n" + "\n".join(offenders)


SAMPLES = [
    pytest.param("x = float(value)\n", ["m.py:1: float(...) call"], id="float-call"),
    pytest.param("\n\nrate = 0.9\n", ["m.py:3: float literal 0.9"], id="float-literal"),
    pytest.param("x = 1e3\n", ["m.py:1: float literal 1000.0"], id="exponent-literal"),
    pytest.param("import math\n", ["m.py:1: import math"], id="import-math"),
    pytest.param("import os, math as m\n", ["m.py:1: import math"], id="import-math-aliased"),
    pytest.param("from math import floor\n", ["m.py:1: from math import ..."], id="from-math"),
    pytest.param(
        "ok = isinstance(v, float)\nd = Decimal('0.9')\nn: float | None = None\n", [], id="isinstance-and-text-ok"
    ),
    pytest.param("from .math import x\nimport mathutils\n", [], id="not-the-math-module"),
]


@pytest.mark.parametrize(("source", "expected"), SAMPLES)
def test_guard_detects_and_names_offenders(source, expected):
    assert float_offenders(ast.parse(source), "m.py") == expected


def test_guard_detects_django_imports():
    source = "import django\nfrom django.db import models\nfrom djangoish import x\n"
    assert django_imports(ast.parse(source), "r.py") == ["r.py:1: imports django", "r.py:2: imports django.db"]
