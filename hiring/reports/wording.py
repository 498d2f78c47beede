"""Say in words what a stored fit means: its band, and how far to trust its probability.

Every sentence is built from stored figures (the fit result and the model version's
out-of-fold validation report) and the profiles' own band thresholds; nothing is estimated.
"""

import math

from hiring.assessment.profiles import LIFT_BANDS, MATCH_BANDS
from hiring.modeling.probability_interval import probability_interval
from hiring.store.plurals import plural

BAND_LABELS = {
    "strong": "Strong fit",
    "good": "Good fit",
    "moderate": "Moderate fit",
    "low": "Low fit",
    "knock-out": "Below a minimum (knock-out)",
}


def finite(value: object) -> float | None:
    """Return ``value`` as a float, or None when it is missing, not a number, NaN or infinite."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def band_meaning(band: str, basis: str, base_rate: float | None) -> str:
    """Say in words what puts a candidate in ``band``, from the profiles' own thresholds."""
    if band == "knock-out" or basis == "minimum":
        return "At least one score is below the hiring profile's minimum for this role; see the knock-outs."
    cuts = LIFT_BANDS if basis == "probability" else MATCH_BANDS
    names = [name for _, name in cuts]
    if band not in names and band != "low":
        return "The band could not be explained from the stored result."
    index = names.index(band) if band in names else len(cuts)
    low = cuts[index][0] if index < len(cuts) else None
    high = cuts[index - 1][0] if index > 0 else None
    if basis == "probability":
        rate = f" ({base_rate * 100:.0f}%)" if base_rate else ""
        span = _span(low, high, "{:g} times")
        return f"The calibrated probability is {span} the share of incumbents who meet the performance bar{rate}."
    span = _span(low, high, "{:.0%}")
    return f"At or above the low end of the target range on {span} of the hiring profile, weighted by importance."


def _span(low: float | None, high: float | None, form: str) -> str:
    if high is None:
        return "at least " + form.format(low)
    if low is None:
        return "under " + form.format(high)
    return f"from {form.format(low)} up to {form.format(high)}"


PERSON, SIMILAR = "person", "similar incumbents"  # whose interval a report shows


def uncertainty(
    probability: float, report: dict, own: tuple[float, float] | list[float] | None = None
) -> tuple[tuple[float, float] | None, str, str]:
    """Return the interval to show, whose it is, and the words that explain it.

    ``own`` is the interval of the candidate's own estimate stored with the fit; without
    one (a model type that has none, or a fit stored before it was computed) the interval
    shown is the one of incumbents with a similar out-of-fold probability, said as such.
    """
    similar = probability_interval(probability, report.get("ece_bins") or [])
    n = report.get("n")
    people = plural(n, "incumbent") if n is not None else "incumbents"
    if similar is None:
        check = (
            f"Too few of the {people} had an out-of-fold probability near this one to "
            "check it against real outcomes."
        )
    else:
        check = (
            f"Of the {plural(similar.n, 'incumbent')} whose out-of-fold probability was between "
            f"{similar.predicted_low:.0%} and {similar.predicted_high:.0%}, {similar.met} "
            f"({similar.observed_rate:.0%}) met the performance bar; with that many people, the "
            f"rate for people like them plausibly lies between {similar.low:.0%} and "
            f"{similar.high:.0%} (95% Wilson interval)."
        )
    if own is not None and all(finite(v) is not None for v in own):
        low, high = float(own[0]), float(own[1])
        words = (
            f"The model's estimate for this candidate is uncertain: with its coefficients as "
            f"uncertain as {people} leave them, it plausibly lies between {low:.0%} and "
            f"{high:.0%} (95% interval for this person's own estimate). As a check against real "
            "outcomes: " + check[0].lower() + check[1:]
        )
        return (low, high), PERSON, words + _calibration_words(report)
    if similar is None:
        words = check + " No range is given; treat the figure as rough."
        return None, SIMILAR, words + _calibration_words(report)
    words = check + (
        " This range belongs to that group of incumbents, not to this candidate's own "
        "estimate, which this model version does not give."
    )
    if not similar.contains(probability):
        words += " The stated probability lies outside that range: read it with extra caution."
    return (similar.low, similar.high), SIMILAR, words + _calibration_words(report)


def _calibration_words(report: dict) -> str:
    ece, slope = finite(report.get("ece")), finite(report.get("calibration_slope"))
    words = ""
    if ece is not None:
        words += (
            f" Across all {plural(report.get('n') or 0, 'incumbent')} the stated probabilities were off by "
            f"{ece * 100:.1f} percentage points on average."
        )
    if slope is not None:
        words += f" The calibration slope is {slope:.2f} (1 is ideal"
        if slope < 1:
            words += "; below 1 means the probabilities are too extreme"
        elif slope > 1:
            words += "; above 1 means they are too cautious, too close to the base rate"
        words += ")."
    return words
