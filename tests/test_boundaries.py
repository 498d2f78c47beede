"""Every threshold at its exact boundary: the value on the line, and the one just beside it."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from scipy.stats import f as f_distribution

from hiring.assessment.profiles import LIFT_BANDS, MATCH_BANDS, _band
from hiring.assessment.reliability import (
    ALPHA_WARNING,
    ItemStatistic,
    ReliabilityReport,
    ScaleReliability,
    feldt_interval,
    reliability_warnings,
)
from hiring.candidates.invites import LinkExpired, link_expired, open_link
from hiring.demo.synthetic import FEATURE_IDS
from hiring.modeling.model import (
    MIN_INCUMBENTS,
    MIN_SMALLER_CLASS,
    InsufficientDataError,
    check_sample,
)
from tests.candidate_support import invite, make_role

EPS = 1e-9


def _outcomes(n: int, positives: int) -> np.ndarray:
    y = np.zeros(n, dtype=int)
    y[:positives] = 1
    return y


def test_thirty_incumbents_are_enough_and_twenty_nine_are_not():
    assert MIN_INCUMBENTS == 30
    check_sample(_outcomes(30, 15))  # exactly the minimum: accepted
    with pytest.raises(InsufficientDataError, match="Only 29 incumbents"):
        check_sample(_outcomes(29, 15))


def test_ten_in_the_smaller_group_are_enough_and_nine_are_not():
    assert MIN_SMALLER_CLASS == 10
    check_sample(_outcomes(40, 10))
    check_sample(_outcomes(40, 30))
    for positives in (9, 31):
        with pytest.raises(InsufficientDataError, match="Only 9 incumbents in the smaller"):
            check_sample(_outcomes(40, positives))


def test_a_model_fits_on_exactly_thirty_incumbents():
    from hiring.modeling.model import calibrate

    rng = np.random.default_rng(5)
    y = _outcomes(30, 12)
    x = rng.standard_normal((30, len(FEATURE_IDS))) + y[:, None] * 0.8
    result = calibrate(x, y, FEATURE_IDS, repeats=1)
    assert result.report.n == 30


@pytest.mark.parametrize("bands", [LIFT_BANDS, MATCH_BANDS], ids=["lift", "match"])
def test_a_value_on_a_band_cut_belongs_to_the_band_above(bands):
    names = [name for _, name in bands] + ["low"]
    for (cut, name), below in zip(bands, names[1:], strict=True):
        assert _band(bands, cut) == name
        assert _band(bands, cut - EPS) == below
        assert _band(bands, cut + EPS) == name


def test_the_band_cuts_are_the_documented_ones():
    assert LIFT_BANDS == ((1.5, "strong"), (1.1, "good"), (0.75, "moderate"))
    assert MATCH_BANDS == ((0.85, "strong"), (0.65, "good"), (0.45, "moderate"))


def _report(r: float | None, alpha: float | None = 0.9, kind: str = "scale") -> ReliabilityReport:
    item = ItemStatistic("i1", 3.0, 1.0, r)
    scale = ScaleReliability("s", "Scale", kind, 50, 4, alpha, None, None, (item,))
    return ReliabilityReport("q", "1", 50, [scale], [], None)


def test_the_item_total_warning_starts_just_below_zero():
    assert reliability_warnings(_report(0.0)) == []
    assert reliability_warnings(_report(None)) == []
    [warning] = reliability_warnings(_report(-EPS))
    assert "item i1 has a negative corrected item-total correlation (-0.00)" in warning


def test_the_alpha_warning_starts_just_below_its_threshold_and_only_for_trait_scales():
    assert ALPHA_WARNING == 0.70
    assert reliability_warnings(_report(0.3, ALPHA_WARNING)) == []
    [warning] = reliability_warnings(_report(0.3, ALPHA_WARNING - EPS))
    assert warning == "s: alpha 0.70 is under 0.70"
    assert reliability_warnings(_report(0.3, 0.1, kind="competency")) == []
    [missing] = reliability_warnings(_report(0.3, None))
    assert missing == "s: alpha could not be computed (4 items, 50 complete cases)"


@pytest.mark.parametrize(("n", "k", "df1", "df2"), [(5, 3, 4, 8), (31, 2, 30, 30), (12, 7, 11, 66)])
def test_feldt_uses_n_minus_1_and_n_minus_1_times_k_minus_1_degrees_of_freedom(n, k, df1, df2):
    """The F quantiles are taken at degrees of freedom written out by hand for each case."""
    alpha = 0.8
    low, high = feldt_interval(alpha, n=n, k=k)
    assert low == pytest.approx(1 - (1 - alpha) * f_distribution.ppf(0.975, df1, df2), abs=1e-12)
    assert high == pytest.approx(1 - (1 - alpha) * f_distribution.ppf(0.025, df1, df2), abs=1e-12)


def test_feldt_needs_two_respondents_and_two_items():
    assert all(np.isfinite(feldt_interval(0.5, n=2, k=2)))
    assert all(np.isnan(feldt_interval(0.5, n=1, k=5)))
    assert all(np.isnan(feldt_interval(0.5, n=50, k=1)))
    assert all(np.isnan(feldt_interval(float("nan"), n=50, k=5)))


def test_a_link_expires_at_the_exact_second_of_its_expiry(db):
    role = make_role(db)
    made = invite(db, role, days=14)
    candidate = db["candidates"].get(made.candidate_id)
    expires = datetime.fromisoformat(candidate["token_expires_at"])
    assert expires.tzinfo is not None
    assert not link_expired(candidate, expires - timedelta(microseconds=1))
    assert link_expired(candidate, expires)
    assert open_link(db, made.token, expires - timedelta(seconds=1))["id"] == made.candidate_id
    with pytest.raises(LinkExpired):
        open_link(db, made.token, expires)


def test_an_invite_link_lasts_exactly_the_days_asked(db):
    role = make_role(db)
    before = datetime.now(UTC)
    made = invite(db, role, days=3)
    after = datetime.now(UTC)
    expires = datetime.fromisoformat(db["candidates"].get(made.candidate_id)["token_expires_at"])
    slack = timedelta(seconds=1)  # stored to the second
    assert before + timedelta(days=3) - slack <= expires <= after + timedelta(days=3) + slack
