"""Run a ``hiring`` command in a child process that SIGKILLs itself at a chosen call."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The child replaces MODULE.ATTR by a function that kills the process when one of its
# arguments contains MATCH (any call, when MATCH is empty), then runs the command.
_CHILD = """
import importlib, os, signal, sys
module_name, dotted, match, *args = sys.argv[1:]
owner = importlib.import_module(module_name)
*parents, name = dotted.split(".")
for part in parents:
    owner = getattr(owner, part)
original = getattr(owner, name)
def killer(*a, **k):
    if not match or any(match in str(x) for x in a):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*a, **k)
setattr(owner, name, killer)
from hiring.cli import cli
cli(args)
"""


def run_killed_at(instance: Path, target: str, *args: str, match: str = "") -> int:
    """Run ``hiring --instance INSTANCE ARGS``, killed at ``target`` ("module:attr")."""
    module, attr = target.split(":")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, module, attr, match, "--instance", str(instance), *args],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return done.returncode


KILLED = -signal.SIGKILL
