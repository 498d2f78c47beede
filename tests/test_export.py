"""CSV export: the filtered list, in list order, with spreadsheet formulas neutralised."""

import csv
import io
import json

import pytest

from hiring.web.headers import CSP
from hiring.workspace.exports import csv_lines, safe_cell
from tests.workspace_data import bare_candidate, fast_hashing, make_role  # noqa: F401


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Plain name", "Plain name"),
        ("a=b", "a=b"),
        (None, ""),
        (0.5, "0.5"),
    ],
)
def test_cells_that_spreadsheets_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_csv_round_trips_through_a_csv_reader():
    rows = [["name", "note"], ["=cmd|' /C calc'!A0", 'quote " and, comma\nnewline']]
    text = "".join(csv_lines(rows))
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "note"],
        ["'=cmd|' /C calc'!A0", 'quote " and, comma\nnewline'],
    ]


@pytest.fixture
def role_with_people(db, app):
    role = make_role(db)
    specs = [
        ("=1+2 Evil", "evil@example.test", "completed", 0.9, "strong", 1),
        ("Mia Moss", "mia@example.test", "shortlisted", 0.6, "good", 0),
        ("@Ada Alpha", "ada@example.test", "completed", 0.3, "low", 2),
        ("Noor Novak", "noor@example.test", "invited", None, None, 0),
    ]
    for i, (name, email, status, fit, band, flags) in enumerate(specs):
        bare_candidate(
            db, role["id"], i, name=name, email=email, status=status, fit=fit, band=band,
            band_rank={"strong": 4, "good": 3, "low": 1}.get(band), flag_count=flags,
            top_strength="empathy" if fit else None, percentile=fit * 100 if fit else None,
            submitted_at=f"2024-06-0{i + 1}T10:00:00+00:00" if fit else None,
        )  # fmt: skip
    return role


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_export_of_the_whole_list_in_rank_order(auth, client, db, role_with_people):
    auth.login("recruiter")
    response, rows = download(client, f"/roles/{role_with_people['id']}/candidates.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"] == CSP  # downloads get headers too
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    header, body = rows[0], rows[1:]
    assert header[:5] == ["id", "name", "email", "status", "fit"]
    assert [r[1] for r in body] == ["'=1+2 Evil", "Mia Moss", "'@Ada Alpha", "Noor Novak"]
    assert body[0][4] == "0.900" and body[0][6] == "90" and body[0][8] == "Empathy"
    assert body[3][4] == "" and body[3][5] == ""


def test_export_follows_the_filters(auth, client, db, role_with_people):
    auth.login("recruiter")
    url = f"/roles/{role_with_people['id']}/candidates.csv?status=completed&flags=flagged&sort=name"
    _, rows = download(client, url)
    assert [r[1] for r in rows[1:]] == ["'=1+2 Evil", "'@Ada Alpha"]  # by name: "=1" < "@a"
    event = next(db["audit_log"].rows_where("action = 'candidates.export'"))
    assert event["actor"] == "recruiter"
    assert json.loads(event["detail"])["filters"]["status"] == "completed"


def test_export_with_bad_filters_is_refused(auth, client, role_with_people):
    auth.login("recruiter")
    response = client.get(f"/roles/{role_with_people['id']}/candidates.csv?sort=salary")
    assert response.status_code == 400


def test_export_walks_past_one_batch(db, role_with_people):
    from hiring.workspace import ranking

    for i in range(10, 35):
        bare_candidate(db, role_with_people["id"], i, fit=i / 100, band="low", band_rank=1)
    rows = list(ranking.all_rows(db, role_with_people["id"], ranking.ListFilters(), batch=7))
    assert len(rows) == 29 and len({r["id"] for r in rows}) == 29
