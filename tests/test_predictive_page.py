"""The admin predictive-validity page: outcome upload, corrected figures and access."""

import io

import pytest
from calibration_data import calibrated_role
from candidate_records import insert_candidate
from page_support import csrf_token
from scipy.special import expit

from hiring.demo.synthetic import simulate_selection


@pytest.fixture
def hired(app, db):
    """A calibrated role with 200 applicants, the top 50 on the fit hired."""
    role, _version = calibrated_role(app, db)
    sample = simulate_selection(200, selection_ratio=0.25, validity=0.5, random_state=9)
    rows = []
    for k in range(200):
        status = "hired" if sample.hired[k] else "rejected"
        cid = insert_candidate(
            db, role["id"], status=status, band="good", fit=float(expit(sample.fit[k]))
        )
        if sample.hired[k]:
            kept = "yes" if sample.retained[k] else "no"
            rows.append(f"{cid},2026-02-01,{80 + 6 * sample.performance[k]:.1f},{kept}")
    return role, "candidate_id,measured_on,csat,retained_90\n" + "\n".join(rows) + "\n"


def _post(client, role_id, text):
    page = client.get(f"/admin/validity/{role_id}/predictive").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "file": (io.BytesIO(text.encode()), "outcomes.csv")}
    return client.post(f"/admin/validity/{role_id}/outcomes", data=data)


def test_admin_uploads_outcomes_and_sees_corrected_validity_with_its_reading(client, auth, hired):
    role, text = hired
    auth.login("admin")
    empty = client.get(f"/admin/validity/{role['id']}/predictive").get_data(as_text=True)
    assert "No outcomes yet" in empty
    response = _post(client, role["id"], text)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 50 outcome rows for 50 hires (csat, retained_90)." in page
    assert "Corrected r for all applicants" in page and "Among 50 hires" in page
    assert "direct range restriction" in page
    assert "Calibration on hires" in page and "Retention by fit band" in page
    assert "Compared with the incumbent estimate" in page and "out of fold" in page.lower()
    with_ryy = client.get(
        f"/admin/validity/{role['id']}/predictive", query_string={"csat": "0.6"}
    ).get_data(as_text=True)
    assert "(reliability 0.6)" in with_ryy
    bad = client.get(f"/admin/validity/{role['id']}/predictive", query_string={"csat": "3"})
    assert bad.status_code == 400 and "A reliability is above 0 and at most 1." in bad.get_data(
        as_text=True
    )


def test_a_bad_upload_is_reshown_with_every_problem_and_nothing_stored(client, auth, hired, db):
    role, _text = hired
    auth.login("admin")
    response = _post(client, role["id"], "candidate_id,measured_on,csat\n999999,yesterday,500\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The file has 3 problems; nothing was imported" in page
    assert "column measured_on: &#39;yesterday&#39; is not a date" in page
    assert db["hire_outcomes"].count == 0


@pytest.mark.parametrize("user", ["recruiter", "manager"])
def test_only_admins_see_the_page(client, auth, hired, user):
    role, _text = hired
    auth.login(user)
    assert client.get(f"/admin/validity/{role['id']}/predictive").status_code == 403


@pytest.mark.slow
def test_recalibrate_including_hires_makes_a_new_version_on_the_queue_that_waits_for_review(
    client, auth, hired, db, queue_worker
):
    from queue_support import wait_for_job

    from hiring.modeling import calibration

    role, text = hired
    auth.login("admin")
    assert _post(client, role["id"], text).status_code == 302
    # make the hires' scores real: they need stored results to join the training data
    _give_results(db, role["id"])
    page = client.get(f"/admin/validity/{role['id']}/predictive").get_data(as_text=True)
    bad = client.post(
        f"/admin/validity/{role['id']}/calibrate-with-hires",
        data={"csrf_token": csrf_token(page), "outcome": "csat", "method": "logistic"},
    )
    assert bad.status_code == 400
    assert "Give the csat value that counts as success" in bad.get_data(as_text=True)
    active = db["job_roles"].get(role["id"])["model_version_id"]
    response = client.post(
        f"/admin/validity/{role['id']}/calibrate-with-hires",
        data={"csrf_token": csrf_token(page), "outcome": "retained_90", "method": "logistic"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    job_id = int(location.split("job=")[1].split("#")[0])
    job = wait_for_job(db, role["id"], job_id)
    assert job.status == "done", job.message
    newest = calibration.get_version(db, job.version_id)
    assert newest.status == "new" and "50 hires among them" in newest.label
    assert newest.metadata["hires"] == {"n": 50, "criterion": "retained_90 is yes"}
    assert newest.report.n == 120 + 50
    assert db["job_roles"].get(role["id"])["model_version_id"] == active  # never by itself
    assert "Review it below before activating it." in client.get(location).get_data(as_text=True)


def _give_results(db, role_id):
    """Store scores for the role's hires, drawn like the calibration data's."""
    import json

    import numpy as np

    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents

    hires = [
        r["id"] for r in db["candidates"].rows_where("role_id = ? AND status = 'hired'", [role_id])
    ]
    sample = simulate_incumbents(len(hires), random_state=2)
    for cid, row in zip(hires, sample.features, strict=True):
        values = dict(zip(FEATURE_IDS, (float(v) for v in np.round(row, 2)), strict=True))
        scales = {k: values[k] for k in FEATURE_IDS[:5]}
        competencies = {k: values[k] for k in FEATURE_IDS[5:]}
        db["results"].insert(
            {
                "candidate_id": cid,
                "scores": json.dumps({"scales": scales, "competencies": competencies}),
            }
        )
