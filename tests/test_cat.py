"""The adaptive engine: page choice, content balancing, exposure control, stopping, what is left."""

import numpy as np
import pytest

from hiring.assessment.cat import (
    CatSettings,
    ItemBank,
    expected_remaining,
    next_items,
    scale_estimates,
    stopped_scales,
)
from hiring.assessment.irt import GRMItem, category_probabilities, eap, item_information

SCALES = ("warmth", "energy", "tenacity", "conscientiousness", "openness")


def _bank(per_scale: int = 8) -> ItemBank:
    rng = np.random.default_rng(4)
    items = []
    for scale in SCALES:
        for j in range(per_scale):
            b = np.sort(rng.normal(0, 1, 4)) - 0.5
            items.append(GRMItem(f"{scale}_{j}", scale, float(rng.uniform(0.8, 2.5)), tuple(b)))
    return ItemBank(1, "sha256:test", tuple(items))


def _answer(bank, ids, theta, rng):
    items = {i.id: i for i in bank.items}
    return {
        i: int(rng.choice(5, p=category_probabilities(items[i], np.array([theta]))[0])) for i in ids
    }


def test_the_first_page_takes_one_item_from_each_of_three_scales():
    bank = _bank()
    page = next_items(bank, {}, CatSettings(), seed=1)
    assert len(page) == 3
    assert [i.split("_")[0] for i in page] == list(SCALES[:3])


def test_pages_rotate_through_the_scales_so_they_advance_in_step():
    bank, rng, answered = _bank(), np.random.default_rng(0), {}
    for _ in range(5):
        answered |= _answer(bank, next_items(bank, answered, CatSettings(), seed=2), 0.3, rng)
    counts = {s: sum(1 for i in answered if i.startswith(s)) for s in SCALES}
    assert sorted(counts.values()) == [3, 3, 3, 3, 3]


def test_without_randomesque_the_most_informative_item_comes_first():
    bank = _bank()
    settings = CatSettings(randomesque=1, items_per_page=1)
    answered = {"warmth_0": 4, "warmth_1": 3}
    theta = scale_estimates(bank, answered)["energy"][0]
    energy = bank.by_scale()["energy"]
    best = max(energy, key=lambda i: item_information(i, np.array([theta]))[0])
    assert next_items(bank, answered, settings, seed=9) == [best.id]


def test_randomesque_spreads_the_first_item_over_the_top_candidates():
    bank = _bank()
    settings = CatSettings(randomesque=3, items_per_page=1)
    firsts = {next_items(bank, {}, settings, seed=s)[0] for s in range(60)}
    information = {i.id: item_information(i, np.array([0.0]))[0] for i in bank.by_scale()["warmth"]}
    top3 = sorted(information, key=information.get, reverse=True)[:3]
    assert firsts == set(top3)


def test_the_same_seed_and_answers_give_the_same_page_in_any_answer_order():
    bank = _bank()
    answered = {"warmth_2": 1, "energy_5": 4, "tenacity_1": 2}
    again = dict(reversed(list(answered.items())))
    assert next_items(bank, answered, CatSettings(), 7) == next_items(bank, again, CatSettings(), 7)


def test_estimates_are_each_scales_own_eap():
    bank = _bank()
    answered = {"warmth_0": 4, "warmth_3": 2, "energy_1": 0}
    got = scale_estimates(bank, answered)
    items = {i.id: i for i in bank.items}
    assert got["warmth"] == pytest.approx(eap([items["warmth_0"], items["warmth_3"]], [4, 2]))
    assert got["energy"] == pytest.approx(eap([items["energy_1"]], [0]))
    assert got["openness"] == pytest.approx((0.0, 1.0), abs=1e-6)


def test_a_scale_stops_at_the_target_se_only_after_its_minimum():
    bank = _bank()
    answered = {"warmth_0": 2}
    loose = CatSettings(target_se=0.99, min_items_per_scale=1)
    assert "warmth" in stopped_scales(bank, answered, loose)
    assert "warmth" not in stopped_scales(bank, answered, CatSettings(target_se=0.99))


def test_a_scale_stops_at_its_maximum_and_the_test_ends_with_an_empty_page():
    bank, rng, answered = _bank(), np.random.default_rng(3), {}
    settings = CatSettings(target_se=0.01, max_items_per_scale=2)
    pages = 0
    while page := next_items(bank, answered, settings, seed=5):
        answered |= _answer(bank, page, -0.5, rng)
        pages += 1
    assert len(answered) == 10 and pages == 4
    assert stopped_scales(bank, answered, settings) == frozenset(SCALES)
    assert expected_remaining(bank, answered, settings) == 0


def test_a_page_doubles_up_on_a_scale_only_when_fewer_scales_run_than_the_page_holds():
    bank = _bank()
    others = {f"{s}_{j}": 2 for s in SCALES[1:] for j in range(8)}
    page = next_items(bank, others, CatSettings(), seed=1)
    assert len(page) == 3 and all(i.startswith("warmth") for i in page)


def test_expected_remaining_is_honest_about_the_items_a_simulated_cat_then_asks():
    bank, settings = _bank(10), CatSettings(target_se=0.45)
    errors = []
    for person in range(30):
        rng = np.random.default_rng(person)
        theta, answered = rng.normal(), {}
        answered |= _answer(bank, next_items(bank, answered, settings, person), theta, rng)
        estimate = expected_remaining(bank, answered, settings)
        asked_before = len(answered)
        while page := next_items(bank, answered, settings, person):
            answered |= _answer(bank, page, theta, rng)
        errors.append(estimate - (len(answered) - asked_before))
    assert abs(np.mean(errors)) <= 3
