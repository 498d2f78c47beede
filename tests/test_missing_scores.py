"""Nothing is imputed: a candidate missing a score the model needs gets no probability, and why."""

import csv
import html
import io
import json

import pytest
from calibration_data import calibrated_role
from candidate_records import assessed_candidate

from hiring.modeling.calibration import rescore_role
from hiring.reports.candidate_reports import candidate_report
from hiring.reports.render import report_html

TRAITS = ("Warmth", "Empathy", "Teamwork", "Conscientiousness", "Optimism")


@pytest.fixture
def blank_traits(app, db):
    """A candidate of a calibrated role whose five trait scales could not be scored."""
    role, version = calibrated_role(app, db)
    cid, _token = assessed_candidate(app, db, role, "Blair Blank", "blair@example.test")
    assert db["candidates"].get(cid)["fit"] is not None  # complete scores get a probability
    scores = json.loads(db["results"].get(cid)["scores"])
    scores["scales"] = dict.fromkeys(scores["scales"])
    db["results"].update(cid, {"scores": json.dumps(scores)})
    rescore_role(db, app.config["INSTANCE_PATH"], role["id"], actor="test")
    return role, version, cid


def test_missing_scales_give_no_probability_and_say_why(db, blank_traits):
    _role, version, cid = blank_traits
    fit = json.loads(db["results"].get(cid)["fit"])
    assert fit["probability"] is None and fit["percentile"] is None and fit["factors"] == []
    assert fit["missing"] == list(version.metadata["calibration"]["feature_ids"][:5])
    assert fit["band_basis"] in ("profile", "minimum")
    assert any("nothing is filled in" in note for note in fit["notes"])
    candidate = db["candidates"].get(cid)
    assert candidate["fit"] is None and candidate["percentile"] is None


def test_the_candidate_page_names_the_missing_scores(client, auth, blank_traits):
    _role, _version, cid = blank_traits
    auth.login("recruiter")
    page = html.unescape(client.get(f"/candidates/{cid}").get_data(as_text=True))
    fit = page.split("<h2>Fit</h2>")[1].split("</section>")[0]
    assert "No probability: 5 scores the model needs could not be computed" in fit
    assert "Not scored, so the model could not be used: " + ", ".join(TRAITS) in fit
    assert "%" not in fit.split("Calibrated probability of high performance</dt><dd>")[1][:60]


def test_the_report_and_the_export_say_so_too(client, auth, db, blank_traits):
    role, _version, cid = blank_traits
    report = candidate_report(db, cid, "fit").data
    assert report.fit.probability is None and report.fit.percentile is None
    assert report.fit.missing == TRAITS
    text = " ".join(html.unescape(report_html(report, "fit")).split())
    assert "No estimate" in text
    assert f"{', '.join(TRAITS)} could not be scored (too few answers)" in text
    assert "Nothing is filled in for a missing score" in text
    auth.login("recruiter")
    export = client.get(f"/roles/{role['id']}/candidates.csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(export)))
    assert row["fit"] == "" and row["percentile"] == ""
