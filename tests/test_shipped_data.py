"""Every shipped questionnaire loads, and the WETCO questionnaire keeps the promises we make."""

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.simulate_norms import NORMS_N, NORMS_SEED, simulated_norms
from hiring.assessment.questionnaires import load_bank, load_questionnaire
from hiring.store.paths import data_dir

ROOT = Path(__file__).parents[1]
SHIPPED = sorted(data_dir("questionnaires").glob("*.y*ml"))
WETCO = load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")
SCALES = ("warmth", "empathy", "teamwork", "conscientiousness", "optimism")
COMPETENCIES = ("listening", "gathering_information", "communicating_clearly",
                "building_relationships", "defusing_conflict", "patience_caring")  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_questionnaire_loads(path):
    q = load_questionnaire(path)
    assert path.name.startswith(q.id)


def test_the_bank_has_one_entry_per_file():
    assert len(load_bank()) == len(SHIPPED) >= 1


def test_the_example_in_the_format_docs_is_a_valid_questionnaire(tmp_path):
    docs = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    q = load_questionnaire(path)
    assert q.id == "service-short" and len(q.pages) == 2


PROFILES = sorted(data_dir("profiles").glob("*.yaml"))


@pytest.mark.parametrize("path", PROFILES, ids=[p.name for p in PROFILES])
def test_every_shipped_profile_loads_against_the_questionnaire_it_names(path):
    from hiring.assessment.profiles import load_profile

    named = load_profile(path).questionnaire
    versions = [q for (q_id, _), q in sorted(load_bank().items()) if q_id == named]
    assert versions, f"{path.name} names unknown questionnaire {named!r}"
    assert load_profile(path, versions[-1]).id


def test_wetco_identity_and_features_follow_the_contract():
    assert (WETCO.id, WETCO.version) == ("wetco-service", "1")
    assert tuple(s.id for s in WETCO.scales) == SCALES
    assert tuple(c.id for c in WETCO.competencies) == COMPETENCIES
    assert WETCO.feature_ids == SCALES + COMPETENCIES
    assert WETCO.minutes == (15, 25)


@pytest.mark.parametrize("scale", SCALES)
def test_each_wetco_scale_has_eight_items_three_reverse_keyed(scale):
    items = WETCO.scale_items(scale)
    assert len(items) >= 8
    assert sum(1 for i in items if i.keyed < 0) >= 3


def test_wetco_has_attention_and_impression_items():
    kinds = Counter(i.kind for i in WETCO.items)
    assert kinds["attention"] >= 2 and kinds["impression"] >= 4


def test_wetco_has_at_least_twelve_scenarios_covering_every_competency():
    assert len(WETCO.sjt_items) >= 12
    for item in WETCO.sjt_items:
        assert 3 <= len(item.options) <= 5
        keys = [o.effectiveness for o in item.options]
        assert min(keys) == 1 and max(keys) == 4, item.id
    for competency in COMPETENCIES:
        assert len(WETCO.competency_items(competency)) >= 3, competency


def test_the_best_option_is_not_always_in_the_same_place():
    positions = Counter(
        [o.effectiveness for o in item.options].index(4) for item in WETCO.sjt_items
    )
    assert len(positions) == 4 and max(positions.values()) <= len(WETCO.sjt_items) // 2


def test_wetco_pages_mix_traits_in_short_pages_then_one_scenario_a_page():
    likert_pages = [p for p in WETCO.pages if p.item_ids[0] in WETCO.likert_by_id]
    sjt_pages = [p for p in WETCO.pages if p.item_ids[0] in WETCO.sjt_by_id]
    assert len(likert_pages) + len(sjt_pages) == len(WETCO.pages)
    assert WETCO.pages[: len(likert_pages)] == tuple(likert_pages)
    for page in likert_pages:
        assert 6 <= len(page.item_ids) <= 8
        scales = {WETCO.likert_by_id[i].scale for i in page.item_ids} - {None}
        assert len(scales) >= 4, page.id
    assert all(len(p.item_ids) == 1 for p in sjt_pages)
    assert all(p.title.strip() and p.instructions.strip() for p in WETCO.pages)


def test_wetco_items_are_short_plain_sentences():
    for item in WETCO.items:
        assert len(item.text.split()) <= 20, item.id
    for item in WETCO.sjt_items:
        assert len(item.scenario.split()) <= 60, item.id
        assert all(len(o.text.split()) <= 35 for o in item.options), item.id


def test_wetco_declares_two_to_four_synonym_pairs():
    assert 2 <= len(WETCO.synonym_pairs) <= 4


def test_wetco_norms_are_labelled_synthetic_and_cover_every_feature():
    assert set(WETCO.norms) == set(WETCO.feature_ids)
    assert "synthetic" in WETCO.norms_label.lower()
    assert "not real people" in WETCO.norms_label


def test_the_shipped_norms_are_reproduced_by_the_documented_simulation():
    # The latent draw goes through an SVD whose bits depend on the BLAS build, so another
    # machine may draw another sample of the same model: allow four standard errors of the
    # mean (and a rounding unit), far less than any change to the model or the items moves it.
    again = simulated_norms(WETCO, n=NORMS_N, seed=NORMS_SEED)
    for feature, (mean, sd, n) in WETCO.norms.items():
        unit = 0.1 if mean > 10 else 0.01
        tolerance = 4 * sd / n**0.5 + unit
        assert again[feature]["n"] == n
        assert abs(again[feature]["mean"] - mean) <= tolerance, feature
        assert abs(again[feature]["sd"] - sd) <= tolerance, feature
