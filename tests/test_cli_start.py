"""The CLI starts light: --help, the light commands and the worker import no heavy library."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest

from hiring.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {"sklearn", "scipy", "weasyprint", "pandas", "skops", "fairlearn", "matplotlib"}
# what a light command needs no more than the heavy ones: numpy (which sqlite-utils would
# import for its type map, see store/lean_imports.py) and the API's libraries
NOT_LIGHT = HEAVY | {"numpy", "flask_smorest", "marshmallow", "webargs"}
QUESTIONNAIRE = next((ROOT / "questionnaires").glob("*.yaml"))


def imported_modules(importtime_output: str) -> set[str]:
    """Return the top-level packages named in ``python -X importtime`` output."""
    names = set()
    for line in importtime_output.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                names.add(name.split(".")[0])
    return names


def run_with_importtime(*args: str, env: dict | None = None) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "hiring", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    return result.stdout, imported_modules(result.stderr)


def test_help_lists_every_command_without_importing_a_heavy_library():
    output, modules = run_with_importtime("--help")
    assert all(f"  {name} " in output for name in COMMANDS)
    assert not modules & HEAVY, modules & HEAVY
    assert "flask" not in modules  # not even the web framework: --help builds no app


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("start") / "inst"
    run_with_importtime("--instance", str(folder), "init")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("users", "list"),
        ("roles", "list"),
        ("candidates", "list"),
        ("db", "upgrade"),
        ("questionnaire", "check", str(QUESTIONNAIRE)),
    ],
    ids=" ".join,
)
def test_light_commands_import_no_heavy_library(instance, args):
    _output, modules = run_with_importtime("--instance", str(instance), *args)
    assert "flask" in modules or args[0] == "questionnaire"  # the test sees real imports
    forbidden = HEAVY if args[0] == "questionnaire" else NOT_LIGHT  # checking scores uses numpy
    assert not modules & forbidden, modules & forbidden


@pytest.mark.slow
def test_init_imports_no_heavy_library(tmp_path):
    _output, modules = run_with_importtime("--instance", str(tmp_path / "new"), "init")
    assert not modules & NOT_LIGHT, modules & NOT_LIGHT


@pytest.mark.slow
def test_the_queue_worker_is_ready_before_importing_a_heavy_library(instance, tmp_path):
    errors = tmp_path / "importtime.txt"
    with errors.open("w") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "hiring", "--instance", str(instance),
             "worker", "--threads", "1"],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "HIRING_QUEUE_URL": ""},
        )  # fmt: skip
        try:
            assert "Working through the task queue" in worker.stdout.readline()
        finally:
            worker.send_signal(signal.SIGINT)
            worker.communicate(timeout=60)
    modules = imported_modules(errors.read_text())
    assert "huey" in modules
    assert not modules & HEAVY, modules & HEAVY


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_short_help_is_the_commands_own(name):
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert COMMANDS[name][2] == command.get_short_help_str(limit=1000)


def test_an_unknown_command_is_still_a_usage_error(run):
    result = run("no-such-command")
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output


def test_numpy_imported_after_sqlite_utils_still_gets_its_column_types(tmp_path):
    """sqlite-utils is loaded without numpy; importing numpy later maps its types after all."""
    code = f"""
import sys
import hiring  # installs the lean loader, as every command does
import sqlite_utils
assert "numpy" not in sys.modules and "pandas" not in sys.modules
import numpy as np
from sqlite_utils.db import COLUMN_TYPE_MAPPING
assert COLUMN_TYPE_MAPPING[np.int64] == "INTEGER" and COLUMN_TYPE_MAPPING[np.float32] == "REAL"
db = sqlite_utils.Database({str(tmp_path / "t.db")!r})
db["t"].insert({{"n": np.int64(3), "x": np.float64(0.5)}})
print(db["t"].columns_dict)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "{'n': <class 'int'>, 'x': <class 'float'>}"
