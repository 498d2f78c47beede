"""The admin Fairness page: access, chart and tables, CSV and PDF exports."""

import csv
import io
import json
import re

import pytest
from candidate_records import insert_candidate, make_role

from hiring.fairness import monitoring


@pytest.fixture
def role(db):
    role = make_role(db, title="Night desk")
    rid = role["id"]
    for i in range(12):
        insert_candidate(
            db, rid, sex="Woman", race="White", band="strong" if i < 9 else "low",
            fit=0.5 + i / 40, history=("shortlisted",) if i < 9 else (), name=f"Wanda {i}",
        )  # fmt: skip
        insert_candidate(
            db, rid, sex="Man", race="Asian", band="good" if i < 4 else "low",
            fit=0.2 + i / 40, history=("shortlisted",) if i < 4 else (), name=f"Manuel {i}",
        )  # fmt: skip
    insert_candidate(db, rid, sex="Prefer not to say", race="White", name="Unknown Person")
    return role


def _login(auth, who="admin"):
    auth.login(who)


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_only_admins_see_fairness(client, auth, role, who):
    _login(auth, who)
    for url in (
        "/admin/fairness/",
        f"/admin/fairness/{role['id']}",
        f"/admin/fairness/{role['id']}/fairness.csv",
        f"/admin/fairness/{role['id']}/bias-audit.pdf",
    ):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, role):
    response = client.get(f"/admin/fairness/{role['id']}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_page_shows_rates_ratios_flags_and_a_chart_per_table(client, auth, db, role):
    _login(auth)
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "Night desk" in page
    # 9/12 women and 4/12 men shortlisted: ratio 4/9 = 0.44, flagged
    assert "75.0%" in page and "33.3%" in page and "0.44" in page and "below 0.80" in page
    # 5 characteristics (sex, race/ethnicity, age band, disability, sex x race) x 4 tables
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="impact-chart"') == 20
    assert "Unknown / prefer not to say" in page
    assert "Overrides of the fit" in page
    findings = page.split('id="h-findings"')[1].split("</section>")[0]
    assert "Man" in findings and "0.44" in findings and "Woman" not in findings
    assert 'style="' not in page and "<style" not in page
    # groups only: no candidate's name appears next to their self-identification
    assert "Wanda" not in page and "Manuel" not in page and "Unknown Person" not in page


def test_band_cut_changes_the_band_table_and_bad_cut_is_refused(client, auth, role):
    _login(auth)
    strong = client.get(f"/admin/fairness/{role['id']}?cut=strong").get_data(as_text=True)
    assert "strong or better" in strong
    assert client.get(f"/admin/fairness/{role['id']}?cut=nonsense").status_code == 400
    assert client.get("/admin/fairness/9999").status_code == 404


def test_group_labels_are_escaped_in_chart_and_table(client, auth, db, role):
    for _ in range(6):
        insert_candidate(db, role["id"], sex="<script>alert(1)</script>", race="White")
    _login(auth)
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_csv_export_matches_the_report_and_is_audited(client, auth, db, role):
    _login(auth)
    response = client.get(f"/admin/fairness/{role['id']}/fairness.csv?cut=good")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = monitoring.report_csv_rows(monitoring.role_report(db, role["id"], band_cut="good"))
    assert len(rows) == len(expected)
    woman = next(
        r for r in rows
        if r["characteristic"] == "Sex" and r["group"] == "Woman"
        and r["decision_point"].startswith("Completed the assessment → shortlisted")
    )  # fmt: skip
    assert (woman["n"], woman["selected"], float(woman["rate"])) == ("12", "9", 0.75)
    logged = list(db["audit_log"].rows_where("action = 'fairness.export'"))
    assert len(logged) == 1 and logged[0]["actor"] == "admin"
    assert '"format": "csv"' in logged[0]["detail"]


def test_yates_chi_square_is_labelled_beside_the_uncorrected_one_on_page_and_csv(
    client, auth, role
):
    from scipy import stats

    _login(auth)
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "Chi-square p, uncorrected" in page and "Chi-square p, Yates-corrected" in page
    # 4 of 12 men against 9 of 12 women shortlisted
    cells = [[4, 8], [9, 3]]
    yates = stats.chi2_contingency(cells, correction=True).pvalue
    plain = stats.chi2_contingency(cells, correction=False).pvalue
    table = page.split('id="h-shortlisted"')[1]
    man = table.split('<th scope="row">Man')[1].split("</tr>")[0]
    assert f">{yates:.3g}<" in man and f">{plain:.3g}<" in man
    response = client.get(f"/admin/fairness/{role['id']}/fairness.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    row = next(
        r for r in rows
        if r["characteristic"] == "Sex" and r["group"] == "Man"
        and r["decision_point"].startswith("Completed the assessment → shortlisted")
    )  # fmt: skip
    assert float(row["chi2_yates_p"]) == pytest.approx(yates, rel=1e-9)
    assert float(row["chi2_p"]) == pytest.approx(plain, rel=1e-9)


@pytest.mark.slow
def test_pdf_bias_audit_summary(client, auth, db, role):
    from pypdf import PdfReader

    _login(auth)
    response = client.get(f"/admin/fairness/{role['id']}/bias-audit.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "Bias-audit summary" in text and "Night desk" in text
    assert "four-fifths" in text and "Fisher" in text
    assert "χ² p (uncorr.)" in text and "χ² p (Yates)" in text
    assert "0.44" in text
    assert db["audit_log"].count_where("action = 'fairness.export'") == 1


def test_self_identification_never_reaches_staff_candidate_pages_or_the_score(
    app, client, auth, db
):
    from candidate_records import assessed_candidate

    from hiring.candidates.journey import saved_answers
    from hiring.candidates.submission import input_hash

    role = make_role(db, title="Phone support")
    self_id = {
        "sex": "Non-binary",
        "race_ethnicity": "Native Hawaiian or Pacific Islander",
        "age_band": "55 or over",
        "disability": "Yes",
    }
    cid, _ = assessed_candidate(app, db, role, "Sam Sample", "sam@example.test", self_id=self_id)
    result = db["results"].get(cid)
    assert result["input_hash"] == input_hash(saved_answers(db, cid))  # answers only
    assert "Hawaiian" not in json.dumps(result) and "55 or over" not in json.dumps(result)
    auth.login("recruiter")
    for url in (
        f"/candidates/{cid}",
        f"/roles/{role['id']}/candidates",
        f"/roles/{role['id']}/candidates.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "Sam Sample" in body  # the page is about this candidate
        assert "Hawaiian" not in body and "55 or over" not in body and "Non-binary" not in body
