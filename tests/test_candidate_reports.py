"""Candidate reports from stored results: content, cache, downloads, permissions, CLI, erasure."""

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from scipy.stats import binomtest

from hiring.accounts import users as accounts
from hiring.candidates.erasure import erase_candidate
from hiring.cli import cli
from hiring.modeling.model import ValidationReport
from hiring.modeling.probability_interval import probability_interval, wilson_interval
from hiring.reports import ReportError, plan_from_gaps
from hiring.reports.cache import cached_report
from hiring.reports.candidate_reports import ReportUnavailable, build_report
from hiring.reports.render import default_worker
from hiring.workspace import decisions
from hiring.workspace.candidate_view import candidate_detail
from tests.candidate_records import assessed_candidate
from tests.workspace_data import completed_candidate, fast_hashing, make_role  # noqa: F401

# Calibration bins of a made-up validation: 190 incumbents, 24 of the 40 in 60-70% met the bar.
BINS = [
    {"low": i / 10, "high": (i + 1) / 10, "count": c, "mean_predicted": None, "observed_rate": r}
    for i, (c, r) in enumerate(
        zip(
            (0, 0, 5, 20, 40, 50, 40, 25, 10, 0),
            (None, None, 0.2, 0.3, 0.45, 0.5, 0.6, 0.72, 0.8, None),
            strict=True,
        )
    )
]


def model_report(**changes) -> dict:
    """A validation report with hand-picked figures, as ``model_versions.report`` stores it."""
    values = dict(
        n=190, n_positive=95, base_rate=0.5, method="logistic", calibration_method="sigmoid",
        folds=5, repeats=5, auc=0.71, auc_ci=(0.64, 0.78), brier=0.22, brier_base=0.25,
        brier_skill=0.12, ece=0.034, ece_bins=BINS, calibration_slope=0.91,
        calibration_intercept=0.02, validity=0.33, validity_ci=(0.2, 0.45),
        evidence_sufficient=True, expected_outcomes=[], importance=[], coefficients={},
    )  # fmt: skip
    values.update(changes)
    return ValidationReport(**values).to_dict()


def calibrate_result(db, candidate_id: int, role_id: int, label="Spring calibration", **report):
    """Store a model version and make the candidate's result one that it scored."""
    version = db["model_versions"].insert(
        {
            "role_id": role_id,
            "label": label,
            "status": "active",
            "created_at": "2025-02-28T09:00:00+00:00",
            "sha256": f"sha-{label}",
            "report": json.dumps(model_report(**report)),
        }
    )
    fit = json.loads(db["results"].get(candidate_id)["fit"])
    fit.update(probability=0.62, percentile=71.4, band="good", band_basis="probability")
    fit.update(base_rate=0.5)
    db["results"].update(
        candidate_id, {"fit": json.dumps(fit), "model_version_id": version.last_pk}
    )
    return version.last_pk


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text with single spaces and no line-break hyphens."""
    pages = PdfReader(BytesIO(pdf)).pages
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages)))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.fixture(scope="module", autouse=True)
def stop_renderer():
    """Stop the shared renderer child once this module's tests are done."""
    yield
    default_worker().close()


@pytest.fixture
def team(app, db, staff):
    """A manager's role with a hire and a waiting candidate; another manager's role and hire."""
    other = accounts.add_user(db, "manager2", "manager2-pass-123", "manager", "Other Manager")
    mine = make_role(db, "Chat Agent", manager_id=staff["manager"].id)
    theirs = make_role(db, "Phone Agent", manager_id=other.id)
    people = {"mine": mine, "theirs": theirs}
    for key, role, seed in (("hire", mine, 1), ("waiting", mine, 2), ("elsewhere", theirs, 3)):
        people[key] = completed_candidate(app, db, role, f"Person {key}", f"{key}@x.test", 2, seed)
        if key != "waiting":
            decisions.change_status(
                db, people[key]["id"], "hired", user_id=staff["recruiter"].id, actor="test",
                reason="Hired after a strong interview",
            )  # fmt: skip
    return people


def stored(db, candidate_id: int) -> tuple[dict, dict]:
    result = db["results"].get(candidate_id)
    return json.loads(result["scores"]), json.loads(result["fit"])


# --- content, without rendering ------------------------------------------------------------


def test_report_content_matches_the_stored_result(db, team):
    cid = team["hire"]["id"]
    scores, fit = stored(db, cid)
    data = build_report(db, candidate_detail(db, cid), "fit").data
    assert {bar.feature_id: bar.score for bar in data.scales} == scores["scales"]
    assert {bar.feature_id: bar.score for bar in data.competencies} == scores["competencies"]
    # Gaps in the stored order (importance x gap size), each with its stored module.
    assert [g.module.id for g in data.gaps] == [g["module"]["id"] for g in fit["onboarding_gaps"]]
    for gap, row in zip(data.gaps, fit["onboarding_gaps"], strict=True):
        assert gap.gap_sd == pytest.approx(-row["gap"])
        assert gap.importance * gap.gap_sd == pytest.approx(row["priority"], abs=1e-3)
        assert gap.coaching_questions and gap.interview_probes
    assert data.plan == plan_from_gaps(data.gaps)
    names = candidate_detail(db, cid).names
    assert [s.name for s in data.strengths] == [names[f] for f in fit["strengths"]][:3]
    assert all(s.on_the_job for s in data.strengths)
    assert data.fit.probability is None and data.fit.percentile is None
    assert data.method.calibrated is False and data.model_version == "none (hiring profile only)"


def test_notes_go_into_the_fit_report_only(db, team, staff):
    cid = team["hire"]["id"]
    decisions.add_note(
        db, cid, "Calm <b>on</b> the phone", user_id=staff["recruiter"].id, actor="t"
    )
    detail = candidate_detail(db, cid)
    (note,) = build_report(db, detail, "fit").data.notes
    assert note.endswith("Recruiter Tester: Calm <b>on</b> the phone")
    assert build_report(db, detail, "onboarding").data.notes == ()


def test_a_calibrated_result_shows_its_probability_with_an_interval_from_the_bins(db, team):
    cid = team["hire"]["id"]
    calibrate_result(db, cid, team["mine"]["id"])
    data = build_report(db, candidate_detail(db, cid), "fit").data
    assert data.fit.probability == 0.62 and data.fit.percentile == 71.4
    # 0.62 falls in the 60-70% bin: 24 of its 40 incumbents met the bar.
    expected = binomtest(24, 40).proportion_ci(method="wilson")
    assert data.fit.probability_interval == pytest.approx((expected.low, expected.high))
    words = data.fit.probability_note
    assert "Of the 40 incumbents" in words and "24 (60%) met" in words and "95% Wilson" in words
    assert "off by 3.4 percentage points" in words and "slope is 0.91" in words
    assert data.fit.band == "Good fit" and "1.1 times up to 1.5 times" in data.fit.band_meaning
    assert data.method.calibrated and data.method.incumbent_n == 190
    assert data.method.auc == 0.71 and data.method.auc_ci == (0.64, 0.78)
    assert data.model_version == "Spring calibration (logistic, 2025-02-28)"


def test_a_report_from_a_since_suspended_model_says_so(db, team):
    cid = team["hire"]["id"]
    version = calibrate_result(db, cid, team["mine"]["id"])
    db["model_versions"].update(
        version, {"status": "suspended", "suspended_at": "2025-06-01T10:00:00+00:00"}
    )
    data = build_report(db, candidate_detail(db, cid), "fit").data
    assert data.model_version == (
        "Spring calibration (logistic, 2025-02-28); suspended 2025-06-01, "
        "re-score to replace this fit"
    )


def test_a_version_label_that_names_its_method_is_not_followed_by_it_again(db, team):
    cid = team["hire"]["id"]
    version = calibrate_result(db, cid, team["mine"]["id"])
    db["model_versions"].update(version, {"label": "v3 · logistic · 190 incumbents"})
    data = build_report(db, candidate_detail(db, cid), "fit").data
    assert data.model_version == "v3 · logistic · 190 incumbents · calibrated 2025-02-28"


def test_a_model_without_sufficient_evidence_shows_no_probability(db, team):
    cid = team["hire"]["id"]
    calibrate_result(db, cid, team["mine"]["id"], evidence_sufficient=False)
    data = build_report(db, candidate_detail(db, cid), "fit").data
    assert data.fit.probability is None and data.fit.probability_interval is None
    assert data.fit.percentile is None and not data.method.evidence_sufficient


def test_an_unscored_candidate_has_no_report(app, db, team):
    from tests.workspace_data import invited_candidate

    waiting = invited_candidate(db, team["mine"], "Not Started", "ns@x.test")
    with pytest.raises(ReportUnavailable, match="not been scored"):
        build_report(db, candidate_detail(db, waiting["id"]), "fit")


@pytest.mark.parametrize(
    ("variant", "page_size", "message"),
    [("summary", "A4", "Unknown report type"), ("fit", "A5", "Unknown page size")],
)
def test_bad_options_are_report_errors(db, team, variant, page_size, message):
    with pytest.raises(ReportError, match=message):
        build_report(db, candidate_detail(db, team["hire"]["id"]), variant, page_size=page_size)


@pytest.mark.parametrize(("k", "n"), [(0, 20), (7, 20), (24, 40), (40, 40), (3, 250)])
def test_wilson_interval_matches_scipy(k, n):
    expected = binomtest(k, n).proportion_ci(method="wilson")
    assert wilson_interval(k, n) == pytest.approx((expected.low, expected.high))


def test_interval_pools_the_nearest_bins_until_enough_incumbents():
    # 0.27 sits in the 20-30% bin (5 people); the 30-40% bin (20) is nearer than 10-20% (0).
    interval = probability_interval(0.27, BINS)
    assert (interval.n, interval.met) == (25, 1 + 6)
    assert (interval.predicted_low, interval.predicted_high) == pytest.approx((0.2, 0.4))
    assert probability_interval(0.05, BINS) is None  # 5 people within three bins
    assert probability_interval(1.0, BINS).n == 35  # 1.0 belongs to the last bin
    assert probability_interval(0.5, []) is None


# --- downloads through the web -------------------------------------------------------------


def url(candidate_id: int, variant: str | None = None) -> str:
    return f"/candidates/{candidate_id}/report.pdf" + (f"?variant={variant}" if variant else "")


def audit_rows(db, action="report.downloaded") -> list[dict]:
    return list(db["audit_log"].rows_where("action = ?", [action], order_by="id"))


@pytest.mark.slow
def test_recruiter_downloads_a_fit_report_with_the_stored_numbers(auth, client, db, team):
    cid = team["hire"]["id"]
    detail = candidate_detail(db, cid)
    auth.login("recruiter")
    response = client.get(url(cid))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    for heading in ("Summary", "Trait profile", "Strengths", "Onboarding gaps",
                    "Interview probes", "Method and responsible use"):  # fmt: skip
        assert heading in text
    band = {
        "low": "Low fit",
        "moderate": "Moderate fit",
        "good": "Good fit",
        "strong": "Strong fit",
        "knock-out": "Below a minimum (knock-out)",
    }
    assert band[detail.fit["band"]] in text and "No calibrated model" in text
    by_id = {row.feature_id: row for row in detail.rows}
    for fid in detail.fit["knockouts"]:
        row, dec = by_id[fid], 1 if by_id[fid].kind == "scale" else 0
        assert (
            f"{row.name}: {row.score:.{dec}f} is below the minimum of {row.minimum:.{dec}f}" in text
        )
    for row in detail.scales:
        assert f"{row.name} {row.score:.1f} target {row.low:.1f}–{row.high:.1f}" in text
    for row in detail.competencies:
        assert f"{row.name} {row.score:.0f} target {row.low:.0f}–{row.high:.0f}" in text
    for gap in detail.fit["onboarding_gaps"]:
        assert gap["module"]["name"] in text
    for _row, probes in detail.probes:
        assert probes[0] in text
    assert "Self-identification data" in text and "Person hire" in text
    assert 2 <= page_count(response.data) <= 8
    (row,) = audit_rows(db)
    assert row["actor"] == "recruiter" and row["target_id"] == str(cid)
    assert json.loads(row["detail"])["variant"] == "fit"


@pytest.mark.slow
def test_a_calibrated_fit_report_shows_probability_interval_and_percentile(
    app, auth, client, db, team
):
    cid = team["hire"]["id"]
    calibrate_result(db, cid, team["mine"]["id"])
    app.config["REPORT_PAGE_SIZE"] = "Letter"
    auth.login("admin")
    response = client.get(url(cid, "fit"))
    text = pdf_text(response.data)
    low, high = wilson_interval(24, 40)
    assert "62%" in text and f"between {low:.0%} and {high:.0%}" in text
    assert "71st percentile" in text and "Good fit" in text
    assert "Of the 40 incumbents" in text and "AUC 0.71" in text and "0.64 to 0.78" in text
    assert "190 current employees" in text and "Spring calibration (logistic, 2025-02-28)" in text
    box = PdfReader(BytesIO(response.data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((612, 792), abs=0.5)


@pytest.mark.slow
def test_manager_gets_the_onboarding_plan_of_their_own_hire_only(auth, client, db, team):
    cid = team["hire"]["id"]
    _, fit = stored(db, cid)
    auth.login("manager")
    page = client.get(f"/manager/hires/{cid}").get_data(as_text=True)
    assert f"/candidates/{cid}/report.pdf?variant=onboarding" in page
    response = client.get(url(cid))  # a manager's default is the plan
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "30/60/90-day plan" in text and "Coaching questions" in text
    first, second, third = (
        text.index(h) for h in ("First 30 days", "Days 31 to 60", "Days 61 to 90")
    )
    starts = {30: (first, second), 60: (second, third), 90: (third, len(text))}
    for gap in fit["onboarding_gaps"]:
        start, end = starts[gap["module"]["phase"]]
        name = re.sub(r"-\s*", "-", gap["module"]["name"])
        assert start < text.index(name, start) < end, name
    assert "Interview probes" not in text and "calibrated probability" not in text
    assert client.get(url(cid, "fit")).status_code == 403
    assert client.get(url(team["elsewhere"]["id"], "onboarding")).status_code == 404
    assert client.get(url(team["waiting"]["id"], "onboarding")).status_code == 404
    assert client.get(url(999_999, "onboarding")).status_code == 404
    assert [r["actor"] for r in audit_rows(db)] == ["manager"]


@pytest.mark.slow
def test_recruiter_gets_both_variants(auth, client, team):
    auth.login("recruiter")
    for variant in ("fit", "onboarding"):
        assert client.get(url(team["waiting"]["id"], variant)).status_code == 200
    assert client.get(url(team["waiting"]["id"], "summary")).status_code == 400
    assert client.get(url(999_999)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    response = client.get(url(team["hire"]["id"]))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_candidate_session_cannot_reach_staff_report_urls(app, client, db, team):
    cid, token = assessed_candidate(app, db, team["mine"], "Cand Idate", "ci@x.test", seed=9)
    assert client.get(f"/a/{token}").status_code == 302
    for target in (cid, team["hire"]["id"]):
        response = client.get(url(target))
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        assert not response.data.startswith(b"%PDF")


@pytest.mark.slow
def test_a_candidate_downloads_their_own_feedback_report(app, client, db, team):
    cid, token = assessed_candidate(app, db, team["mine"], "Cand Idate", "ci@x.test", seed=9)
    calibrate_result(db, cid, team["mine"]["id"])
    client.get(f"/a/{token}")
    assert "/my-data/report.pdf" in client.get("/my-data/").get_data(as_text=True)
    response = client.get("/my-data/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "my-feedback-report.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Cand Idate" in text and "Your feedback report" in text and "Person hire" not in text
    assert "30/60/90-day plan" not in text and "Onboarding" not in text
    assert "62%" not in text and "percentile" not in text and "Interview probes" not in text
    (row,) = audit_rows(db)
    assert row["actor"] == "candidate" and row["target_id"] == str(cid)
    assert '"variant": "feedback"' in row["detail"]


def test_a_candidate_who_has_not_finished_gets_no_report(client, db, team):
    from hiring.candidates import invites

    invite = invites.invite_candidate(
        db, role_slug=team["mine"]["slug"], name="Early Bird", email="eb@x.test", days=14
    )
    client.get(f"/a/{invite.token}")
    response = client.get("/my-data/report.pdf")
    assert response.status_code == 404 and b"once you have sent your assessment" in response.data
    page = client.get("/my-data/feedback")
    assert page.status_code == 404 and b"once you have sent your assessment" in page.data


def test_a_render_failure_is_a_plain_page(auth, client, team, monkeypatch):
    def overrun(data, variant):
        raise ReportError("The report took longer than 30 seconds to render and was stopped.")

    monkeypatch.setattr("hiring.reports.cache.render_report", overrun)
    auth.login("recruiter")
    response = client.get(url(team["hire"]["id"]))
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "took longer than 30 seconds" in body
    assert "Traceback" not in body and "The PDF report is not available" in body


def test_missing_pango_is_said_plainly(app, auth, client, team):
    app.config["PDF_UNAVAILABLE"] = "PDF reports need the Pango libraries."
    auth.login("recruiter")
    response = client.get(url(team["hire"]["id"]))
    assert response.status_code == 503 and b"need the Pango libraries" in response.data


# --- the cache -----------------------------------------------------------------------------


def reports_folder(app) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "reports"


def fake_render(data, variant):
    """Stand in for WeasyPrint where only the cache's bookkeeping is under test."""
    return b"%PDF-fake " + data.candidate_name.encode() + b" " + str(len(data.notes)).encode()


def test_cache_hits_and_invalidates_on_note_status_and_model(app, db, team, staff):
    cid, instance = team["waiting"]["id"], app.config["INSTANCE_PATH"]

    def get(variant="fit"):
        return cached_report(db, instance, candidate_detail(db, cid), variant, render=fake_render)

    first = get()
    assert not first.hit and first.path.name.startswith(f"{cid}-fit-")
    again = get()
    assert again.hit and again.path == first.path and again.pdf == first.pdf
    paths = [first.path]
    decisions.add_note(db, cid, "Strong references.", user_id=staff["recruiter"].id, actor="t")
    paths.append(get().path)
    decisions.change_status(
        db, cid, "shortlisted", user_id=staff["recruiter"].id, actor="t", reason="Good interview"
    )
    paths.append(get().path)
    calibrate_result(db, cid, team["mine"]["id"])
    paths.append(get().path)
    calibrate_result(db, cid, team["mine"]["id"], label="Autumn calibration")
    paths.append(get().path)
    assert len(set(paths)) == 5
    onboarding = get("onboarding")
    files = sorted(p.name for p in reports_folder(app).iterdir())
    assert files == sorted([paths[-1].name, onboarding.path.name])  # stale files removed
    assert not list(reports_folder(app).glob("*.part"))


def test_cache_key_follows_the_templates(app, db, team, monkeypatch):
    cid, instance = team["waiting"]["id"], app.config["INSTANCE_PATH"]
    detail = candidate_detail(db, cid)
    before = cached_report(db, instance, detail, "fit", render=fake_render).path
    monkeypatch.setattr("hiring.reports.cache.design_fingerprint", lambda: "changed design")
    after = cached_report(db, instance, detail, "fit", render=fake_render)
    assert not after.hit and after.path != before and not before.exists()


@pytest.mark.slow
def test_web_downloads_use_the_cache_and_erasure_deletes_it(app, auth, client, db, team):
    cid = team["waiting"]["id"]
    auth.login("recruiter")
    first = client.get(url(cid, "fit")).data
    assert client.get(url(cid, "fit")).data == first
    client.get(url(cid, "onboarding"))
    assert len(list(reports_folder(app).glob(f"{cid}-*.pdf"))) == 2
    kept = team["hire"]["id"]
    client.get(url(kept, "fit"))
    erasure = erase_candidate(db, app.config["INSTANCE_PATH"], cid, actor="test")
    assert erasure.files == 2
    assert not list(reports_folder(app).glob(f"{cid}-*"))
    assert list(reports_folder(app).glob(f"{kept}-fit-*.pdf"))


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def run(app, monkeypatch):
    """Run ``hiring`` against the test app's instance and database."""
    monkeypatch.setenv("HIRING_DATABASE", app.config["DATABASE"])

    def invoke(*args):
        return CliRunner().invoke(cli, ["--instance", app.config["INSTANCE_PATH"], *args])

    return invoke


@pytest.mark.slow
def test_cli_writes_one_report(run, db, team, tmp_path):
    cid = team["hire"]["id"]
    out = tmp_path / "one.pdf"
    result = run(
        "report", str(cid), "-o", str(out), "--variant", "onboarding", "--page-size", "letter"
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Person hire" in text and "30/60/90-day plan" in text
    assert audit_rows(db, "report.exported")[0]["target_id"] == str(cid)


@pytest.mark.slow
def test_cli_renders_a_role_in_parallel_and_reports_failures(
    run, app, db, team, tmp_path, monkeypatch
):
    role = team["mine"]
    extra = completed_candidate(app, db, role, "Person extra", "extra@x.test", 3, 7)
    ids = sorted([team["hire"]["id"], team["waiting"]["id"], extra["id"]])
    from hiring.reports import batch as report_batch

    real_html = report_batch.report_html

    def failing_html(data, variant):
        if data.candidate_name == "Person extra":
            raise ReportError("The report renderer stopped unexpectedly.")
        return real_html(data, variant)

    monkeypatch.setattr(report_batch, "report_html", failing_html)
    out = tmp_path / "batch"
    result = run("reports", "--role", role["slug"], "--out", str(out), "--jobs", "2")
    assert result.exit_code == 1
    assert f"candidate {extra['id']}: failed: The report renderer stopped" in result.output
    assert "Wrote 2 of 3 fit reports" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{cid}-fit.pdf" for cid in ids if cid != extra["id"])
    assert "Person waiting" in pdf_text((out / f"{team['waiting']['id']}-fit.pdf").read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "999999", "-o", "x.pdf"], "No such candidate"),
        (["reports", "--role", "no-such-role", "--out", "x"], "No role named 'no-such-role'"),
    ],
)
def test_cli_user_errors_are_one_line_and_exit_2(run, team, args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_cli_says_when_a_role_has_nobody_assessed(run, db, team):
    empty = make_role(db, "Nobody Yet")
    result = run("reports", "--role", empty["slug"], "--out", "x")
    assert result.exit_code == 2 and "no assessed candidates" in result.output
