"""Cronbach's alpha, Feldt intervals, item-total correlations and split-half reliability."""

import copy
import statistics
from pathlib import Path

import numpy as np
import pytest
import yaml

from benchmarks.simulate_norms import simulate_responses
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.reliability import (
    corrected_item_total,
    cronbach_alpha,
    feldt_interval,
    reliability_report,
    split_half,
)

FIXTURES = Path(__file__).parent / "fixtures"
WETCO = load_questionnaire(Path(__file__).parents[1] / "questionnaires" / "wetco-service-v1.yaml")
HAND = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5], [2, 2, 3]], dtype=float)


def test_alpha_by_hand_with_the_standard_library():
    k = HAND.shape[1]
    item_variances = [statistics.variance(column) for column in HAND.T.tolist()]
    total_variance = statistics.variance([sum(r) for r in HAND.tolist()])
    expected = k / (k - 1) * (1 - sum(item_variances) / total_variance)
    assert cronbach_alpha(HAND) == pytest.approx(expected)
    # item variances 1.3, 1.5, 1.3; totals 5, 8, 10, 14, 7 have variance 11.7
    assert cronbach_alpha(HAND) == pytest.approx(1.5 * (1 - 4.1 / 11.7))


def correlated_items(n: int, k: int, loading: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 1))
    return loading * common + rng.standard_normal((n, k))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_matches_the_covariance_matrix_formula(seed):
    items = correlated_items(300, 6, 0.8, seed)
    cov = np.cov(items, rowvar=False)
    k = cov.shape[0]
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(items) == pytest.approx(expected)


def test_alpha_matches_hoyts_analysis_of_variance():
    """Hoyt (1941): alpha = 1 - MS(residual) / MS(persons) in a persons x items ANOVA."""
    items = correlated_items(120, 5, 0.7, 9)
    n, k = items.shape
    grand = items.mean()
    ss_persons = k * ((items.mean(axis=1) - grand) ** 2).sum()
    ss_items = n * ((items.mean(axis=0) - grand) ** 2).sum()
    ss_residual = ((items - grand) ** 2).sum() - ss_persons - ss_items
    ms_persons, ms_residual = ss_persons / (n - 1), ss_residual / ((n - 1) * (k - 1))
    assert cronbach_alpha(items) == pytest.approx(1 - ms_residual / ms_persons)


def test_feldt_interval_reproduces_a_published_example():
    """statpsych's ci.cronbach(.05, .85, 7, 89) documents LL .7971 and UL .8931."""
    low, high = feldt_interval(0.85, n=89, k=7)
    assert low == pytest.approx(0.7971, abs=5e-4)
    assert high == pytest.approx(0.8931, abs=5e-4)


def test_feldt_intervals_cover_the_true_alpha_about_95_percent_of_the_time():
    """Parallel items with true alpha k*l^2 / (k*l^2 + 1): count how often the interval covers."""
    n, k, loading, replications = 60, 6, 0.6, 1500
    true_alpha = k * loading**2 / (k * loading**2 + 1)
    rng = np.random.default_rng(11)
    common = rng.standard_normal((replications, n, 1))
    data = loading * common + rng.standard_normal((replications, n, k))
    covered = 0
    for items in data:
        low, high = feldt_interval(cronbach_alpha(items), n, k)
        covered += low <= true_alpha <= high
    assert 0.93 <= covered / replications <= 0.97


def test_corrected_item_total_correlates_each_item_with_the_rest():
    got = corrected_item_total(HAND)
    for j in range(HAND.shape[1]):
        rest = (HAND.sum(axis=1) - HAND[:, j]).tolist()
        assert got[j] == pytest.approx(statistics.correlation(HAND[:, j].tolist(), rest))


def test_split_half_uses_odd_and_even_items_and_steps_up_with_spearman_brown():
    items = correlated_items(80, 6, 0.5, 4)
    odd, even = items[:, [0, 2, 4]].mean(axis=1), items[:, [1, 3, 5]].mean(axis=1)
    r = statistics.correlation(odd.tolist(), even.tolist())
    assert split_half(items) == pytest.approx((r, 2 * r / (1 + r)))


def test_undefined_statistics_are_nan_not_errors():
    assert np.isnan(cronbach_alpha(np.ones((5, 3))))  # no variance
    assert np.isnan(cronbach_alpha(np.ones((5, 1))))  # one item
    assert np.isnan(feldt_interval(float("nan"), 10, 3)).all()
    assert np.isnan(corrected_item_total(np.ones((4, 3)))).all()


def test_the_shipped_questionnaire_is_reliable_on_simulated_applicants():
    responses = simulate_responses(WETCO, 1500, seed=5)
    report = reliability_report(WETCO, responses)
    assert [s.id for s in report.scales] == [s.id for s in WETCO.scales]
    for scale in report.scales:
        assert scale.n == 1500 and scale.k == 8
        assert scale.ci_low < scale.alpha < scale.ci_high
        assert scale.alpha > 0.7
        assert all(item.corrected_item_total > 0.3 for item in scale.items)
    assert len(report.competencies) == 6
    assert report.sjt_split_half.spearman_brown > report.sjt_split_half.r_halves > 0
    assert report.warnings == []


def test_a_wrongly_keyed_item_is_warned_about(tmp_path):
    data = yaml.safe_load((FIXTURES / "bigfive-25.yaml").read_text())
    wrong = copy.deepcopy(data)
    wrong["items"][1]["keyed"] = "plus"  # o2 is really a minus-keyed statement
    path = tmp_path / "wrong-key.yaml"
    path.write_text(yaml.safe_dump(wrong))
    truth = load_questionnaire(FIXTURES / "bigfive-25.yaml")
    responses = simulate_responses(truth, 400, seed=2)
    report = reliability_report(load_questionnaire(path), responses)
    assert any(
        w.startswith("openness: item o2 has a negative corrected item-total correlation")
        for w in report.warnings
    ), report.warnings
    assert not any("item o2" in w for w in reliability_report(truth, responses).warnings)


def test_a_weak_scale_and_too_few_respondents_are_warned_about():
    rng = np.random.default_rng(1)
    q = load_questionnaire(FIXTURES / "tiny.yaml")
    noise = rng.integers(1, 6, (200, len(q.item_ids))).astype(float)
    noise[:, 9:] = 1  # scenarios: always the first option
    report = reliability_report(q, noise)
    assert any(w.startswith("alpha: alpha ") and "is under 0.70" in w for w in report.warnings)
    tiny_report = reliability_report(q, noise[:1])
    assert "alpha: alpha could not be computed (3 items, 1 complete case)" in tiny_report.warnings


def test_the_report_is_json_ready():
    import json

    q = load_questionnaire(FIXTURES / "tiny.yaml")
    responses = simulate_responses(q, 50, seed=1)
    data = json.loads(json.dumps(reliability_report(q, responses).to_dict()))
    assert data["questionnaire"] == "tiny" and data["respondents"] == 50
    assert set(data["scales"][0]) >= {"alpha", "ci_low", "ci_high", "items", "n", "k"}
