"""A real task-queue worker for tests: `hiring worker` in a child process, as a user starts it."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from hiring.modeling import calibration_jobs
from hiring.store import queue


class Worker:
    """``python -m hiring --instance FOLDER worker`` on the app's database and queue."""

    def __init__(
        self, instance: str | Path, database: str | Path, queue_url: str = "", env=None
    ) -> None:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "HIRING_DATABASE": str(database),
            "HIRING_QUEUE_URL": queue_url,
            "HIRING_SMTP_HOST": "",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hiring",
                "--instance",
                str(instance),
                "worker",
                "--threads",
                "1",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.process.stdout.readline()  # the first line says it is working
        if "Working through the task queue" not in line:
            self.process.kill()  # never leave a worker running behind a failed start
            self.process.wait(30)
            raise AssertionError(line + self.output())

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """Stop reading and return what the worker printed (after it has stopped)."""
        if self.process.poll() is None:
            return ""
        return self.process.stdout.read()

    def stop(self) -> str:
        """Stop it as Ctrl+C would, and return what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with self.process.stdout:
            return self.process.stdout.read()


def wait_for_job(db, role_id: int, job_id: int, *, timeout: float = 120, claimed=False):
    """Poll a calibration job until it has ended (or, with ``claimed``, until a worker has it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = calibration_jobs.get_job(db, role_id, job_id)
        if (claimed and job.claimed) or not job.running:
            return job
        time.sleep(0.1)
    raise AssertionError(f"calibration job {job_id} still {job.status} after {timeout} s")


def run_queued_tasks(app, *, timeout: float = 30) -> None:
    """Work through the queue in this process, as a worker does, until nothing is left.

    Retries scheduled for later are waited for, so give the app a short
    ``MAIL_RETRY_SECONDS``. Uses Huey's own ``dequeue``, ``execute`` and ``read_schedule``.
    """
    queue.bind_app(app)
    huey = queue.huey
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for due in huey.read_schedule(datetime.now(UTC).replace(tzinfo=None)):
            huey.enqueue(due)
        task = huey.dequeue()
        if task is not None:
            huey.execute(task)
        elif not huey.scheduled_count():
            return
        else:
            time.sleep(0.05)
    raise AssertionError(f"tasks still queued after {timeout} s")
