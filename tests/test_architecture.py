"""The package layout and its import contracts (pyproject.toml, docs/architecture.md)."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hiring"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CORE_CONTRACT = "The statistics core imports no Flask, no database, no WeasyPrint and no use case"
LAYERS_CONTRACT = "Faces on top, then the areas in one order"
CYCLES_CONTRACT = "No import cycles"


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on the package found in ``cwd`` with that folder's pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(cwd / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_committed_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("assessment/scoring.py", "import flask", CORE_CONTRACT),
        ("modeling/model.py", "import sqlite_utils", CORE_CONTRACT),
        ("fairness/impact.py", "from weasyprint import HTML", CORE_CONTRACT),
        ("assessment/norms.py", "from hiring.assessment import reliability", CYCLES_CONTRACT),
        ("store/db.py", "from hiring.roles import services", LAYERS_CONTRACT),
        ("candidates/erasure.py", "from hiring.workspace import decisions", LAYERS_CONTRACT),
    ],
)
def test_a_planted_violation_breaks_its_contract(tmp_path, module, line, broken):
    shutil.copytree(PACKAGE, tmp_path / "hiring", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "hiring" / module
    target.write_text(target.read_text() + f"\n{line}  # planted by the test\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = " ".join(result.stdout.split())  # the report wraps long contract names
    assert broken in report.split("Broken contracts", 1)[1]


def _docstring(path: Path) -> str | None:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


def test_the_top_of_the_package_reads_like_the_product():
    entries = [p for p in PACKAGE.iterdir() if p.name != "__pycache__" and p.name != "_data"]
    # the three files and the areas of STYLE.md's shape (team/ and webhooks/ included)
    assert len(entries) <= 17, sorted(p.name for p in entries)
    assert sorted(p.name for p in entries if p.is_file()) == [
        "__init__.py",
        "__main__.py",
        "errors.py",
    ]


@pytest.mark.parametrize(
    "package",
    sorted(p.parent for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_subpackage_says_its_job_in_one_line(package):
    docstring = _docstring(package / "__init__.py")
    assert docstring, f"{package.relative_to(ROOT)} has no docstring"
    assert "\n" not in docstring.split("\n\n")[0].strip()


@pytest.mark.parametrize(
    "module",
    sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_module_has_a_docstring(module):
    assert _docstring(module), f"{module.relative_to(ROOT)} has no docstring"
