"""A killed `hiring reports` leaves no render child behind and none prints a traceback."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hiring.demo.build import build_demo
from hiring.reports.pdf_support import pango_available
from hiring.store.db import close_all

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not pango_available(), reason="PDF rendering needs Pango"),
]


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports") / "demo"
    ctx = build_demo(folder)
    role = ctx.db["job_roles"].get(1)["slug"]
    close_all()
    return folder, role


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def start_batch(instance, out: Path, stderr_file: Path) -> subprocess.Popen:
    folder, role = instance
    with stderr_file.open("w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "hiring", "--instance", str(folder), "reports",
             "--role", role, "--out", str(out), "--jobs", "2"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, like a command run in a terminal
        )  # fmt: skip


def renderers(process: subprocess.Popen) -> set[int]:
    """The render children (not multiprocessing's resource tracker) of the batch."""
    pids = set()
    for pid in children_of(process.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            pids.add(pid)
    return pids


@pytest.mark.parametrize(
    ("how", "when"),
    [
        (signal.SIGKILL, "starting"),  # the renderers are still loading WeasyPrint
        (signal.SIGKILL, "rendering"),  # a report or more is written
        (signal.SIGTERM, "rendering"),
        (signal.SIGINT, "rendering"),  # Ctrl+C reaches the whole process group
    ],
    ids=lambda value: value.name if isinstance(value, signal.Signals) else value,
)
def test_render_children_exit_quietly_when_the_batch_is_killed(instance, tmp_path, how, when):
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    batch = start_batch(instance, out, log)
    try:
        children = wait_until(lambda: renderers(batch) if len(renderers(batch)) == 2 else None, 60)
        assert children, "the batch never started its two renderers"
        if when == "rendering":
            assert wait_until(lambda: list(out.glob("*.pdf")), 120), "no report was written"
        if how == signal.SIGINT:
            os.killpg(batch.pid, signal.SIGINT)
        else:
            os.kill(batch.pid, how)
        batch.wait(timeout=60)
        assert wait_until(lambda: not any(alive(pid) for pid in children), 90), "renderers left"
    finally:
        if batch.poll() is None:
            batch.kill()
    errors = log.read_text()
    assert "Traceback" not in errors, errors
    assert "Error" not in errors, errors
    if how == signal.SIGINT:
        assert batch.returncode == 1 and errors.rstrip().endswith("Aborted!")
