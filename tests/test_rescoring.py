"""Re-scoring writes in short chunks: candidates keep submitting, and a killed run is finished."""

import threading
import time

import pytest
from calibration_data import calibrated_role
from candidate_records import assessed_candidate
from page_support import csrf_token

from hiring.modeling import rescoring
from hiring.store.db import get_db


def _clone_results(db, role, source_id, n):
    """Give the role ``n`` more assessed candidates with the source candidate's stored scores."""
    source = db["candidates"].get(source_id)
    result = db["results"].get(source_id)
    for i in range(n):
        row = {k: v for k, v in source.items() if k != "id"}
        row.update(name=f"Clone {i}", email=f"clone{i}@example.test", token_hash=f"clone-{i}")
        cid = db["candidates"].insert(row).last_pk
        db["results"].insert({**result, "candidate_id": cid, "model_version_id": None})


@pytest.fixture
def big_role(app, db):
    role, version = calibrated_role(app, db)
    first, _token = assessed_candidate(app, db, role, "First Person", "first@example.test")
    _clone_results(db, role, first, 1500)
    return role, version


@pytest.mark.slow
def test_candidates_submit_while_a_large_rescore_runs(app, db, big_role, monkeypatch):
    role, version = big_role
    chunks = []
    write = rescoring._write_chunk
    monkeypatch.setattr(rescoring, "_write_chunk", lambda *a: chunks.append(len(a[3])) or write(*a))
    errors, submitted = [], []

    def submit_some():
        try:
            for i in range(8):
                cid, _ = assessed_candidate(app, db_, role, f"Late {i}", f"late{i}@example.test")
                submitted.append(cid)
        except Exception as error:  # noqa: BLE001 - any failure is what the test looks for
            errors.append(error)

    db_ = get_db(app.config["DATABASE"])
    rescorer = threading.Thread(
        target=lambda: rescoring.rescore_role(
            get_db(app.config["DATABASE"]), app.config["INSTANCE_PATH"], role["id"], actor="t"
        )
    )
    rescorer.start()
    submit_some()
    rescorer.join(300)
    assert errors == [] and len(submitted) == 8
    assert len(chunks) > 1 and max(chunks) <= rescoring.MAX_CHUNK  # written in chunks
    run = rescoring.latest_run(db, role["id"])
    assert run["status"] == "done" and run["done"] >= 1501
    versions = {r["model_version_id"] for r in db["results"].rows}
    assert versions == {version.id}  # everyone, late submitters included, by the active model


def test_a_rescore_stopped_midway_reads_unfinished_and_the_next_one_finishes_it(
    app, db, big_role, monkeypatch
):
    role, version = big_role
    calls = []
    write = rescoring._write_chunk

    def crash_after_two(*args):
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the process were stopped between two chunks
        calls.append(1)
        return write(*args)

    monkeypatch.setattr(rescoring, "_write_chunk", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        rescoring.rescore_role(db, app.config["INSTANCE_PATH"], role["id"], actor="t")
    run = rescoring.latest_run(db, role["id"])
    assert run["status"] == "running" and 0 < run["done"] < 1501
    left = db["results"].count_where("model_version_id IS NOT ?", [version.id])
    assert left == 1501 - run["done"]
    assert db["audit_log"].count_where("action = 'role.rescore'") == 0  # not reported as done
    monkeypatch.setattr(rescoring, "_write_chunk", write)
    result = rescoring.rescore_role(db, app.config["INSTANCE_PATH"], role["id"], actor="t")
    assert result.n == 1501
    assert db["results"].count_where("model_version_id IS NOT ?", [version.id]) == 0
    finished = rescoring.latest_run(db, role["id"])
    assert finished["id"] == run["id"] and finished["status"] == "done"


def test_a_web_rescore_goes_on_the_queue_and_the_page_follows_it(
    app, db, client, auth, big_role, queue_worker
):
    role, version = big_role
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    response = client.post(
        f"/admin/validity/{role['id']}/rescore",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    shown = response.get_data(as_text=True)
    assert "Re-scoring is on the task queue" in shown
    assert "has re-scored" in shown and "left" in shown
    deadline = time.monotonic() + 120
    while rescoring.latest_run(db, role["id"])["status"] == "running":
        assert time.monotonic() < deadline, "the worker did not finish the re-score"
        time.sleep(0.2)
    assert db["results"].count_where("model_version_id IS NOT ?", [version.id]) == 0
    after = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    assert "has re-scored" not in after
    assert db["audit_log"].count_where("action = 'role.rescore' AND actor = 'admin'") == 1
