"""Moving a knock-out or low-fit candidate forward is an override: a reason, the audit, the count."""

import html
import json

import pytest

from hiring.fairness import monitoring
from hiring.workspace import decisions
from hiring.workspace.decisions import DecisionError
from tests.conftest import csrf_token
from tests.workspace_data import (  # noqa: F401
    bare_candidate,
    completed_candidate,
    fast_hashing,
    make_role,
)

REASON = "Excellent role play; the low score is on a trait we train"


@pytest.fixture
def role(db):
    return make_role(db)


@pytest.fixture
def knocked_out(app, db, role):
    """A candidate who really submitted, with a score below a minimum."""
    person = completed_candidate(app, db, role, "Kit Knockout", "kit@example.test", level=1)
    assert person["band"] == "knock-out"
    return person


def post(client, url: str, data: dict):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_shortlisting_a_knockout_without_a_reason_is_refused_on_the_page(
    auth, client, db, knocked_out
):
    auth.login("recruiter")
    page = html.unescape(client.get(f"/candidates/{knocked_out['id']}").get_data(as_text=True))
    assert "Kit Knockout has a knock-out (a score below a minimum)" in page
    response = post(client, f"/candidates/{knocked_out['id']}/status", {"status": "shortlisted"})
    assert response.status_code == 200
    shown = html.unescape(response.get_data(as_text=True))
    assert "moving them to shortlisted goes against the fit score" in shown
    assert "Give the reason; it is recorded as an override." in shown
    assert db["candidates"].get(knocked_out["id"])["status"] == "completed"
    assert not db["status_history"].count_where("to_status = 'shortlisted'")


def test_with_a_reason_it_is_recorded_audited_and_counted(auth, client, db, role, knocked_out):
    auth.login("recruiter")
    url = f"/candidates/{knocked_out['id']}/status"
    response = post(client, url, {"status": "shortlisted", "reason": REASON})
    assert response.status_code == 302
    (row,) = db["status_history"].rows_where("to_status = 'shortlisted'")
    assert row["override"] == 1 and row["reason"] == REASON
    audit = [
        json.loads(r["detail"]) for r in db["audit_log"].rows_where("action = 'candidate.status'")
    ]
    assert audit[-1]["override"] is True and audit[-1]["reason"] == REASON
    assert audit[-1]["against"] == "advanced despite a knock-out (a score below a minimum)"
    page = html.unescape(client.get(f"/candidates/{knocked_out['id']}").get_data(as_text=True))
    assert "against the fit score" in page
    # every further step forward asks again
    again = post(client, url, {"status": "interviewed"})
    assert again.status_code == 200 and "goes against the fit score" in again.get_data(as_text=True)
    assert post(client, url, {"status": "interviewed", "reason": "Still keen"}).status_code == 302
    overrides = monitoring.override_counts(db, role["id"])
    assert (overrides.advanced, overrides.rejected, overrides.total) == (2, 0, 2)
    auth.login("admin")
    fairness = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "2: 2 advanced despite a low fit, 0 rejected despite a high fit" in fairness


@pytest.mark.parametrize("to_status", ["shortlisted", "interviewed", "offered", "hired"])
def test_any_step_forward_of_a_low_fit_needs_a_reason_in_the_use_case(db, staff, role, to_status):
    person = bare_candidate(db, role["id"], 1, fit=0.08, band="low", band_rank=1)
    with pytest.raises(DecisionError, match="has a low fit"):
        decisions.change_status(db, person["id"], to_status, user_id=1, actor="script")
    assert db["candidates"].get(person["id"])["status"] == "completed"
    row = decisions.change_status(
        db, person["id"], to_status, user_id=staff["recruiter"].id, actor="script", reason=REASON
    )
    assert row["override"] == 1


def test_moves_that_do_not_advance_or_strong_fits_are_not_overrides(db, staff, role):
    low = bare_candidate(db, role["id"], 1, fit=0.08, band="low", band_rank=1)
    decisions.change_status(
        db, low["id"], "rejected", user_id=staff["recruiter"].id, actor="r", reason="No shifts"
    )
    strong = bare_candidate(db, role["id"], 2, fit=0.8, band="strong", band_rank=4)
    row = decisions.change_status(
        db, strong["id"], "shortlisted", user_id=staff["recruiter"].id, actor="r"
    )
    assert row["override"] == 0
    assert monitoring.override_counts(db, role["id"]).total == 0


def test_a_rejection_against_a_high_fit_is_not_counted_as_advanced(db, staff, role):
    strong = bare_candidate(db, role["id"], 1, fit=0.8, band="strong", band_rank=4)
    decisions.change_status(
        db, strong["id"], "rejected", user_id=staff["recruiter"].id, actor="r",
        reason="Failed the role play", override=True,
    )  # fmt: skip
    decisions.change_status(
        db, strong["id"], "completed", user_id=staff["recruiter"].id, actor="r",
        reason="Rejected the wrong person", override=True,
    )  # fmt: skip
    counts = monitoring.override_counts(db, role["id"])
    assert (counts.advanced, counts.rejected, counts.total) == (0, 1, 2)
