"""Use cases over the database: alpha/omega/SEM of applicants, DIF review, Cleary on incumbents."""

import pytest
from candidate_records import make_role
from measurement_data import incumbents_with_identity, insert_applicants

from hiring.fairness.item_review import dif_review, dif_summary
from hiring.fairness.prediction_review import (
    differential_prediction_summary,
    prediction_review,
)
from hiring.modeling.incumbent_evidence import sjt_incremental_summary
from hiring.modeling.measurement import measurement_summary


@pytest.fixture
def role(db):
    return make_role(db, title="Night desk")


def test_measurement_summary_gives_alpha_omega_and_sem_per_scale(db, role):
    assert measurement_summary(db, role["id"])["respondents"] == 0
    insert_applicants(db, role, 150)
    summary = measurement_summary(db, role["id"])
    assert summary["respondents"] == 150
    warmth = summary["scales"][0]
    assert warmth["id"] == "warmth" and warmth["n"] == 150
    assert warmth["omega_ci"][0] < warmth["omega"] < warmth["omega_ci"][1]
    assert warmth["alpha_ci"][0] < warmth["alpha"] < warmth["alpha_ci"][1]
    assert warmth["sem_ci"][0] < warmth["sem"] < warmth["sem_ci"][1]


@pytest.mark.slow
def test_dif_review_flags_the_planted_item_for_the_group_only(db, role):
    insert_applicants(db, role, 600, seed=3, dif_item="warm_02", shift=-2)
    review = dif_review(db, role["id"])
    assert review.applicants == 600
    flagged = {(row.item_id, row.group) for row in review.flagged}
    assert ("warm_02", "Woman") in flagged and (
        "warm_02",
        "Man",
    ) in flagged  # the same gap, both ways
    assert {item for item, _ in flagged} == {"warm_02"}
    sex = next(c for c in review.characteristics if c.characteristic == "sex")
    assert sex.tested == ["Man", "Woman"]
    race = next(c for c in review.characteristics if c.characteristic == "race_ethnicity")
    assert race.tested == [] and race.not_tested == {
        "White": "fewer than 30 people in everyone else"
    }
    assert dif_summary(db, role["id"])["flagged"][0]["item_id"] == "warm_02"


def test_differential_prediction_runs_on_incumbents_by_their_self_identification(db, role):
    incumbents_with_identity(db, role, 200)
    review = prediction_review(db, role["id"])
    assert review.design == "concurrent" and review.n == 200 and review.n_identified == 200
    sex = next(c for c in review.characteristics if c.characteristic == "sex")
    assert [r.group for r in sex.results] == ["F", "M"]
    # no difference was planted: the group studied and everyone else swap signs
    f, m = sex.results
    assert f.intercept_difference == pytest.approx(-m.intercept_difference, abs=1e-6)
    assert f.reading
    summary = differential_prediction_summary(db, role["id"])
    assert summary["design"] == "concurrent"
    assert summary["characteristics"][0]["results"][0]["group"] == "F"


def test_sjt_incremental_validity_on_incumbents(db, role):
    assert sjt_incremental_summary(db, role["id"]) is None
    incumbents_with_identity(db, role, 200)
    result = sjt_incremental_summary(db, role["id"])
    assert result["measure"] == "AUC" and result["design"] == "concurrent" and result["n"] == 200
    low, high = result["gain_ci"]
    assert low <= result["gain"] <= high
    assert result["with_sjt"] == pytest.approx(result["traits_only"] + result["gain"])
