"""The technical validation report: `hiring validation report`, its page and its PDF."""

import io
import json
import re
import sqlite3
from html import unescape

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from test_predictive_page import _post, hired  # noqa: F401  (a fixture)

from hiring.cli import cli
from hiring.fairness.technical_report import SECTIONS
from hiring.store.db import close_all

pytestmark = pytest.mark.slow


def hiring(*args):
    result = CliRunner().invoke(cli, list(args))
    close_all()
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo instance: applicants with answers, incumbents, a model, hires with outcomes."""
    folder = tmp_path_factory.mktemp("technical") / "demo"
    result = hiring("demo", "--folder", str(folder), "--no-serve")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(folder / "hiring.sqlite3") as conn:
        slug = conn.execute("SELECT slug FROM job_roles").fetchone()[0]
    return folder, slug


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_cli_writes_a_pdf_with_every_section_and_the_summary_s_numbers(demo, tmp_path):
    folder, slug = demo
    out = tmp_path / "report.pdf"
    result = hiring(
        "--instance", str(folder), "validation", "report", "--role", slug, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote the technical validation report of {slug} to {out}." in result.output
    text = _text(out.read_bytes())
    for title, _siop, annex in SECTIONS.values():
        assert title in text and f"point {annex}" in text
    assert text.count("Source:") == len(SECTIONS)
    summary = json.loads(
        hiring("--instance", str(folder), "validation", "summary", "--role", slug, "--json").output
    )
    csat = summary["predictive"]["csat"]
    assert f"{csat['observed_r']:.2f} 95% CI {csat['observed_r_ci'][0]:.2f}" in text
    assert f"{csat['corrected_r']:.2f} 95% CI {csat['corrected_r_ci'][0]:.2f}" in text
    retained = summary["predictive"]["retained_90"]
    assert f"{retained['auc']:.2f} (95% CI {retained['auc_ci'][0]:.2f}" in text
    warmth = next(s for s in summary["measurement"]["scales"] if s["id"] == "warmth")
    assert f"Warmth 8 {warmth['n']} {warmth['alpha']:.2f}" in text
    assert f"{warmth['omega']:.2f} {warmth['omega_ci'][0]:.2f} to" in text
    assert "Thorndike's Case II" in text and "Differential prediction" in text
    assert "On hires' customer satisfaction (CSAT)" in text and "Item bias review (DIF)" in text
    assert "Recruiters use the result as one piece of evidence" in text  # use and oversight
    with sqlite3.connect(folder / "hiring.sqlite3") as conn:
        logged = conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'validation.report'"
        ).fetchone()[0]
    assert logged == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ryy", "csat=2"], "--ryy 'csat=2'"),
        (["--role", "no-such-role"], "no-such-role"),
        (["-o", "{tmp}/missing/report.pdf"], "is not a folder"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(demo, tmp_path, args, message):
    folder, slug = demo
    base = {"--role": slug, "-o": str(tmp_path / "report.pdf")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value.format(tmp=tmp_path)
    flat = [x for pair in base.items() for x in pair if not (pair[0] == "--ryy")]
    flat += ["--ryy", base["--ryy"]] if "--ryy" in base else []
    result = hiring("--instance", str(folder), "validation", "report", *flat)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_admins_read_the_report_as_a_page_and_download_the_same_as_pdf(client, auth, hired, db):  # noqa: F811
    role, text = hired
    auth.login("admin")
    assert _post(client, role["id"], text).status_code == 302
    page = client.get(f"/admin/validity/{role['id']}/technical-report")
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    for title, _siop, _annex in SECTIONS.values():
        assert title in html
    assert "Predictive evidence" in html and "Among 50 hires" in html
    assert "Download PDF" in html
    with_ryy = client.get(
        f"/admin/validity/{role['id']}/technical-report", query_string={"csat": "0.6"}
    ).get_data(as_text=True)
    assert "where a criterion reliability was given" in unescape(with_ryy)
    bad = client.get(f"/admin/validity/{role['id']}/technical-report", query_string={"csat": "3"})
    assert bad.status_code == 400
    assert "A reliability is above 0 and at most 1." in bad.get_data(as_text=True)
    pdf = client.get(f"/admin/validity/{role['id']}/technical-report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "technical-report" in pdf.headers["Content-Disposition"]
    assert "Among 50 hires" in _text(pdf.data)
    assert db["audit_log"].count_where("action = 'validation.report'") == 1
    assert client.get("/admin/validity/999999/technical-report").status_code == 404


def test_only_admins_see_the_report(client, auth, hired):  # noqa: F811
    role, _text_ = hired
    auth.login("recruiter")
    assert client.get(f"/admin/validity/{role['id']}/technical-report").status_code == 403
    assert client.get(f"/admin/validity/{role['id']}/technical-report.pdf").status_code == 403


def test_a_role_with_no_model_answers_or_hires_gets_a_report_that_says_so(client, auth, db):
    from candidate_records import make_role

    role = make_role(db, "Chat agent")
    auth.login("admin")
    page = client.get(f"/admin/validity/{role['id']}/technical-report")
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert "No model version is active, so there is no criterion-related evidence" in html
    assert "No hire has a measured outcome yet" in html
    assert "No model version has been calibrated for this role." in html
    assert "Fewer than two applicants have taken this exact questionnaire" in html
