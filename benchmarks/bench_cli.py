"""Benchmark: how long the ``hiring`` command takes to start, against ``import click``.

Run ``python benchmarks/bench_cli.py [--runs 15]``.

Each command runs as a user runs it, in a new process (``python -m hiring ...``), and is timed
by the wall clock from start to exit; the queue worker from start until it says it is
working through the queue. The baseline is ``python -c "import click"`` in the same run: the
least a click program can cost. The commands take turns, run after run, so a busy machine
slows them all alike; the figure is each one's median. The target is ``hiring --help``
within ``TARGET``x the baseline; the light commands (which open the instance, so they build
the app and its database connection) and the worker are shown against the same baseline,
and against the floor of any such command: importing Flask and sqlite-utils and nothing
else (``import hiring`` first, so sqlite-utils loads as it does in a command).
The exit status is 1 when ``hiring --help`` misses the target.

Python's compiled modules are kept (in a temporary folder, ``PYTHONPYCACHEPREFIX``) and one
unmeasured run of each command fills them first, as ``pip install`` does for a user:
compiling our 130 modules anew would add about 0.4 s to every start.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET = 3.0
FLOOR = "floor: import flask, sqlite_utils"
ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": str(ROOT),
    "PYTHONUNBUFFERED": "1",
    "HIRING_QUEUE_URL": "",
}


def run_to_exit(args: list[str]) -> Callable[[], float]:
    """A timer of one run of ``args`` until it exits (it must succeed)."""

    def timed() -> float:
        start = time.perf_counter()
        subprocess.run(
            args, check=True, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        return time.perf_counter() - start

    return timed


def run_until_ready(args: list[str], ready: str) -> Callable[[], float]:
    """A timer of ``args`` until it prints a line with ``ready``; then it is stopped (Ctrl+C)."""

    def timed() -> float:
        start = time.perf_counter()
        process = subprocess.Popen(
            args, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = process.stdout.readline()
        elapsed = time.perf_counter() - start
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        if ready not in line:
            raise SystemExit(f"{' '.join(args)} printed {line!r} instead of being ready")
        return elapsed

    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (median)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ENV["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        instance = str(Path(folder) / "instance")
        hiring = [sys.executable, "-m", "hiring"]
        subprocess.run([*hiring, "--instance", instance, "init"], check=True, env=ENV,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        cases = {
            'python -c "import click"': run_to_exit([sys.executable, "-c", "import click"]),
            FLOOR: run_to_exit([sys.executable, "-c", "import hiring, click, flask, sqlite_utils"]),
            "hiring --help": run_to_exit([*hiring, "--help"]),
            "hiring users list": run_to_exit([*hiring, "--instance", instance, "users", "list"]),
            "hiring roles list": run_to_exit([*hiring, "--instance", instance, "roles", "list"]),
            "hiring worker (until ready)": run_until_ready(
                [*hiring, "--instance", instance, "worker", "--threads", "1"],
                "Working through the task queue",
            ),
        }
        for timed in cases.values():  # fill the cache of compiled modules
            timed()
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.runs):
            for name, timed in cases.items():
                times[name].append(timed())
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians['python -c "import click"']
    print(f"Median wall-clock start time of {options.runs} runs each, taking turns:")
    for name, value in medians.items():
        print(f"  {name:<36} {value * 1000:7.0f} ms  {value / baseline:5.1f}x the baseline")
    floor = medians[FLOOR]
    print(
        f"Any command that opens the instance builds the Flask app on its SQLite database: "
        f"importing Flask and sqlite-utils alone is {floor / baseline:.1f}x the baseline. "
        "Against that floor:"
    )
    for name, value in medians.items():
        if name.startswith("hiring ") and name != "hiring --help":
            print(f"  {name:<36} {value / floor:5.1f}x the floor")
    ratio = medians["hiring --help"] / baseline
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"hiring --help is {ratio:.1f}x `import click`: {verdict} the target of {TARGET:.0f}x.")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
