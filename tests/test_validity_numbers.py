"""The Validity page's numbers against values computed here another way, from the same data.

The validity coefficient is the point-biserial correlation of the incumbents' out-of-fold
probability with their outcome; Taylor-Russell takes the biserial one (the correlation with
the latent criterion) and a bivariate normal integral, here done by quadrature.
"""

import json
import re

import numpy as np
import pytest
from calibration_data import calibrated_role
from scipy import integrate, stats

from hiring.modeling.utility import (
    biserial_from_point_biserial,
    empirical_success_ratio,
    taylor_russell,
)


def _success_ratio(r: float, base_rate: float, selection_ratio: float) -> float:
    """P(Y > y_c | X > x_c) by integrating over X: no multivariate CDF involved."""
    x_cut, y_cut = stats.norm.isf(selection_ratio), stats.norm.isf(base_rate)
    slope, spread = r, np.sqrt(1 - r * r)

    def density(x: float) -> float:
        return stats.norm.pdf(x) * stats.norm.sf((y_cut - slope * x) / spread)

    joint, _ = integrate.quad(density, x_cut, np.inf, epsabs=1e-12, epsrel=1e-10)
    return joint / selection_ratio


def _biserial(score: np.ndarray, y: np.ndarray) -> float:
    """The textbook biserial: (M1 - M0) / s * pq / phi(z_p), with the population SD."""
    p = y.mean()
    gap = score[y == 1].mean() - score[y == 0].mean()
    return gap / score.std() * p * (1 - p) / stats.norm.pdf(stats.norm.ppf(p))


@pytest.mark.parametrize(
    ("r", "base_rate", "selection_ratio", "table"),
    [(0.5, 0.5, 0.1, 0.84), (0.5, 0.5, 0.5, 0.67), (0.3, 0.5, 0.5, 0.60), (0.0, 0.4, 0.3, 0.40)],
)
def test_taylor_russell_matches_the_published_tables(r, base_rate, selection_ratio, table):
    value = taylor_russell(r, base_rate, selection_ratio)
    assert value == pytest.approx(table, abs=0.005)  # the tables give two decimals
    assert value == pytest.approx(_success_ratio(r, base_rate, selection_ratio), abs=1e-6)


@pytest.mark.parametrize("r", [-0.6, -0.1, 0.25, 0.7])
def test_taylor_russell_at_half_and_half_is_sheppards_closed_form(r):
    """With base rate and selection ratio 1/2 the ratio is 1/2 + arcsin(r) / pi (Sheppard)."""
    assert taylor_russell(r, 0.5, 0.5) == pytest.approx(0.5 + np.arcsin(r) / np.pi, abs=1e-6)


def test_a_negative_validity_lowers_the_success_ratio_below_the_base_rate():
    assert taylor_russell(-0.4, 0.3, 0.2) == pytest.approx(_success_ratio(-0.4, 0.3, 0.2), abs=1e-6)
    assert taylor_russell(-0.4, 0.3, 0.2) < 0.3 < taylor_russell(0.4, 0.3, 0.2)


def test_the_biserial_conversion_matches_the_textbook_formula():
    rng = np.random.default_rng(4)
    score = rng.standard_normal(400)
    y = (score + rng.standard_normal(400) > 0.6).astype(int)
    r_pb = stats.pointbiserialr(y, score).statistic
    assert biserial_from_point_biserial(r_pb, y.mean()) == pytest.approx(
        _biserial(score, y), abs=1e-9
    )
    assert biserial_from_point_biserial(0.4, 0.5) == pytest.approx(
        0.2 / stats.norm.pdf(0), abs=1e-12
    )


def test_the_empirical_ratio_is_the_outcome_rate_of_the_top_share():
    y = np.array([1, 0, 1, 1, 0, 0, 0, 1, 0, 0])
    score = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0])
    assert empirical_success_ratio(y, score, 0.3) == (pytest.approx(2 / 3), 3)
    assert empirical_success_ratio(y, score, 0.01) == (1.0, 1)  # at least one person


@pytest.fixture
def evidence(app, db):
    role, version = calibrated_role(app, db, n=200, validity=0.6)
    oof = np.array(json.loads(db["model_versions"].get(version.id)["metadata"])["calibration"]
                   ["oof_probability"])  # fmt: skip
    y = np.array([row["outcome"] for row in db["incumbents"].rows_where(
        "role_id = ?", [role["id"]], order_by="id")])  # fmt: skip
    return role, version, oof, y


def test_the_validity_page_shows_independently_computed_validity_and_taylor_russell(
    client, auth, evidence
):
    role, version, oof, y = evidence
    report = version.report
    r_pb = stats.pointbiserialr(y, oof).statistic
    assert r_pb > 0.2  # the synthetic incumbents carry real validity, so a flipped sign shows
    assert report.validity == pytest.approx(r_pb, abs=1e-9)
    latent = _biserial(oof, y)
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    assert re.search(rf'Validity coefficient r</th><td class="num">{r_pb:.3f}</td>', page)
    for row in report.expected_outcomes:
        expected = _success_ratio(latent, y.mean(), row["share"])
        assert row["taylor_russell"] == pytest.approx(expected, abs=1e-5)
        empirical, k = empirical_success_ratio(y, oof, row["share"])
        cells = (
            f'<th scope="row">{row["share"] * 100:.0f}%</th><td class="num">{k}</td>'
            f'<td class="num">{empirical * 100:.1f}%</td><td class="num">{expected * 100:.1f}%</td>'
        )
        assert cells in page, cells
    # without the conversion the numbers would differ visibly
    plain = _success_ratio(r_pb, y.mean(), 0.1)
    assert abs(plain - _success_ratio(latent, y.mean(), 0.1)) > 0.01
