"""Every file a user gives us, on the web and the command line: big fields, bad encodings,
other delimiters, rows wider than the header, open quotes: one clear message, nothing half done."""

import io
from pathlib import Path

import pytest
from calibration_data import make_role, scores_csv
from page_support import csrf_token
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from hiring.store.csv_input import MAX_FIELD_CHARS

TINY_FILE = Path(__file__).parent / "fixtures" / "tiny.yaml"
BIG = "x" * (MAX_FIELD_CHARS + 1)  # one field over csv's 128 KB limit
TINY_HEADER = "id,a1,a2,a3,b1,b2,b3,chk,im1,im2,s1,s2,s3"


def invite_csv(slug: str) -> str:
    return f"name,email,role\nAnn One,ann@example.test,{slug}\nBen Two,ben@example.test,{slug}\n"


def multipart(fields: dict, data: bytes, name: str) -> dict:
    """A form with a file, encoded in memory (the test client spools big bodies to a file it
    never closes)."""
    files = {"file": FileStorage(io.BytesIO(data), filename=name)}
    boundary, body = encode_multipart({**fields, **files})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def post_invites(client, data: bytes, name: str = "people.csv"):
    page = client.get("/invite/upload").get_data(as_text=True)
    fields = {"csrf_token": csrf_token(page), "role": ""}
    return client.post("/invite/upload", **multipart(fields, data, name))


def post_incumbents(client, role_id: int, data: bytes, name: str = "staff.csv"):
    page = client.get(f"/admin/validity/{role_id}").get_data(as_text=True)
    fields = {"csrf_token": csrf_token(page), "outcome": "high_performer", "rule": "binary"}
    return client.post(f"/admin/validity/{role_id}/incumbents", **multipart(fields, data, name))


# ---- web uploads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,email\nAnn," + BIG.encode() + b"\n", "people.csv: row 2: a field is longer than 131,072"),
        ("name,email\nZoë,zoe@example.test\n".encode("latin-1"), "people.csv: cannot be read: it is not UTF-8 text (byte 0xEB on line 2)"),
        ("name,email\n".encode("utf-16"), "people.csv: cannot be read: it is UTF-16 text"),
        (b'name,email\nAnn,"ann@example.test\nBen,ben@example.test\n', "people.csv: row 2: the quoted field opened on line 2 is never closed"),
        (b"name|email\nAnn|ann@example.test\n", "missing: name, email (read as comma-separated, the header holds &#39;name|email&#39;)"),
    ],
)  # fmt: skip
def test_a_bad_invite_file_is_shown_on_the_form_and_invites_nobody(client, auth, db, data, message):
    make_role(db)
    auth.login("recruiter")
    response = post_invites(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html, html[:3000]
    assert 'name="file"' in html  # the form again
    assert db["candidates"].count == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_an_invite_file_separated_by_semicolons_or_tabs_is_read(client, auth, db, delimiter):
    role = make_role(db)
    auth.login("recruiter")
    text = invite_csv(role["slug"]).replace(",", delimiter)
    html = post_invites(client, text.encode()).get_data(as_text=True)
    assert "2 candidates invited" in html
    assert {r["email"] for r in db["candidates"].rows} == {"ann@example.test", "ben@example.test"}


def test_an_invite_row_wider_than_the_header_is_named_and_skipped(client, auth, db):
    role = make_role(db)
    auth.login("recruiter")
    text = invite_csv(role["slug"]) + f"Cy Three,cy@example.test,{role['slug']},extra\n"
    html = post_invites(client, text.encode()).get_data(as_text=True)
    assert "2 candidates invited" in html
    assert "row 4: has 4 fields, the header has 3" in html
    assert db["candidates"].count_where("email = ?", ["cy@example.test"]) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (scores_csv(40).replace("SYN-0003", BIG, 1).encode(), "staff.csv: row 4: a field is longer than 131,072"),
        (scores_csv(40).replace("SYN-0003", "SYN-Zoë", 1).encode("latin-1"), "staff.csv: cannot be read: it is not UTF-8 text (byte 0xEB on line 4)"),
        (scores_csv(40).replace("SYN-0003,", 'SYN-0003,"', 1).encode(), "staff.csv: row 4: the quoted field opened on line 4 is never closed"),
        (scores_csv(40).replace("SYN-0003,", "SYN-0003,1.0,", 1).encode(), "staff.csv: line 4: has 15 fields, the header has 14"),
    ],
)  # fmt: skip
def test_a_bad_incumbent_upload_is_shown_on_the_page_and_imports_nothing(
    client, auth, db, data, message
):
    role = make_role(db)
    auth.login("admin")
    response = post_incumbents(client, role["id"], data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html, html[:3000]
    assert db["incumbents"].count == 0


def test_a_million_column_incumbent_upload_is_refused_at_once(client, auth, db):
    """The 7.9 MB header that held a server thread for nine minutes."""
    role = make_role(db)
    auth.login("admin")
    header = ",".join(["employee_id", "high_performer", *(f"c{k}" for k in range(1_000_000))])
    assert len(header) < 8 * 1024 * 1024
    response = post_incumbents(client, role["id"], (header + "\n").encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "staff.csv: the header has 1,000,002 columns; at most 1,000 are read" in html


def test_an_incumbent_upload_separated_by_semicolons_imports(client, auth, db):
    role = make_role(db)
    auth.login("admin")
    response = post_incumbents(client, role["id"], scores_csv(40).replace(",", ";").encode())
    assert response.status_code == 302
    assert db["incumbents"].count_where("role_id = ?", [role["id"]]) == 40
    page = client.get(f"/admin/validity/{role['id']}").get_data(as_text=True)
    assert "The file was read as semicolon-separated." in page


def test_an_upload_over_8_mb_gets_a_clear_page(client, auth, db):
    make_role(db)
    auth.login("recruiter")
    response = post_invites(client, b"name,email\n" + b"x" * (8 * 1024 * 1024))
    assert response.status_code == 413
    assert "Files up to 8 MB are accepted" in response.get_data(as_text=True)


# ---- the command line -------------------------------------------------------------------------


@pytest.fixture
def role(run):
    assert run("roles", "add", "Phone agent").exit_code == 0
    return "phone-agent"


def file_commands(role: str, path: Path) -> dict[str, list[str]]:
    """Every command that reads a file a user gives, with that file."""
    return {
        "invite": ["invite", "--role", role, str(path)],
        "incumbents import": ["incumbents", "import", str(path), "--role", role],
        "fairness import-self-id": ["fairness", "import-self-id", role, str(path)],
        "questionnaire score": ["questionnaire", "score", str(TINY_FILE), str(path)],
        "questionnaire reliability": ["questionnaire", "reliability", str(TINY_FILE), str(path)],
    }


def one_clear_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2, lines  # the problem, and for an import its one-line summary
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize(
    "command",
    ["invite", "incumbents import", "fairness import-self-id", "questionnaire score",
     "questionnaire reliability"],
)  # fmt: skip
def test_a_field_over_128_kb_is_one_clear_line_in_every_command(run, role, tmp_path, command):
    path = tmp_path / "big.csv"
    path.write_text(f"employee_id,name,email\nE1,{BIG},x@example.test\n", encoding="utf-8")
    one_clear_error(run(*file_commands(role, path)[command]), "big.csv: row 2: a field is longer")


@pytest.mark.parametrize(
    "command",
    ["invite", "incumbents import", "fairness import-self-id", "questionnaire score",
     "questionnaire reliability"],
)  # fmt: skip
def test_a_file_that_is_not_utf8_is_one_clear_line_in_every_command(run, role, tmp_path, command):
    path = tmp_path / "latin.csv"
    path.write_bytes("employee_id,sex,race_ethnicity\nE1,Fémme,\n".encode("latin-1"))
    one_clear_error(
        run(*file_commands(role, path)[command]),
        "latin.csv: cannot be read: it is not UTF-8 text (byte 0xE9 on line 2)",
    )


def test_a_questionnaire_that_is_not_utf8_is_one_clear_line(run, tmp_path):
    path = tmp_path / "q.yaml"
    path.write_bytes(
        TINY_FILE.read_text(encoding="utf-8").replace("Tiny", "Tîny").encode("latin-1")
    )
    one_clear_error(run("questionnaire", "check", str(path)), "q.yaml: cannot be read")


def test_self_id_file_with_semicolons_and_a_wide_row(run, role, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("employee_id;sex;race_ethnicity\nE1;F;White\nE2;M;\n", encoding="utf-8")
    result = run("fairness", "import-self-id", role, str(path))
    assert result.exit_code == 0 and "for 2 incumbents" in result.output, result.output
    path.write_text("employee_id,sex,race_ethnicity\nE1,F,White\nE2,M,Asian,42\n")
    one_clear_error(
        run("fairness", "import-self-id", role, str(path)), "Line 3: has 4 fields, the header has 3"
    )


def test_response_csv_with_semicolons_scores_and_a_wide_row_is_named(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(f"{TINY_HEADER}\nann,4,2,3,3,3,3,4,3,3,2,1,3\n".replace(",", ";"))
    result = run("questionnaire", "score", str(TINY_FILE), str(path))
    assert result.exit_code == 0 and "1 respondent scored" in result.output, result.output
    path.write_text(f"{TINY_HEADER}\nann,4,2,3,3,3,3,4,3,3,2,1,3,9\n")
    result = run("questionnaire", "score", str(TINY_FILE), str(path))
    assert result.exit_code == 2
    assert "r.csv row 2: has 14 cells, the header has 13" in result.stderr.splitlines()


def test_an_invite_file_with_an_open_quote_invites_nobody(run, role, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        'name,email\nAnn,"ann@example.test\nBen,ben@example.test\nCy,cy@example.test"\n'
    )
    one_clear_error(
        run("invite", "--role", role, str(path)),
        "people.csv: row 2: a quoted field runs from line 2 to line 4",
    )
    assert "Invited" not in run("invite", "--role", role, str(path)).output


def test_a_file_full_of_problems_stops_being_read_and_says_where(run, tmp_path):
    path = tmp_path / "r.csv"
    rows = [f"r{k},9,9,9,9,9,9,9,9,9,9,9,9" for k in range(200)]  # 12 problems a row
    path.write_text("\n".join([TINY_HEADER, *rows]) + "\n")
    result = run("questionnaire", "score", str(TINY_FILE), str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... and 958 more; reading stopped at row 85"  # 84 rows x 12 = 1,008


def test_an_incumbent_file_full_of_problems_stops_being_read(q_wetco):
    from hiring.modeling.incumbents import Criterion, IncumbentFileError, parse_incumbents

    header = scores_csv(1).splitlines()[0]
    rows = [f"E{k}," + "x," * 11 + "maybe,80" for k in range(300)]  # 12 problems a row
    with pytest.raises(IncumbentFileError) as caught:
        parse_incumbents("\n".join([header, *rows]), q_wetco, Criterion("high_performer"), "s.csv")
    assert len(caught.value.problems) == 84 * 12 + 1
    assert caught.value.problems[-1] == "s.csv: reading stopped at line 86 after 1,000 problems"


@pytest.fixture
def q_wetco():
    from hiring.assessment.questionnaires import load_questionnaire
    from hiring.store.paths import data_dir

    return load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")
