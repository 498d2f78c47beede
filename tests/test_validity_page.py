"""The admin Validity page: evidence of the model, access, incumbent upload, activate and suspend."""

import io
import re

import pytest
from calibration_data import calibrated_role, make_role, scores_csv
from page_support import csrf_token

from hiring.modeling import calibration, calibration_jobs
from hiring.modeling.incumbents import Criterion


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
    """Start a calibration by POST; wait for its child process; return the job's page."""
    response = client.post(
        f"/admin/validity/{role_id}/calibrate",
        data={"csrf_token": _token(client, role_id), "method": method},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert calibration_jobs.wait(timeout=120), "the calibration did not end"
    return client.get(location).get_data(as_text=True)


def test_calibrate_in_the_background_then_activate_by_post(client, auth, db, calibrated):
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


def test_calibrating_too_few_incumbents_shows_the_reason(client, auth, db):
    role = make_role(db, title="Email agent")
    calibration.import_incumbents(db, role["id"], scores_csv(20), Criterion("high_performer"))
    auth.login("admin")
    page = _calibrate(client, role["id"])
    assert "Only 20 incumbents with an outcome; at least 30 are needed." in page
    assert db["model_versions"].count == 0
    assert "Last calibration: failed" in page and "Calibrate a new version" in page
