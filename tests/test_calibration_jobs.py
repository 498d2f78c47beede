"""Calibrations started from the web run in a child process; the page follows them."""

import os
import signal
import subprocess
import sys

from calibration_data import make_role, scores_csv
from page_support import csrf_token

from hiring.accounts import audit
from hiring.modeling import calibration, calibration_jobs
from hiring.modeling.incumbents import Criterion


def _role_with_incumbents(db, n=120):
    role = make_role(db, title="Phone agent")
    calibration.import_incumbents(db, role["id"], scores_csv(n), Criterion("high_performer"))
    return role


def _running_row(db, role_id, pid, started_at=None):
    """Store a job row as a running calibration of some process would have left it."""
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
    assert "Interrupted: the server stopped before this calibration finished" in page
    assert "calibration_status.js" not in page and "Calibrate a new version" in page
    job = calibration_jobs.latest_job(db, role["id"])
    assert job.status == "failed" and job.finished_at


def test_a_very_old_running_row_is_stale_whatever_its_pid(db):
    role = _role_with_incumbents(db, n=40)
    _running_row(db, role["id"], pid=os.getpid(), started_at="2020-01-01T00:00:00+00:00")
    assert calibration_jobs.latest_job(db, role["id"]).status == "failed"


def test_a_killed_calibration_process_is_recorded_as_failed(app, db):
    role = _role_with_incumbents(db)
    job = calibration_jobs.start_calibration(
        app.config["DATABASE"], app.instance_path, role["id"], method="logistic", actor="ada"
    )
    assert job.running
    pid = db["calibration_jobs"].get(job.id)["pid"]
    os.kill(pid, signal.SIGKILL)
    assert calibration_jobs.wait(timeout=60)
    ended = calibration_jobs.get_job(db, role["id"], job.id)
    assert ended.status == "failed" and "stopped unexpectedly (exit code -9)" in ended.message
    assert db["model_versions"].count == 0
    actions = [r["action"] for r in db["audit_log"].rows_where("actor = ?", ["ada"])]
    assert actions == ["model.calibrate_start", "model.calibrate_fail"]


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
