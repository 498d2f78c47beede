"""One rule at a range's edge: a score shown inside its shown range is never below or above it."""

import csv
import html
import io
import json
import re

import pytest
from candidate_records import assessed_candidate, make_role
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.assessment.profiles import candidate_fit, load_profile
from hiring.assessment.questionnaires import load_bank
from hiring.assessment.ranges import (
    ABOVE,
    BELOW,
    WITHIN,
    format_gap,
    format_score,
    judge,
    score_decimals,
)
from hiring.modeling.calibration import rescore_role
from hiring.reports.candidate_reports import candidate_report
from hiring.store.paths import data_dir
from hiring.workspace import cohorts

QUESTIONNAIRE = load_bank()[("wetco-service", "1")]
PROFILE = load_profile(data_dir("profiles") / "contact-center-rep.yaml", QUESTIONNAIRE)

# Scores just under the shipped profile's edges, equal to them as shown: warmth target 3.6-5.0,
# listening 60-100, conscientiousness minimum 2.4, defusing conflict minimum 20.
EDGES = {"warmth": 3.56, "listening": 59.6, "conscientiousness": 2.36, "defusing_conflict": 19.7}


def _read(text: str) -> float:
    return float(text)


edges = st.floats(min_value=-200, max_value=200, allow_nan=False).map(lambda v: round(v, 3))
nudges = st.sampled_from([0.0, 1e-9, -1e-9, 0.004, -0.004, 0.04, -0.04, 0.049, -0.049, 0.05,
                          -0.05, 0.051, -0.051, 0.45, -0.45, 0.5, -0.5, 0.55, -0.55])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(low=edges, width=st.floats(0, 50), decimals=st.sampled_from([0, 1]), at_high=st.booleans(),
       nudge=nudges, sd=st.floats(0.05, 40))  # fmt: skip
def test_a_score_shown_inside_its_shown_range_is_never_called_outside_it(
    low, width, decimals, at_high, nudge, sd
):
    high = round(low + width, 3)
    value = (high if at_high else low) + nudge * (10 if decimals == 0 else 1)
    judged = judge(value, low, high, decimals=decimals, sd=sd)
    score, start, end = (_read(format_score(v, decimals)) for v in (value, low, high))
    if start <= score <= end:
        assert judged.position == WITHIN and judged.gap == 0
    elif score < start:
        assert judged.position == BELOW and judged.gap < 0
    else:
        assert judged.position == ABOVE and judged.gap > 0
    text = format_gap(judged.gap)
    assert "-0.0" not in text and "+0.0" not in text and text != "0.0"
    if judged.gap:  # a gap that is there is never shown as none
        assert text.startswith("less than") or _read(text) != 0
        assert format_gap(judged.gap, 2, signed=False) not in ("0.00", "-0.00")


@settings(max_examples=200, deadline=None)
@given(minimum=edges, decimals=st.sampled_from([0, 1]), nudge=nudges)
def test_a_knockout_needs_a_shown_score_below_the_shown_minimum(minimum, decimals, nudge):
    value = minimum + nudge * (10 if decimals == 0 else 1)
    judged = judge(value, minimum, minimum + 50, decimals=decimals, minimum=minimum)
    shown_value, shown_minimum = (_read(format_score(v, decimals)) for v in (value, minimum))
    assert judged.below_minimum == (shown_value < shown_minimum)


def test_scores_are_shown_with_one_decimal_on_narrow_metrics_and_whole_on_wide_ones():
    assert score_decimals(1, 5) == 1 and score_decimals(0, 100) == 0
    assert QUESTIONNAIRE.score_decimals["warmth"] == 1
    assert QUESTIONNAIRE.score_decimals["listening"] == 0
    assert format_score(66.6, 0) == "67" and format_score(None, 1) == "—"
    assert format_score(-0.04, 1) == "0.0"


@pytest.mark.parametrize(
    ("value", "low", "high", "decimals"),
    [(3.36, 3.44, 4.1, 1), (94.44, 72.22, 94.4, 1), (66.67, 67.0, 100.0, 0)],
)
def test_the_cases_found_are_within_their_range(value, low, high, decimals):
    # "3.4, target 3.4-4.1, below target (-0.0 SD)", "94.4, above target (72.2-94.4)" and
    # "Listening 67, target 67-100" listed as a gap of 0.00
    judged = judge(value, low, high, decimals=decimals, sd=0.7)
    assert judged == judge(value, low, high, decimals=decimals, sd=0.7)
    assert judged.position == WITHIN and judged.gap == 0


def test_fit_judges_gaps_knockouts_match_and_strengths_on_shown_scores():
    scores = {t.feature_id: t.high for t in PROFILE.features} | EDGES
    fit = candidate_fit(PROFILE, scores, decimals=QUESTIONNAIRE.score_decimals)
    assert fit.gaps["warmth"] == 0 and fit.gaps["listening"] == 0
    assert fit.knockouts == []  # 2.36 and 19.7 are shown as 2.4 and 20, the minimums
    assert {g.feature_id for g in fit.onboarding_gaps} == {"conscientiousness", "defusing_conflict"}
    assert fit.band != "knock-out"
    short = {t.feature_id: (1.0 if t.high <= 5 else 0.0) for t in PROFILE.features}
    edge_only = candidate_fit(
        PROFILE, short | {"warmth": 3.56, "listening": 59.6}, decimals=QUESTIONNAIRE.score_decimals
    )
    assert set(edge_only.strengths) == {"warmth", "listening"}  # on target as shown


@pytest.fixture
def edge_candidate(app, db):
    """A candidate whose stored scores sit just under the shipped profile's edges, re-scored."""
    role = make_role(db, title="Edge desk")
    cid, token = assessed_candidate(app, db, role, "Eddie Edge", "eddie@example.test")
    stored = json.loads(db["results"].get(cid)["scores"])
    for t in PROFILE.features:  # on target everywhere but at the edges
        value = EDGES.get(t.feature_id, t.high)
        stored["scales" if t.feature_id in stored["scales"] else "competencies"][t.feature_id] = (
            value
        )
    db["results"].update(cid, {"scores": json.dumps(stored)})
    rescore_role(db, app.config["INSTANCE_PATH"], role["id"], actor="test")
    db["candidates"].update(cid, {"status": "hired"})
    return role, cid, token


def test_recruiter_page_and_csv_apply_the_rule(client, auth, db, edge_candidate):
    role, cid, _token = edge_candidate
    auth.login("recruiter")
    page = html.unescape(client.get(f"/candidates/{cid}").get_data(as_text=True))
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S))
    assert ">3.6<" in rows["Warmth"] and "3.6–5.0" in rows["Warmth"]
    assert "within target" in rows["Warmth"] and "SD" not in rows["Warmth"]
    assert ">60<" in rows["Listening"] and "60–100" in rows["Listening"]
    assert "within target" in rows["Listening"]
    assert "minimum 2.4" in rows["Conscientiousness"] and ">2.4<" in rows["Conscientiousness"]
    assert "Below a minimum on:" not in page and "band-knock-out" not in page
    assert db["candidates"].get(cid)["band"] != "knock-out"
    assert "-0.0" not in page and "−0.0" not in page
    probes = page.split('id="probes-h"')[1].split("</section>")[0]
    assert "Warmth" not in probes and "Listening" not in probes
    export = client.get(f"/roles/{role['id']}/candidates.csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(export)))
    assert row["biggest_gap"] in ("Conscientiousness", "Defusing conflict")


def test_reports_plans_and_the_candidates_page_apply_the_rule(client, auth, db, edge_candidate):
    _role, cid, token = edge_candidate
    plan = candidate_report(db, cid, "onboarding").data
    assert {gap.name for gap in plan.gaps} == {"Conscientiousness", "Defusing conflict"}
    warmth = next(bar for bar in plan.scales if bar.feature_id == "warmth")
    assert not warmth.below_target
    assert not plan.fit.knockouts
    detail = cohorts.hire_detail(db, None, cid)
    steps = [s.feature_id for phase in cohorts.onboarding_plan(detail).values() for s in phase]
    assert set(steps) == {"conscientiousness", "defusing_conflict"}
    client.get(f"/a/{token}")
    mine = html.unescape(client.get("/my-data/").get_data(as_text=True))
    for name in ("Warmth", "Listening"):
        line = mine.split(f"<strong>{name}</strong>")[1].split("</li>")[0]
        assert "in or above the range this role looks for" in line


def test_fits_stored_before_the_rule_are_judged_by_it_when_shown(client, auth, db, edge_candidate):
    _role, cid, token = edge_candidate
    fit = json.loads(db["results"].get(cid)["fit"])
    module = PROFILE.target("warmth").module
    fit["gaps"]["warmth"] = -0.0712  # what the unrounded 3.56 against 3.6 gave
    fit["onboarding_gaps"].insert(
        0, {"feature_id": "warmth", "gap": -0.0712, "priority": 9.0, "module": vars(module)}
    )
    db["results"].update(cid, {"fit": json.dumps(fit)})
    auth.login("recruiter")
    page = html.unescape(client.get(f"/candidates/{cid}").get_data(as_text=True))
    warmth = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S))["Warmth"]
    assert "within target" in warmth and "SD" not in warmth
    assert "Warmth" not in [gap.name for gap in candidate_report(db, cid, "onboarding").data.gaps]
    client.get(f"/a/{token}")
    mine = html.unescape(client.get("/my-data/").get_data(as_text=True))
    assert "in or above" in mine.split("<strong>Warmth</strong>")[1].split("</li>")[0]
