"""Competencies scored from shared scenarios enter the model together, and pages say so."""

import html
from dataclasses import replace

import numpy as np
import pytest
from calibration_data import calibrated_role
from candidate_records import assessed_candidate

from hiring.assessment.questionnaires import load_bank

SHIPPED = load_bank()[("wetco-service", "1")]
SIX = ("listening", "gathering_information", "communicating_clearly", "building_relationships",
       "defusing_conflict", "patience_caring")  # fmt: skip


def _rekeyed(links: dict[str, tuple[str, ...]]):
    """The shipped questionnaire with each scenario counting toward the given competencies."""
    items = tuple(replace(s, competencies=links.get(s.id, (SIX[0],))) for s in SHIPPED.sjt_items)
    return replace(SHIPPED, sjt_items=items)


def test_the_shipped_scenarios_link_all_six_competencies_into_one_group():
    assert SHIPPED.shared_scenario_groups == {"scenario_group": SIX}
    shared = [s for s in SHIPPED.sjt_items if len(s.competencies) > 1]
    assert shared  # sjt_01 counts toward three


def test_groups_are_the_connected_competencies_and_lone_ones_stay_apart():
    links = {s.id: (SIX[i % 6],) for i, s in enumerate(SHIPPED.sjt_items)}  # one each
    assert _rekeyed(links).shared_scenario_groups == {}
    first, second, third = (s.id for s in SHIPPED.sjt_items[:3])
    links |= {first: (SIX[0], SIX[1]), second: (SIX[1], SIX[2]), third: (SIX[3], SIX[4])}
    assert _rekeyed(links).shared_scenario_groups == {
        "scenario_group_1": (SIX[0], SIX[1], SIX[2]),  # linked through SIX[1]
        "scenario_group_2": (SIX[3], SIX[4]),
    }


@pytest.fixture
def calibrated(app, db):
    return calibrated_role(app, db)


def test_calibrating_a_role_models_the_six_as_one_averaged_feature(calibrated):
    _role, version = calibrated
    report = version.report
    assert report.composites == {"scenario_group": list(SIX)}
    assert set(report.coefficients) == {*(s.id for s in SHIPPED.scales), "scenario_group"}
    assert len(report.importance) == 6
    derived = version.metadata["calibration"]
    assert derived["composites"] == {"scenario_group": list(SIX)}
    assert derived["feature_ids"] == list(SHIPPED.feature_ids)  # inputs are still all eleven


def test_validity_and_candidate_pages_explain_the_shared_importance(
    app, client, auth, db, calibrated
):
    role, version = calibrated
    auth.login("admin")
    page = html.unescape(client.get(f"/admin/validity/{role['id']}").get_data(as_text=True))
    importance = page.split('id="h-importance"')[1].split("</section>")[0]
    assert "All 6 service behaviours, averaged" in importance
    assert "are scored from shared scenarios" in importance
    assert "Listening, Gathering information, Communicating clearly" in importance
    assert "cannot be split among them" in importance
    cid, _ = assessed_candidate(app, db, role, "Sam Shared", "sam@example.test")
    auth.login("recruiter")
    candidate = html.unescape(client.get(f"/candidates/{cid}").get_data(as_text=True))
    factors = candidate.split('id="factors-h"')[1].split("</section>")[0]
    assert "All 6 service behaviours, averaged" in factors
    assert "cannot be split among them" in factors
    assert factors.count('<th scope="row">') == 6
    assert np.isfinite(db["candidates"].get(cid)["fit"])
