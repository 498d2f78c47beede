"""The synthetic generator: labelled as synthetic, with a known truth of realistic strength."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from hiring.assessment.questionnaires import load_questionnaire
from hiring.demo.synthetic import (
    FEATURE_IDS,
    simulate_applicants,
    simulate_incumbents,
    synthetic_people,
    trait_correlation,
    true_weights,
)
from hiring.store.paths import data_dir


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")


@pytest.fixture(scope="module")
def item_sample(questionnaire):
    return simulate_incumbents(4000, questionnaire=questionnaire, random_state=11)


def test_everything_generated_is_labelled_synthetic():
    sample = simulate_incumbents(12, random_state=1)
    assert sample.synthetic is True
    assert sample.ids[0] == "SYN-0001" and sample.ids[-1] == "SYN-0012"
    assert all(p.synthetic and p.email.endswith("@example.test") for p in sample.people)
    assert all("(synthetic)" in p.name for p in sample.people)
    assert simulate_applicants(3).ids[0].startswith("SYN-APP-")


def test_people_have_distinct_fake_emails():
    people = synthetic_people(250)
    assert len({p.email for p in people}) == 250


def test_same_seed_gives_same_sample():
    a, b = simulate_incumbents(50, random_state=7), simulate_incumbents(50, random_state=7)
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.y, b.y)


def test_weights_give_the_requested_composite_validity():
    w = true_weights(FEATURE_IDS, 0.4)
    assert np.sqrt(w @ trait_correlation() @ w) == pytest.approx(0.4)
    sample = simulate_incumbents(50_000, random_state=2)
    signal = sample.latent @ w
    assert np.corrcoef(signal, sample.performance)[0, 1] == pytest.approx(0.4, abs=0.015)


def test_defaults_have_realistic_base_rate_and_oracle_auc():
    sample = simulate_incumbents(50_000, random_state=3)
    assert sample.y.mean() == pytest.approx(0.3, abs=0.01)
    assert 0.65 <= roc_auc_score(sample.y, sample.p_true) <= 0.75


def test_true_probability_is_calibrated():
    sample = simulate_incumbents(50_000, random_state=4)
    bins = np.digitize(sample.p_true, [0.2, 0.4, 0.6])
    for b in np.unique(bins):
        mask = bins == b
        assert sample.y[mask].mean() == pytest.approx(sample.p_true[mask].mean(), abs=0.02)


def test_features_stay_in_the_score_metric():
    sample = simulate_incumbents(5000, random_state=5)
    scales, competencies = sample.features[:, :5], sample.features[:, 5:]
    assert scales.min() >= 1 and scales.max() <= 5
    assert competencies.min() >= 0 and competencies.max() <= 100


def test_kpi_threshold_reproduces_high_performers():
    sample = simulate_incumbents(2000, random_state=6)
    cut = 80 + 6 * stats.norm.ppf(0.7)
    agree = (sample.kpi >= cut) == sample.high_performer
    assert agree.mean() > 0.97  # KPI is rounded to one decimal


def test_reverse_keyed_items_correlate_negatively_with_their_trait(questionnaire, item_sample):
    column = {f: j for j, f in enumerate(questionnaire.feature_ids)}
    for item in questionnaire.items:
        if item.kind != "trait":
            continue
        answers = item_sample.responses[:, questionnaire.item_ids.index(item.id)]
        r = np.corrcoef(answers, item_sample.latent[:, column[item.scale]])[0, 1]
        assert np.sign(r) == item.keyed and abs(r) > 0.4, item.id


def test_answers_are_whole_numbers_in_range(questionnaire, item_sample):
    points = questionnaire.response_scale.points
    for j, item_id in enumerate(questionnaire.item_ids):
        answers = item_sample.responses[:, j]
        top = (
            len(questionnaire.sjt_by_id[item_id].options)
            if item_id in questionnaire.sjt_by_id
            else points
        )
        assert set(np.unique(answers)) <= set(range(1, top + 1)), item_id


def test_most_people_pass_attention_checks(questionnaire, item_sample):
    for item in questionnaire.items:
        if item.kind == "attention":
            answers = item_sample.responses[:, questionnaire.item_ids.index(item.id)]
            assert 0.9 < np.isin(answers, item.expected).mean() < 0.99


def test_sjt_choices_are_more_effective_with_higher_competency(questionnaire, item_sample):
    column = {f: j for j, f in enumerate(questionnaire.feature_ids)}
    for sjt in questionnaire.sjt_items:
        chosen = item_sample.responses[:, questionnaire.item_ids.index(sjt.id)].astype(int)
        effect = np.array([o.effectiveness for o in sjt.options])[chosen - 1]
        skill = item_sample.latent[:, [column[c] for c in sjt.competencies]].mean(axis=1)
        assert np.corrcoef(effect, skill)[0, 1] > 0.15, sjt.id


def test_item_level_scores_track_the_latent_traits(item_sample):
    for j in range(len(FEATURE_IDS)):
        r = np.corrcoef(item_sample.features[:, j], item_sample.latent[:, j])[0, 1]
        assert r > 0.5, FEATURE_IDS[j]


def test_applicants_describe_themselves_more_favourably(questionnaire):
    incumbents = simulate_incumbents(3000, questionnaire=questionnaire, random_state=8)
    applicants = simulate_applicants(3000, questionnaire=questionnaire, random_state=9)
    sd = incumbents.features.std(axis=0)
    d = (applicants.features.mean(axis=0) - incumbents.features.mean(axis=0)) / sd
    assert np.all((d[:5] > 0.15) & (d[:5] < 0.5))  # self-report scales shift up modestly
    assert np.all(np.abs(d[5:]) < 0.1)  # SJT competencies do not
    impression = [i.id for i in questionnaire.items if i.kind == "impression" and i.keyed > 0]
    cols = [questionnaire.item_ids.index(i) for i in impression]
    assert applicants.responses[:, cols].mean() > incumbents.responses[:, cols].mean()


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        simulate_incumbents(10, validity=1.2)
    with pytest.raises(ValueError):
        simulate_incumbents(10, base_rate=0.0)
    with pytest.raises(ValueError):
        simulate_incumbents(0)


def test_selection_hires_the_top_of_the_pool_and_observes_only_them():
    from hiring.demo.synthetic import simulate_selection

    sample = simulate_selection(500, selection_ratio=0.2, validity=0.4, random_state=1)
    assert sample.synthetic and sample.hired.sum() == 100
    assert sample.fit[sample.hired].min() >= sample.fit[~sample.hired].max()
    assert np.isnan(sample.performance[~sample.hired]).all()
    assert np.isfinite(sample.performance[sample.hired]).all()
    assert set(np.unique(sample.retained[sample.hired])) <= {0.0, 1.0}


def test_corrected_validity_covers_the_truth_at_the_nominal_rate_and_observed_is_biased_low():
    from scipy.stats import binom

    from hiring.demo.synthetic import simulate_selection
    from hiring.modeling.predictive import predictive_validity

    seeds, truth = 200, 0.4
    covered, observed, corrected = 0, [], []
    for seed in range(seeds):
        sample = simulate_selection(
            500, selection_ratio=0.2, validity=truth, random_state=1000 + seed
        )
        estimate = predictive_validity(
            sample.fit[sample.hired], sample.performance[sample.hired], sample.fit.std(ddof=1)
        )
        covered += estimate.corrected_r_ci[0] <= truth <= estimate.corrected_r_ci[1]
        observed.append(estimate.observed_r)
        corrected.append(estimate.corrected_r)
    # a 99.9% band of the binomial count a 95% interval would give
    low, high = binom.ppf([0.0005, 0.9995], seeds, 0.95)
    assert low <= covered <= high
    assert np.mean(observed) < truth - 0.1  # restriction halves it, as theory says
    assert abs(np.mean(corrected) - truth) < 0.03
