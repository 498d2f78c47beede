"""A candidate's fit as the ranked list stores it: from the active model, else the profile alone."""

from sqlite_utils import Database

from hiring.assessment.profiles import candidate_fit, load_profiles

# Band order for sorting the ranked list (higher is better); unknown bands sort lowest.
BAND_RANKS = {"strong": 4, "good": 3, "moderate": 2, "low": 1, "knock-out": 0}


def profile_fit(db: Database, role: dict, questionnaire, scores):
    """Explain the fit against the role's hiring profile when no model is active."""
    versions = sorted(
        (p for (pid, _v), p in load_profiles().items() if pid == role["profile_id"]),
        key=lambda p: p.version,
    )
    if not versions:
        return None
    values = {**scores.scales, **scores.competencies}
    return candidate_fit(
        versions[-1], values, None, norms=questionnaire.norms,
        decimals=questionnaire.score_decimals,
    )  # fmt: skip


def list_columns(fit, scores) -> dict:
    """Return the ranked-list columns of ``candidates`` for a fit (None: not calibrated)."""
    fit_data = fit.to_dict() if fit is not None else None
    gaps = fit_data["onboarding_gaps"] if fit_data else []
    return {
        "fit": fit.probability if fit is not None else None,
        "band": fit.band if fit is not None else "not calibrated",
        "band_rank": BAND_RANKS.get(fit.band) if fit is not None else None,
        "percentile": fit.percentile if fit is not None else None,
        "flag_count": len(scores.flags),
        "top_strength": fit.strengths[0] if fit is not None and fit.strengths else None,
        "biggest_gap": gaps[0]["feature_id"] if gaps else None,
    }
