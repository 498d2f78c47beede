"""The evidence gate reads intervals: weak evidence needs an override to activate, and says so."""

import html
import json

import numpy as np
import pytest
from calibration_data import calibrated_role, make_role, scores_csv
from candidate_records import assessed_candidate
from page_support import csrf_token
from scipy import stats

from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion
from hiring.modeling.model import weak_evidence
from hiring.modeling.validation import brier_skill_with_ci
from hiring.reports.candidate_reports import candidate_report

REASON = "Pilot on one site while more incumbents are collected"


def test_brier_skill_interval_matches_scipys_bootstrap():
    rng = np.random.default_rng(8)
    p = rng.uniform(0.05, 0.9, 250)
    y = (rng.random(250) < p).astype(float)
    skill, base, low, high = brier_skill_with_ci(y, p, n_boot=4000)

    def statistic(yy, pp):
        rate = yy.mean()
        return 1 - np.mean((pp - yy) ** 2) / (rate * (1 - rate))

    reference = stats.bootstrap(
        (y, p), statistic, paired=True, vectorized=False, n_resamples=4000,
        method="percentile", random_state=9,
    ).confidence_interval  # fmt: skip
    assert skill == pytest.approx(statistic(y, p)) and base == pytest.approx(
        y.mean() * (1 - y.mean())
    )
    assert (low, high) == pytest.approx((reference.low, reference.high), abs=0.015)
    assert low < skill < high


@pytest.mark.parametrize(
    ("auc_ci", "skill_ci", "says"),
    [
        ((0.47, 0.69), (0.01, 0.2), ["includes 0.5"]),
        ((0.62, 0.80), (-0.01, 0.2), ["Brier skill (-0.010 to +0.200) reaches zero"]),
        ((0.62, 0.80), (0.0, 0.2), ["reaches zero"]),  # a lower bound of exactly 0 is weak
        ((0.50, 0.70), (0.02, 0.2), ["includes 0.5"]),
        ((0.31, 0.45), (-0.3, -0.1), ["includes 0.5", "reaches zero"]),
        ((0.62, 0.80), None, ["was not computed"]),
        ((0.62, 0.80), (0.001, 0.2), []),
    ],
)
def test_weak_evidence_reads_both_intervals(auc_ci, skill_ci, says):
    reasons = weak_evidence({"auc_ci": auc_ci, "brier_skill_ci": skill_ci})
    assert len(reasons) == len(says)
    for reason, words in zip(reasons, says, strict=True):
        assert words in reason


@pytest.fixture
def weak(app, db):
    """A calibrated but not activated version whose Brier skill interval reaches zero."""
    role, version = calibrated_role(app, db, validity=0.6, activate=False)
    assert version.report.evidence_sufficient and version.weak_evidence
    return role, version


def test_a_weak_version_is_refused_without_a_reason_and_nothing_changes(app, db, weak):
    role, version = weak
    instance = app.config["INSTANCE_PATH"]
    for reason in (None, "", "   "):
        with pytest.raises(calibration.WeakEvidenceError, match="weak evidence"):
            calibration.activate_version(db, instance, version.id, override_reason=reason)
    assert calibration.get_version(db, version.id).status == "new"
    assert db["job_roles"].get(role["id"])["model_version_id"] is None
    assert not db["audit_log"].count_where("action = 'model.activate'")


def test_an_override_activates_it_with_the_reason_kept_and_audited(app, db, weak):
    role, version = weak
    active = calibration.activate_version(
        db, app.config["INSTANCE_PATH"], version.id, actor="alex", override_reason=REASON
    )
    assert (active.status, active.override_reason, active.override_by) == ("active", REASON, "alex")
    (row,) = db["audit_log"].rows_where("action = 'model.activate'")
    detail = json.loads(row["detail"])
    assert detail["override"] is True and detail["override_reason"] == REASON
    assert detail["weak_evidence"] == version.weak_evidence and row["actor"] == "alex"


def test_strong_evidence_needs_no_override(app, db):
    _role, version = calibrated_role(app, db)  # the default sample's intervals clear the bar
    assert not version.weak_evidence and version.status == "active"
    assert version.override_reason is None


def test_the_cli_asks_for_a_reason_then_records_it(run, tmp_path):
    assert run("roles", "add", "Phone agent").exit_code == 0
    path = tmp_path / "incumbents.csv"
    path.write_text(scores_csv(120, validity=0.6), encoding="utf-8")
    assert run("incumbents", "import", str(path), "--role", "phone-agent").exit_code == 0
    result = run("calibrate", "--role", "phone-agent", "--repeats", "1", "--activate")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Weak evidence:" in result.output  # the report's warning, printed before the error
    last = result.output.strip().splitlines()[-1]
    assert "Model 1 is stored but not active: it rests on weak evidence" in last
    assert "--override-reason" in last
    listing = run("models", "list", "--role", "phone-agent").output
    assert "1  new" in listing and "weak evidence" in listing
    refused = run("models", "activate", "1")
    assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1
    assert "Brier skill" in refused.output and "--override-reason" in refused.output
    done = run("models", "activate", "1", "--override-reason", REASON)
    assert done.exit_code == 0, done.output
    assert "Activated despite weak evidence (override recorded)" in done.output
    assert "1  active" in run("models", "list", "--role", "phone-agent").output


def _validity(client, role_id):
    return html.unescape(client.get(f"/admin/validity/{role_id}").get_data(as_text=True))


def test_the_validity_page_asks_for_the_reason_and_keeps_the_form(client, auth, db, weak):
    role, version = weak
    auth.login("admin")
    page = _validity(client, role["id"])
    assert "Weak evidence:" in page and "reaches zero" in page
    assert "Activate despite weak evidence" in page
    url = f"/admin/validity/versions/{version.id}/activate"
    refused = client.post(url, data={"csrf_token": csrf_token(page), "override_reason": " "})
    assert refused.status_code == 400
    shown = html.unescape(refused.get_data(as_text=True))
    assert f'id="override-{version.id}-error"' in shown and "say why" in shown
    assert calibration.get_version(db, version.id).status == "new"
    done = client.post(url, data={"csrf_token": csrf_token(page), "override_reason": REASON})
    assert done.status_code == 302
    page = _validity(client, role["id"])
    assert "despite weak evidence (the override is recorded)" in page
    assert f"activated anyway by admin: {REASON}" in page and f"“{REASON}”" in page


def test_pages_and_reports_showing_its_output_say_the_evidence_is_weak(app, client, auth, db, weak):
    role, version = weak
    calibration.activate_version(
        db, app.config["INSTANCE_PATH"], version.id, override_reason=REASON
    )
    cid, _ = assessed_candidate(app, db, role, "Wes Weak", "wes@example.test")
    other, _ = assessed_candidate(app, db, role, "Val Weak", "val@example.test", seed=3)
    assert db["candidates"].get(cid)["fit"] is not None
    auth.login("recruiter")
    for url in (
        f"/candidates/{cid}",
        f"/roles/{role['id']}/candidates",
        f"/roles/{role['id']}/compare?c={cid}&c={other}",
    ):
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert "Weak evidence." in page and "reaches zero" in page, url
    for variant in ("fit", "onboarding"):
        method = candidate_report(db, cid, variant).data.method
        assert method.weak_evidence == tuple(version.weak_evidence)
    auth.login("admin")
    fairness = html.unescape(client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True))
    assert "(active; weak evidence)" in fairness


def test_a_strong_model_shows_no_weak_evidence_notes(app, client, auth, db):
    role, _version = calibrated_role(app, db)
    cid, _ = assessed_candidate(app, db, role, "Sid Strong", "sid@example.test")
    auth.login("recruiter")
    for url in (f"/candidates/{cid}", f"/roles/{role['id']}/candidates"):
        assert "Weak evidence" not in client.get(url).get_data(as_text=True)
    assert candidate_report(db, cid, "fit").data.method.weak_evidence == ()


def test_the_weak_role_has_no_model_until_someone_overrides(app, db):
    role = make_role(db)
    calibration.import_incumbents(
        db, role["id"], scores_csv(120, validity=0.6), Criterion("high_performer")
    )
    version = calibration.calibrate_role(db, app.config["INSTANCE_PATH"], role["id"], repeats=1)
    assert any(w.startswith("Weak evidence:") for w in version.report.warnings)
    assert calibration.active_model(db, app.config["INSTANCE_PATH"], role["id"]) is None
