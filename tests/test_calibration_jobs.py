"""Calibrations started from the web run on the task queue; the page follows them."""

import os
import signal
import socket
import subprocess
import sys

from calibration_data import make_role, scores_csv
from page_support import csrf_token
from queue_support import wait_for_job

from hiring.accounts import audit
from hiring.modeling import calibration, calibration_jobs, tasks
from hiring.modeling.incumbents import Criterion


def _role_with_incumbents(db, n=120):
    role = make_role(db, title="Phone agent")
    calibration.import_incumbents(db, role["id"], scores_csv(n), Criterion("high_performer"))
    return role


def _running_row(db, role_id, pid, started_at=None, host=None):
    """Store a job row as a running calibration of some worker would have left it."""
    return (
        db["calibration_jobs"]
        .insert(
            {
                "role_id": role_id,
                "method": "logistic",
                "status": "running",
                "message": "",
                "requested_by": "ada",
                "pid": pid,
                "host": host or socket.gethostname(),
                "started_at": started_at or audit.now_iso(),
            }
        )  # fmt: skip
        .last_pk
    )


def _dead_pid() -> int:
    """Return the pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_running_calibration_shows_progress_and_refuses_a_second(client, auth, db):
    role = _role_with_incumbents(db)
    job_id = _running_row(db, role["id"], pid=os.getpid())  # this process is alive
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    assert (
        "Running for" in page
        and f'data-job-status="/admin/validity/{role["id"]}/calibrations/{job_id}"' in page
    )
    assert "calibration_status.js" in page
    assert "Calibrate a new version" not in page and "see its progress" in page
    token = csrf_token(page)
    response = client.post(
        f"/admin/validity/{role['id']}/calibrate",
        data={"csrf_token": token, "method": "logistic"},
        follow_redirects=True,
    )
    assert "is still running" in response.get_data(as_text=True)
    assert db["calibration_jobs"].count == 1
    status = client.get(f"/admin/validity/{role['id']}/calibrations/{job_id}").get_json()
    assert status["status"] == "running"


def test_a_calibration_whose_process_is_gone_reads_as_interrupted(client, auth, db):
    role = _role_with_incumbents(db)
    job_id = _running_row(db, role["id"], pid=_dead_pid())
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}?job={job_id}").get_data(as_text=True)
    assert "Interrupted: the worker stopped before this calibration finished" in page
    assert "calibration_status.js" not in page and "Calibrate a new version" in page
    job = calibration_jobs.latest_job(db, role["id"])
    assert job.status == "failed" and job.finished_at


def test_a_very_old_running_row_is_stale_whatever_its_pid(db):
    role = _role_with_incumbents(db, n=40)
    _running_row(db, role["id"], pid=os.getpid(), started_at="2020-01-01T00:00:00+00:00")
    assert calibration_jobs.latest_job(db, role["id"]).status == "failed"


def test_a_queued_calibration_waits_for_a_worker_and_says_so(client, auth, db):
    role = _role_with_incumbents(db)
    auth.login("admin")
    token = csrf_token(client.get(f"/admin/validity/{role['id']}").get_data(as_text=True))
    response = client.post(
        f"/admin/validity/{role['id']}/calibrate",
        data={"csrf_token": token, "method": "logistic"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "waiting for a worker of the task queue" in page and "calibration_status.js" in page
    job = calibration_jobs.latest_job(db, role["id"])
    assert job.running and not job.claimed
    assert len(tasks.huey) == 1  # on the queue in the instance folder, for a worker to take


def test_a_worker_runs_the_queued_calibration(app, db, queue_worker):
    role = _role_with_incumbents(db)
    job = tasks.start_calibration(db, role["id"], method="logistic", actor="ada")
    ended = wait_for_job(db, role["id"], job.id)
    assert ended.status == "done" and ended.version_id is not None, ended.message
    assert calibration.get_version(db, ended.version_id).status == "new"
    row = db["calibration_jobs"].get(job.id)
    assert row["pid"] == queue_worker.pid and row["host"] == socket.gethostname()


def test_a_killed_worker_leaves_an_interrupted_job_and_nothing_stored(app, db, queue_worker):
    role = _role_with_incumbents(db)
    job = tasks.start_calibration(db, role["id"], method="boosting", actor="ada")
    assert wait_for_job(db, role["id"], job.id, claimed=True).running
    os.kill(queue_worker.pid, signal.SIGKILL)
    queue_worker.process.wait(10)
    ended = calibration_jobs.get_job(db, role["id"], job.id)
    assert ended.status == "failed" and ended.message.startswith("Interrupted")
    assert db["model_versions"].count == 0
    actions = [r["action"] for r in db["audit_log"].rows_where("actor = ?", ["ada"])]
    assert actions == ["model.calibrate_start", "model.calibrate_fail"]


def test_a_job_is_never_run_twice(app, db):
    role = _role_with_incumbents(db)
    job = calibration_jobs.create_job(db, role["id"], method="logistic", actor="ada")
    db["calibration_jobs"].update(job.id, {"pid": os.getpid(), "host": socket.gethostname()})
    again = calibration_jobs.run_job(db, app.instance_path, job.id)  # another worker has it
    assert again.running and db["model_versions"].count == 0


def test_a_job_on_another_machine_is_trusted_until_it_is_stale(db):
    role = _role_with_incumbents(db, n=40)
    _running_row(db, role["id"], pid=_dead_pid(), host="another-machine")
    assert calibration_jobs.latest_job(db, role["id"]).running


def test_jobs_belong_to_their_role_and_only_admins_see_them(client, auth, db):
    role = _role_with_incumbents(db)
    other = make_role(db, title="Chat agent")
    job_id = _running_row(db, role["id"], pid=_dead_pid())
    auth.login("admin")
    assert client.get(f"/admin/validity/{other['id']}?job={job_id}").status_code == 404
    assert client.get(f"/admin/validity/{other['id']}/calibrations/{job_id}").status_code == 404
    assert client.get(f"/admin/validity/{role['id']}/calibrations/999").status_code == 404
    auth.logout()
    auth.login("recruiter")
    assert client.get(f"/admin/validity/{role['id']}/calibrations/{job_id}").status_code == 403
