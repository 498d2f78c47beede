"""The adaptive form's scoring core: keyed categories, θ → 1–5 scores, person fit lz."""

import numpy as np
import pytest

from hiring.assessment.adaptive import keyed_categories, person_fit_lz, score_adaptive
from hiring.assessment.cat import ItemBank
from hiring.assessment.irt import GRMItem, category_probabilities, eap, expected_scale_score
from hiring.roles.services import DEFAULT_QUESTIONNAIRE, questionnaire_bank

ITEMS = [
    GRMItem(id=f"i{k}", scale="s", a=1.2 + 0.1 * (k % 5), b=(-1.6, -0.6, 0.4, 1.4))
    for k in range(20)
]


def simulate(theta: float, rng) -> list[int]:
    """Draw one keyed category per item from the model at ``theta``."""
    probabilities = [category_probabilities(item, np.array([theta]))[0] for item in ITEMS]
    return [int(rng.choice(len(p), p=p)) for p in probabilities]


@pytest.fixture(scope="module")
def questionnaire():
    return questionnaire_bank()[DEFAULT_QUESTIONNAIRE]


def bank_for(questionnaire) -> ItemBank:
    """A bank with every trait statement, all alike, for the shipped questionnaire."""
    items = tuple(
        GRMItem(id=i.id, scale=i.scale, a=1.5, b=(-2.0, -1.0, 0.0, 1.0))
        for i in questionnaire.items
        if i.kind == "trait"
    )
    return ItemBank(version=1, questionnaire_hash=questionnaire.content_hash, items=items)


def test_lz_of_answers_drawn_from_the_model_is_about_standard_normal():
    rng = np.random.default_rng(1)
    values = [person_fit_lz(ITEMS, simulate(0.3, rng), [0.3] * len(ITEMS)) for _ in range(1500)]
    assert abs(np.mean(values)) < 0.12
    assert 0.85 < np.std(values) < 1.15


def test_lz_of_random_answers_is_strongly_negative():
    rng = np.random.default_rng(2)
    values = []
    for _ in range(300):
        categories = [int(c) for c in rng.choice([0, 4], size=len(ITEMS))]
        theta = eap(ITEMS, categories)[0]
        values.append(person_fit_lz(ITEMS, categories, [theta] * len(ITEMS)))
    assert np.mean(values) < -2.0


def test_lz_by_hand_for_one_item():
    item = ITEMS[0]
    p = category_probabilities(item, np.array([0.0]))[0]
    logs = np.log(p)
    mean = p @ logs
    variance = p @ logs**2 - mean**2
    assert person_fit_lz([item], [2], [0.0]) == pytest.approx((logs[2] - mean) / np.sqrt(variance))
    assert np.isnan(person_fit_lz([], [], []))


def test_minus_keyed_statements_are_reversed_into_keyed_categories(questionnaire):
    bank = bank_for(questionnaire)
    plus = next(i for i in questionnaire.items if i.kind == "trait" and i.keyed > 0)
    minus = next(i for i in questionnaire.items if i.kind == "trait" and i.keyed < 0)
    assert keyed_categories(questionnaire, bank, {plus.id: 5, minus.id: 5, "sjt_01": 2}) == {
        plus.id: 4,
        minus.id: 0,
    }


def test_each_scale_score_is_the_expected_score_of_all_its_statements_at_theta(questionnaire):
    bank = bank_for(questionnaire)
    by_scale = bank.by_scale()
    asked = {items[0].id: 4 for items in by_scale.values()} | {
        items[1].id: 3 for items in by_scale.values()
    }
    answers = {
        i: (5 if c == 4 else 4) if questionnaire.likert_by_id[i].keyed > 0 else (1 if c == 4 else 2)
        for i, c in asked.items()
    }
    answers |= {s.id: 1 for s in questionnaire.sjt_items}
    scores, thetas, _ = score_adaptive(questionnaire, bank, answers)
    for scale, items in by_scale.items():
        theta, se = eap(items[:2], [4, 3])
        assert thetas[scale].theta == pytest.approx(theta)
        assert thetas[scale].se == pytest.approx(se)
        assert thetas[scale].asked == 2 and thetas[scale].of == len(items)
        assert scores.scales[scale] == pytest.approx(expected_scale_score(items, theta))
    assert scores.sjt_total is not None and scores.quality["longest_run"] is None
    assert all(f.code != "incomplete" for f in scores.flags)
