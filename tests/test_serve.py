"""The demo command starts a real waitress server that answers on loopback."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_hiring_demo_serves_the_sign_in_page(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hiring",
            "demo",
            "--folder",
            str(tmp_path / "demo"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        page = wait_for(f"http://127.0.0.1:{port}/auth/login").decode()
        assert "Sign in" in page
        assert wait_for(f"http://127.0.0.1:{port}/static/style.css")
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in output
    assert "admin" in output


def hiring_command(*args, **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -m hiring ARGS`` as a user would, capturing what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "hiring", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_serve_on_a_busy_port_says_so_in_one_line_before_opening_the_instance(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = hiring_command("--instance", str(tmp_path / "inst"), "serve", "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Error: Cannot listen on 127.0.0.1:{port}: it is already in use, perhaps by another "
        "`hiring serve` or `hiring demo`. Stop what uses it or choose another --port."
    )
    assert not (tmp_path / "inst").exists()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_stopping_a_one_process_server_with_sigterm_stops_its_queue_worker(tmp_path):
    port, workers = free_port(), []
    env = {**os.environ, "HIRING_WORKERS": "1", "HIRING_QUEUE_URL": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "hiring", "--instance", str(tmp_path / "inst"), "serve",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        deadline = time.monotonic() + 30
        while not (workers := children_of(server.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert workers, "no queue worker beside the server"
        server.terminate()
        assert server.wait(timeout=30) == 0
        deadline = time.monotonic() + 30
        while any(os.path.exists(f"/proc/{pid}") for pid in workers):
            assert time.monotonic() < deadline, "the queue worker outlived its server"
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in workers:  # a worker left behind by a failure, not by the test
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
