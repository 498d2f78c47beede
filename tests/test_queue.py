"""The task queue: Redis mode, scheduled tasks, bad settings, and `hiring serve` with its worker."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from calibration_data import calibrated_role, make_role, scores_csv
from candidate_records import insert_candidate
from queue_support import Worker, wait_for_job
from test_serve import free_port, wait_for

from hiring import create_app
from hiring.accounts.audit import now_iso
from hiring.candidates import tasks as candidate_tasks
from hiring.demo.synthetic import COMPETENCY_IDS, FEATURE_IDS, simulate_applicants
from hiring.modeling import calibration, tasks
from hiring.modeling.incumbents import Criterion
from hiring.store import queue
from hiring.store.db import close_all, get_db

REDIS_URL = os.environ.get("HIRING_TEST_REDIS_URL", "")


def redis_database(url: str, number: int) -> str:
    """The same server, database ``number``: tests running at once must not share a queue,
    or one test's worker takes the other's tasks and runs them against the wrong instance."""
    return url.rsplit("/", 1)[0] + f"/{number}" if url.count("/") >= 3 else f"{url}/{number}"


@pytest.fixture
def redis_app(tmp_path):
    """An app whose queue is kept in the Redis server that CI starts."""
    if not REDIS_URL:
        message = "no Redis server: set HIRING_TEST_REDIS_URL (.ci/run starts one)"
        if os.environ.get("HIRING_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE": str(tmp_path / "instance" / "test.sqlite3"),
            "SECRET_KEY": "test-secret-key",
            "QUEUE_URL": redis_database(REDIS_URL, 1),
        }
    )
    queue.huey.flush()
    yield app
    queue.huey.flush()
    queue.configure("", tmp_path / "instance")  # leave the process's queue embedded
    close_all()


def test_a_redis_queue_carries_a_calibration_to_a_worker(redis_app):
    db = get_db(redis_app.config["DATABASE"])
    role = make_role(db, title="Phone agent")
    calibration.import_incumbents(db, role["id"], scores_csv(120), Criterion("high_performer"))
    assert queue.describe().startswith("Redis at ") and not queue.is_embedded()
    job = tasks.start_calibration(db, role["id"], method="logistic", actor="ada")
    assert len(queue.huey) == 1
    assert not (Path(redis_app.config["INSTANCE_PATH"]) / queue.QUEUE_FILE).exists()
    worker = Worker(
        redis_app.config["INSTANCE_PATH"],
        redis_app.config["DATABASE"],
        redis_database(REDIS_URL, 1),
    )
    try:
        ended = wait_for_job(db, role["id"], job.id)
    finally:
        worker.stop()
    assert ended.status == "done", ended.message
    assert len(queue.huey) == 0


def test_a_queue_url_that_is_not_redis_is_a_one_line_error(run, monkeypatch):
    monkeypatch.setenv("HIRING_QUEUE_URL", "amqp://broker/")
    result = run("init")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: HIRING_QUEUE_URL must be empty (SQLite in the instance folder) or a redis:// "
        "address, not 'amqp'."
    ]


def test_the_daily_purge_task_erases_what_the_retention_rule_says(app, db):
    role = make_role(db, title="Chat agent")
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="seconds")
    recent = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="seconds")
    gone = insert_candidate(db, role["id"], status="hired", decided_at=old)
    kept = insert_candidate(db, role["id"], status="hired", decided_at=recent)
    queue.bind_app(app)
    assert candidate_tasks.purge.call_local() == 1
    assert [r["id"] for r in db["candidates"].rows] == [kept] and gone != kept


def _add_applicants(db, role, n, shift):
    """Store assessed applicants whose scores sit ``shift`` SD above the incumbents'."""
    sample = simulate_applicants(n, shift=shift, random_state=7)
    for row in sample.features:
        candidate_id = insert_candidate(db, role["id"])
        values = dict(zip(FEATURE_IDS, (float(v) for v in row), strict=True))
        scales = {k: v for k, v in values.items() if k not in COMPETENCY_IDS}
        competencies = {k: v for k, v in values.items() if k in COMPETENCY_IDS}
        db["results"].insert(
            {"candidate_id": candidate_id, "scored_at": now_iso(),
             "scores": json.dumps({"scales": scales, "competencies": competencies})}
        )  # fmt: skip


def test_the_daily_drift_check_is_kept_and_shown(app, db, client, auth):
    role, _version = calibrated_role(app, db)
    queue.bind_app(app)
    assert tasks.check_drift.call_local() == 0  # no applicants yet: nothing to compare
    _add_applicants(db, role, 60, shift=1.5)  # well above the incumbents on self-reports
    assert tasks.check_drift.call_local() == 1
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    assert "Last daily drift check:" in page and "shifted by half a standard deviation" in page
    assert db["audit_log"].count_where("action = 'model.drift_alert'") == 1


def test_the_periodic_tasks_run_daily_at_night():
    periodic = {t.name: t for t in queue.huey._registry.periodic_tasks}
    assert {"purge", "check-drift"} <= set(periodic)
    night = datetime(2026, 1, 5, 3, 20)
    assert periodic["purge"].validate_datetime(night)
    assert not periodic["purge"].validate_datetime(night.replace(hour=15))


@pytest.mark.slow
def test_hiring_serve_runs_a_process_per_core_and_a_queue_worker(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HIRING_WORKERS": "2", "HIRING_QUEUE_URL": ""}
    command = [sys.executable, "-m", "hiring", "--instance", str(tmp_path / "i"), "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert "Sign in" in wait_for(f"http://127.0.0.1:{port}/auth/login").decode()
        children = _children(server.pid)
        names = [_command_line(pid) for pid in children]
        queue_workers = [name for name in names if name.endswith("hiring worker")]
        assert len(queue_workers) == 1, names
        assert len(names) - len(queue_workers) == 2, names  # the gunicorn workers
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert "Serving with 2 processes of 8 threads (gunicorn)." in output
    assert "with a worker running beside the server" in output
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], "a child outlived it"


def _children(pid: int) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        if len(found) >= 3:
            return found
        time.sleep(0.2)
    return found


def _command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
