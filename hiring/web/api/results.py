"""Shape candidates and their results for the API, from the same use cases as the staff pages."""

from flask import url_for
from sqlite_utils import Database

from hiring.candidates.invites import link_expires_at
from hiring.workspace.candidate_view import CandidateDetail, FeatureRow


def candidate_out(db: Database, candidate: dict) -> dict:
    """Return a candidate's status fields as the API shows them."""
    role = db["job_roles"].get(candidate["role_id"])
    scored = db["results"].count_where("candidate_id = ?", [candidate["id"]])
    return {
        **candidate,
        "role": role["slug"],
        "link_expires_at": link_expires_at(candidate).isoformat()
        if candidate.get("token_expires_at")
        else None,
        "results_url": url_for("api_candidates.get_results", candidate_id=candidate["id"])
        if scored
        else None,
    }


def _score(row: FeatureRow) -> dict:
    return {
        "id": row.feature_id, "name": row.name,
        "score": None if row.score is None else round(row.score, row.decimals + 2),
        "target_low": row.low, "target_high": row.high, "position": row.position,
    }  # fmt: skip


def _probability(fit: dict) -> dict | None:
    value = fit.get("probability")
    if value is None:
        return None
    low, high = (fit.get("interval") or (None, None))[:2]
    words = f"Calibrated probability of high performance: {value:.0%}"
    if low is not None and high is not None:
        words += (
            f", plausibly between {low:.0%} and {high:.0%} (95% interval for this "
            "candidate's own estimate)"
        )
    if fit.get("base_rate") is not None:
        words += (
            f"; {fit['base_rate']:.0%} of the incumbents it was calibrated on were high performers"
        )
    return {
        "value": value, "interval_low": low, "interval_high": high,
        "base_rate": fit.get("base_rate"), "meaning": words + ".",
    }  # fmt: skip


def _notes(detail: CandidateDetail) -> list[str]:
    fit = detail.fit or {}
    notes = []
    if detail.weak_evidence:
        notes.append(
            "Weak evidence: the model that scored this candidate rests on weak evidence: "
            + "; and ".join(detail.weak_evidence)
            + ". Read its probability and band with caution."
        )
    if fit.get("knockouts"):
        names = ", ".join(detail.names.get(f, f) for f in fit["knockouts"])
        notes.append(f"Below a minimum on: {names}.")
    notes += list(fit.get("notes") or [])
    if fit.get("missing"):
        names = ", ".join(detail.names.get(f, f) for f in fit["missing"])
        notes.append(f"Not scored, so the model could not be used: {names}.")
    if fit and (fit.get("band_basis") == "profile" or fit.get("stored") is False):
        notes.append(
            "No model is calibrated for this role: the band is from the hiring profile alone."
        )
    return notes


def _flag(flag: dict) -> str:
    """Say a response-quality flag in words: its title and what was seen."""
    if not isinstance(flag, dict):
        return str(flag)
    return ": ".join(str(flag[k]) for k in ("label", "detail") if flag.get(k)) or str(flag)


def results_out(detail: CandidateDetail) -> dict:
    """Return a candidate's results: what the staff candidate page shows, as data."""
    fit = detail.fit or {}
    scores = detail.scores or {}
    candidate = detail.candidate
    cid = candidate["id"]
    reports = {}
    if detail.scores is not None:
        reports = {
            variant: url_for("api_candidates.get_report", candidate_id=cid, variant=variant)
            for variant in ("fit", "onboarding")
        }
    return {
        "candidate_id": cid,
        "status": candidate["status"],
        "scored_at": candidate.get("submitted_at") if detail.scores is not None else None,
        "questionnaire": scores.get("questionnaire"),
        "scales": [_score(row) for row in detail.scales],
        "sjt": [_score(row) for row in detail.competencies],
        "sjt_total": scores.get("sjt_total"),
        "band": fit.get("band"),
        "band_basis": fit.get("band_basis"),
        "fit_probability": _probability(fit),
        "percentile": fit.get("percentile"),
        "evidence_notes": _notes(detail),
        "quality_flags": [_flag(flag) for flag in detail.flags],
        "model_version": detail.model_label or None,
        "reports": reports,
    }
