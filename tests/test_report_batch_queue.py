"""A batch of a role's PDF reports runs on the task queue: followed on its page, downloaded as
one zip when done, and never offered half-made when its worker is killed."""

import io
import re
import signal
import time
import zipfile
from pathlib import Path

import pytest
from candidate_records import assessed_candidate, make_role

from hiring.candidates import erasure
from hiring.reports import batch_jobs
from hiring.reports.pdf_support import pango_available
from tests.conftest import csrf_token
from tests.queue_support import Worker, run_queued_tasks

pytestmark = pytest.mark.skipif(not pango_available(), reason="PDF rendering needs Pango")


@pytest.fixture
def assessed(app, db):
    """A role with three assessed candidates."""
    role = make_role(db, title="Chat agent")
    ids = [
        assessed_candidate(app, db, role, f"Person {n}", f"p{n}@example.test", seed=n)[0]
        for n in range(3)
    ]
    return role, ids


def _start(client, auth, role, variant="fit"):
    auth.login("recruiter")
    page = client.get(f"/roles/{role['id']}/report-batches").get_data(as_text=True)
    return client.post(
        f"/roles/{role['id']}/report-batches",
        data={"csrf_token": csrf_token(page), "variant": variant},
    )


@pytest.mark.slow
def test_a_batch_is_queued_made_by_the_worker_and_downloaded_as_one_zip(
    app, db, client, auth, assessed
):
    role, ids = assessed
    started = _start(client, auth, role)
    assert started.status_code == 302
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Queued: waiting for a worker of the task queue." in page
    assert "Download the zip" not in page
    run_queued_tasks(app, timeout=120)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Done: 3 reports in the zip." in page
    download = re.search(r'href="([^"]+reports\.zip)"', page).group(1)
    response = client.get(download)
    body = response.data
    response.close()  # the file stays open until the response is closed
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"{i}-fit.pdf" for i in ids)
        assert all(archive.read(n).startswith(b"%PDF-") for n in names)
    assert db["audit_log"].count_where("action = 'report.exported'") == 3
    assert db["audit_log"].count_where("action = 'report.batch_downloaded'") == 1
    listing = client.get(f"/roles/{role['id']}/report-batches").get_data(as_text=True)
    assert "Done: 3 reports in the zip." in listing


def test_a_role_with_nobody_assessed_is_refused_on_the_form(client, auth, db):
    role = make_role(db, title="Empty role")
    response = _start(client, auth, role)
    assert response.status_code == 400
    assert "no assessed candidates yet" in response.get_data(as_text=True)
    assert db["report_batches"].count == 0


def test_a_manager_cannot_start_a_batch(client, auth, db, assessed):
    role, _ids = assessed
    auth.login("manager")
    assert client.get(f"/roles/{role['id']}/report-batches").status_code == 403


@pytest.mark.slow
def test_erasing_a_candidate_deletes_the_zips_they_are_in(app, db, client, auth, assessed):
    role, ids = assessed
    location = _start(client, auth, role).headers["Location"]
    run_queued_tasks(app, timeout=120)
    (batch,) = batch_jobs.role_batches(db, role["id"])
    path = batch_jobs.zip_path(app.config["INSTANCE_PATH"], batch)
    assert path.is_file()
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # every report in it: owner-only
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    erasure.erase_candidate(db, app.config["INSTANCE_PATH"], ids[0], actor="ada")
    assert not path.exists()
    page = client.get(location).get_data(as_text=True)
    assert "The zip is gone: a candidate in it was erased" in page
    assert client.get(location + "/reports.zip").status_code == 404


@pytest.mark.slow
def test_a_worker_killed_midway_leaves_a_failed_batch_and_no_zip(app, db, client, auth, assessed):
    role, _ids = assessed
    location = _start(client, auth, role).headers["Location"]
    worker = Worker(app.config["INSTANCE_PATH"], app.config["DATABASE"])
    (batch,) = batch_jobs.role_batches(db, role["id"])
    deadline = time.monotonic() + 120
    while batch_jobs.get_batch(db, role["id"], batch.id).status != batch_jobs.RUNNING:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.05)
    worker.process.send_signal(signal.SIGKILL)  # as the machine or the OOM killer would
    worker.stop()
    page = client.get(location).get_data(as_text=True)
    assert "Failed: Interrupted: the worker stopped before the batch finished" in page
    assert "Download the zip" not in page
    assert client.get(location + "/reports.zip").status_code == 404
    # the next batch clears what the killed one left, and its zip is the only file there
    assert _start(client, auth, role).status_code == 302
    run_queued_tasks(app, timeout=120)
    folder = Path(app.config["INSTANCE_PATH"]) / batch_jobs.BATCH_FOLDER
    assert [p.name for p in folder.iterdir()] == [f"batch-{batch.id + 1}-fit.zip"]
