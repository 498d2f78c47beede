"""The admin Validity page: evidence of the model, access, incumbent upload, activate and suspend."""

import io
import re
import time

import pytest
from calibration_data import calibrated_role, make_role, scores_csv
from page_support import csrf_token
from queue_support import wait_for_job

from hiring.modeling import calibration, calibration_jobs, rescoring
from hiring.modeling.incumbents import Criterion
from hiring.store.db import get_db


@pytest.fixture
def calibrated(app, db):
    return calibrated_role(app, db)


def _page(client, role_id, **args):
    response = client.get(f"/admin/validity/{role_id}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _token(client, role_id):
    return csrf_token(_page(client, role_id))


def _upload(client, role_id, text, **fields):
    data = {
        "csrf_token": _token(client, role_id),
        "file": (io.BytesIO(text.encode()), "staff.csv"),
        "outcome": "high_performer",
        "rule": "binary",
        **fields,
    }
    return client.post(f"/admin/validity/{role_id}/incumbents", data=data)


def test_admin_sees_the_out_of_fold_evidence(client, auth, calibrated):
    role, version = calibrated
    auth.login("admin")
    page = _page(client, role["id"])
    report = version.report
    assert version.label in page and "active" in page
    assert (
        f"{report.auc:.3f}" in page and f"{report.auc_ci[0]:.2f} to {report.auc_ci[1]:.2f}" in page
    )
    assert f"{report.brier:.3f}" in page and f"{report.ece:.3f}" in page
    assert "Calibration slope" in page and "Validity coefficient" in page
    assert f"{report.n_positive} high performers, {report.n - report.n_positive} others" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="calibration-chart"') == 1
    assert "Correlated attributes share importance" in page
    assert page.count('class="importance-chart"') == 1
    top = report.importance[0]
    assert f"{top['mean']:+.3f} ± {top['sd']:.3f}" in page  # the strongest trait's bar tip
    assert "Taylor-Russell" in page and "Empirical" in page
    assert "Naylor-Shine: average performance of those hired" in page
    outcomes = page.split('id="h-outcomes"')[1].split("</table>")[0]
    for row in report.expected_outcomes:  # beside Taylor-Russell, in SD units
        assert (
            f'{row["taylor_russell"] * 100:.1f}%</td><td class="num">{row["naylor_shine"]:+.2f} SD'
            in outcomes
        )
    assert "Derived target" in page and "Default target" in page
    assert "synthetic incumbents" in page
    assert 'style="' not in page and "<style" not in page
    listing = client.get("/admin/validity/").get_data(as_text=True)
    assert role["title"] in listing and version.label in listing


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_only_admins_reach_the_page_and_its_forms(client, auth, db, calibrated, who):
    role, version = calibrated
    auth.login(who)
    assert client.get("/admin/validity/").status_code == 403
    assert client.get(f"/admin/validity/{role['id']}").status_code == 403
    token = csrf_token(client.get("/").get_data(as_text=True))  # a valid token of theirs
    for url in (
        f"/admin/validity/{role['id']}/incumbents",
        f"/admin/validity/{role['id']}/calibrate",
        f"/admin/validity/{role['id']}/rescore",
        f"/admin/validity/versions/{version.id}/activate",
        f"/admin/validity/versions/{version.id}/suspend",
    ):
        response = client.post(url, data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403, url
    assert calibration.get_version(db, version.id).status == "active"


def test_small_samples_and_insufficient_evidence_are_shown_plainly(app, client, auth, db):
    role, _version = calibrated_role(
        app, db, n=60, seed=4, validity=0.05, override="Checking how a weak model shows"
    )
    auth.login("admin")
    page = _page(client, role["id"])
    assert "Small sample:" in page and "60 incumbents, fewer than 100" in page
    assert "Insufficient evidence." in page and "no probability is shown" in page


def test_upload_with_a_bad_row_names_row_and_column_and_keeps_the_choices(
    client, auth, db, calibrated
):
    role, _version = calibrated
    auth.login("admin")
    lines = scores_csv(40).splitlines()
    lines[2] = re.sub(r"^([^,]+),[^,]+,", r"\1,7,", lines[2])  # warmth is 1..5
    response = _upload(client, role["id"], "\n".join(lines), outcome="high_performer", share="0.3")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "staff.csv: line 3 (employee_id SYN-0002): column warmth: 7 is outside 1..5" in page
    assert "nothing was imported" in page
    assert 'value="0.3"' in page and 'value="high_performer"' in page
    assert db["incumbents"].count_where("role_id = ?", [role["id"]]) == 120


def test_a_good_upload_replaces_the_incumbents_and_names_demographic_columns(
    client, auth, db, calibrated
):
    role, _version = calibrated
    auth.login("admin")
    text = scores_csv(50, seed=9, extra={"ethnicity": lambda i: "x"})
    response = _upload(client, role["id"], text, synthetic="y")
    assert response.status_code == 302
    page = _page(client, role["id"])
    assert "Imported 50 incumbents" in page and "Column &#39;ethnicity&#39; looks like" in page
    assert db["incumbents"].count_where("role_id = ? AND synthetic = 1", [role["id"]]) == 50


def test_suspend_by_post_stops_the_model_and_escapes_the_reason(client, auth, db, calibrated):
    role, version = calibrated
    auth.login("admin")
    url = f"/admin/validity/versions/{version.id}/suspend"
    missing = client.post(url, data={"csrf_token": _token(client, role["id"]), "reason": ""})
    assert missing.status_code == 302
    assert calibration.get_version(db, version.id).status == "active"
    reason = "<script>alert(1)</script> adverse impact"
    response = client.post(url, data={"csrf_token": _token(client, role["id"]), "reason": reason})
    assert response.status_code == 302
    assert calibration.get_version(db, version.id).status == "suspended"
    assert db["job_roles"].get(role["id"])["model_version_id"] is None
    page = _page(client, role["id"], version=version.id)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No candidate is scored with it" in page


def _calibrate(client, role_id, method="logistic"):
    """Start a calibration by POST; wait for the worker to end it; return the job's page."""
    response = client.post(
        f"/admin/validity/{role_id}/calibrate",
        data={"csrf_token": _token(client, role_id), "method": method},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    job_id = int(location.split("job=")[1].split("#")[0].split("&")[0])
    wait_for_job(get_db(client.application.config["DATABASE"]), role_id, job_id)
    return client.get(location).get_data(as_text=True)


def test_calibrate_in_the_background_then_activate_by_post(
    client, auth, db, calibrated, queue_worker
):
    role, first = calibrated
    auth.login("admin")
    page = _calibrate(client, role["id"])
    newest = calibration.list_versions(db, role["id"])[0]
    assert newest.id != first.id and newest.status == "new"
    assert f"Calibrated {newest.label}. Review it below before activating it." in page
    assert (
        f"{newest.label} " in page and "You are looking at a version the role does not use" in page
    )
    job = calibration_jobs.latest_job(db, role["id"])
    assert job.status == "done" and job.version_id == newest.id and job.requested_by == "admin"
    status = client.get(f"/admin/validity/{role['id']}/calibrations/{job.id}").get_json()
    assert status["status"] == "done"
    token = _token(client, role["id"])
    response = client.post(
        f"/admin/validity/versions/{newest.id}/activate", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert db["job_roles"].get(role["id"])["model_version_id"] == newest.id
    assert calibration.get_version(db, first.id).status == "retired"


def test_an_empty_role_invites_an_upload_and_unknown_ids_are_404(client, auth, db):
    role = make_role(db, title="Chat agent")
    auth.login("admin")
    page = _page(client, role["id"])
    assert "No model has been calibrated for this role yet" in page
    assert client.get("/admin/validity/9999").status_code == 404
    assert client.get(f"/admin/validity/{role['id']}?version=9999").status_code == 404
    calibration.import_incumbents(db, role["id"], scores_csv(40), Criterion("high_performer"))
    assert "Calibrate a new version" in _page(client, role["id"])


def test_calibrating_too_few_incumbents_shows_the_reason(client, auth, db, queue_worker):
    role = make_role(db, title="Email agent")
    calibration.import_incumbents(db, role["id"], scores_csv(20), Criterion("high_performer"))
    auth.login("admin")
    page = _calibrate(client, role["id"])
    assert "Only 20 incumbents with an outcome; at least 30 are needed." in page
    assert db["model_versions"].count == 0
    assert "Last calibration: failed" in page and "Calibrate a new version" in page


@pytest.fixture
def rescorable(app, db, calibrated):
    """Two assessed candidates scored with the first version; a second version now active."""
    from tests.workspace_data import completed_candidate

    role, first = calibrated
    people = [
        completed_candidate(app, db, role, f"Rita Rescore {i}", f"rita{i}@example.test", level=i)
        for i in (2, 4)
    ]
    instance = app.config["INSTANCE_PATH"]
    second = calibration.calibrate_role(db, instance, role["id"], repeats=1, random_state=3)
    second = calibration.activate_version(db, instance, second.id, actor="test")
    return role, first, second, [p["id"] for p in people]


def _rescore(client, role_id):
    token = _token(client, role_id)
    return client.post(f"/admin/validity/{role_id}/rescore", data={"csrf_token": token})


def _rescored_page(client, db, role_id):
    """Re-score by POST, let the queue's worker finish it, and return the page after."""
    response = _rescore(client, role_id)
    assert response.status_code == 302
    deadline = time.monotonic() + 120
    while rescoring.latest_run(db, role_id)["status"] == "running":
        assert time.monotonic() < deadline, "the worker did not finish the re-score"
        time.sleep(0.1)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _stored(db, ids):
    return [
        (db["results"].get(cid)["model_version_id"], db["candidates"].get(cid)["fit"])
        for cid in ids
    ]


def test_rescore_by_post_rescores_every_candidate_with_the_active_model(
    client, auth, db, rescorable, queue_worker
):
    import json

    role, first, second, ids = rescorable
    assert [version for version, _ in _stored(db, ids)] == [first.id, first.id]
    auth.login("admin")
    page = _rescored_page(client, db, role["id"])
    assert f"Re-scored 2 candidates with {second.label}." in page
    for cid, (version, fit) in zip(ids, _stored(db, ids), strict=True):
        stored = json.loads(db["results"].get(cid)["fit"])
        assert version == second.id and fit == stored["probability"]
    [event] = db["audit_log"].rows_where("action = 'role.rescore'")
    assert event["actor"] == "admin" and json.loads(event["detail"])["candidates"] == 2


def test_rescore_without_an_active_model_falls_back_to_the_profile(
    client, auth, db, rescorable, queue_worker
):
    role, _first, second, ids = rescorable
    calibration.suspend_version(db, second.id, "checking the fallback", actor="test")
    auth.login("admin")
    page = _rescored_page(client, db, role["id"])
    assert "Re-scored 2 candidates with the hiring profile alone (no active model)." in page
    assert [version for version, _ in _stored(db, ids)] == [None, None]


def test_a_rescore_that_cannot_load_the_model_says_why_and_changes_nothing(
    app, client, auth, db, rescorable
):
    from pathlib import Path

    from hiring.modeling import live_model

    role, first, second, ids = rescorable
    before = _stored(db, ids)
    row = db["model_versions"].get(second.id)
    (Path(app.config["INSTANCE_PATH"]) / "models" / row["file_name"]).unlink()
    live_model._cache.clear()  # as after a restart
    auth.login("admin")
    response = _rescore(client, role["id"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Model file {row['file_name']} is missing." in page
    assert _stored(db, ids) == before
    assert not db["audit_log"].count_where("action = 'role.rescore'")


def test_only_an_admin_may_rescore(client, auth, db, rescorable):
    role, first, _second, ids = rescorable
    before = _stored(db, ids)
    auth.login("recruiter")
    token = csrf_token(client.get("/roles/").get_data(as_text=True))
    response = client.post(f"/admin/validity/{role['id']}/rescore", data={"csrf_token": token})
    assert response.status_code == 403
    assert _stored(db, ids) == before
