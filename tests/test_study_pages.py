"""Incumbent studies on the web: the admin's study page, an employee's journey and own results,
the manager's team view, coaching plans, change between rounds and readiness."""

import io
import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from study_data import complete, invite, kpi_csv, roster_csv

from hiring.candidates import journey
from hiring.team import studies
from tests.conftest import csrf_token
from tests.workspace_data import answers_for, fast_hashing, make_role  # noqa: F401


@pytest.fixture
def study(db, staff):
    role = make_role(db, "Phone agent")
    return studies.open_study(db, role["slug"], actor="test")


def _token(client, url="/auth/login"):
    return csrf_token(client.get(url).get_data(as_text=True))


def _upload(client, url, field, text, name="file.csv"):
    data = {
        field: (io.BytesIO(text.encode()), name),
        "csrf_token": _token(client, "/admin/studies/"),
    }
    return client.post(url, data=data, content_type="multipart/form-data")


def test_admin_uploads_employees_and_every_problem_is_shown_with_nothing_invited(
    client, auth, db, study
):
    auth.login("admin")
    bad = roster_csv(2) + "E009,,oops,North,ghost\n"
    response = _upload(
        client, f"/admin/studies/{study['id']}/upload", "upload-file", bad, "staff.csv"
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "staff.csv: row 4: column name: the name is empty" in body
    assert "staff.csv: row 4: column manager: &#39;ghost&#39; is no active manager account" in body
    assert db["study_participants"].count == 0 and db["employees"].count == 0
    response = _upload(
        client, f"/admin/studies/{study['id']}/upload", "upload-file", roster_csv(4), "staff.csv"
    )
    links = re.findall(r'value="(http[^"]+/s/[^"]+)"', response.get_data(as_text=True))
    assert response.status_code == 200 and len(links) == 4
    page = client.get(f"/admin/studies/{study['id']}").get_data(as_text=True)
    assert re.search(r"North</th><td class=\"num\">2</td>", page)
    assert "Send a reminder to 4 employees" in page


def test_an_employee_takes_the_same_journey_and_never_appears_among_candidates(
    app, db, study, staff
):
    made = invite(db, study["id"], 1, manager="manager")[0]
    employee = app.test_client()
    assert employee.get(f"/s/{made.token}").headers["Location"].endswith("/study/")
    landing = employee.get("/study/").get_data(as_text=True)
    for words in ("This is not a hiring decision", "What is collected, and who sees it",
                  "learn what success looks like in the role", "your own manager"):  # fmt: skip
        assert words in landing
    form = {"consent": "y", "csrf_token": csrf_token(landing)}
    assert employee.post("/study/", data=form).headers["Location"].endswith("/study/page/1")
    page = employee.get("/study/page/1").get_data(as_text=True)
    assert 'data-autosave="/study/page/1/autosave"' in page  # the candidates' page and script
    from hiring.roles.services import get_role, role_questionnaire

    q = role_questionnaire(get_role(db, study["role_id"]))
    import random

    pages = answers_for(q, 4, random.Random(1))
    first = {f"a_{k}": v for k, v in list(pages[0].items())[:1]}
    saved = employee.post("/study/page/1/autosave", data={**first, "csrf_token": csrf_token(page)})
    assert saved.status_code == 204
    assert db["study_answers"].count_where("participant_id = ?", [made.participant_id]) == 1
    for number, answers in enumerate(pages, start=1):
        html = employee.get(f"/study/page/{number}").get_data(as_text=True)
        data = {
            **{f"a_{k}": v for k, v in answers.items()},
            "next": "Next",
            "csrf_token": csrf_token(html),
        }
        assert employee.post(f"/study/page/{number}", data=data).status_code == 302
    about = employee.get("/study/about-you").get_data(as_text=True)
    assert "your colleagues" in about
    sent = employee.post("/study/about-you", data={"skip": "Skip", "csrf_token": csrf_token(about)})
    assert sent.headers["Location"].endswith("/study/done")
    assert (
        db["study_results"].count == 1 and db["answers"].count == 0 and db["candidates"].count == 0
    )
    own = employee.get("/study/me").get_data(as_text=True)
    assert "Your strengths" in own
    assert "no score, band or ranking here" in own
    assert not re.search(r"\d%|percentile of|profile band|fit band", own.lower())
    pdf = employee.get("/study/me/plan.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert employee.get("/manager/team/").status_code == 302  # a study link is no staff sign-in


def test_reminders_replace_the_links_of_those_who_have_not_finished(client, auth, db, study):
    made = invite(db, study["id"], 2)
    complete(db, made[0].participant_id)
    auth.login("admin")
    response = client.post(
        f"/admin/studies/{study['id']}/remind",
        data={"csrf_token": _token(client, "/admin/studies/")},
    )
    links = re.findall(r'value="(http[^"]+/s/[^"]+)"', response.get_data(as_text=True))
    assert len(links) == 1 and "Reminders made" in response.get_data(as_text=True)
    assert db["study_participants"].get(made[1].participant_id)["reminded_at"]
    assert client.get(f"/s/{made[1].token}").status_code == 404  # the old link stopped working


def test_kpis_upload_shows_every_problem_then_the_calibration_set_goes_to_validity(
    client, auth, db, study
):
    made = invite(db, study["id"], 3)
    for k, m in enumerate(made):
        complete(db, m.participant_id, level=2 + k, seed=k)
    auth.login("admin")
    url = f"/admin/studies/{study['id']}/kpis"
    response = _upload(
        client, url, "kpis-file", "employee_id,csat\nE000,eighty\nE001,90\n", "k.csv"
    )
    assert response.status_code == 400
    assert (
        "k.csv: line 2 (employee_id E000): column csat: &#39;eighty&#39; is not a number"
        in response.get_data(as_text=True)
    )
    assert db["employee_kpis"].count == 0
    assert (
        _upload(client, url, "kpis-file", kpi_csv(["E000", "E001", "E002"]), "k.csv").status_code
        == 302
    )
    form = {
        "cal-column": "csat",
        "cal-rule": "top_share",
        "cal-share": "0.34",
        "csrf_token": _token(client, "/admin/studies/"),
    }
    response = client.post(f"/admin/studies/{study['id']}/calibration-set", data=form)
    assert response.headers["Location"].endswith(f"/admin/validity/{study['role_id']}")
    assert next(db["incumbent_imports"].rows_where())["study_id"] == study["id"]


@pytest.fixture
def team(db, staff, study):
    """Three of the manager's employees and one of another manager's, all assessed."""
    from hiring.accounts import users as accounts

    accounts.add_user(db, "manager2", "manager2-pass-123", "manager", "Other Manager")
    mine = invite(db, study["id"], 3, manager="manager")
    theirs = invite(db, study["id"], 1, manager="manager2", start=10)
    for k, m in enumerate(mine + theirs):
        complete(db, m.participant_id, level=2 + k % 3, seed=k)
    return mine, theirs


def test_a_manager_sees_only_their_own_team_and_each_view_is_audited(client, auth, db, team):
    mine, theirs = team
    auth.login("manager")
    page = client.get("/manager/team/").get_data(as_text=True)
    assert "Employee 0" in page and "Employee 10" not in page
    assert "Modules that would help most people" in page
    assert client.get(f"/manager/team/{theirs[0].participant_id}").status_code == 404
    assert client.get(f"/manager/team/{theirs[0].participant_id}/coaching.pdf").status_code == 404
    assert (
        client.get(f"/manager/team/{theirs[0].participant_id}/readiness/team-lead").status_code
        == 404
    )
    plan = client.get(f"/manager/team/{mine[0].participant_id}")
    assert plan.status_code == 200 and "Coaching plan for Employee 0" in plan.get_data(as_text=True)
    pdf = client.get(f"/manager/team/{mine[0].participant_id}/coaching.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "Coaching plan" in text and "Employee 0" in text and "The next three months" in text
    assert not re.search(r"\d%|profile band", text.lower())  # no probability, percentile, band
    views = [r["action"] for r in db["audit_log"].rows_where("actor = 'manager'")]
    assert {"team.view", "employee.view", "employee.report"} <= set(views)


def test_readiness_is_read_against_the_team_lead_profile_for_one_person(client, auth, db, team):
    mine, _ = team
    auth.login("admin")
    page = client.get(f"/manager/team/{mine[1].participant_id}/readiness/team-lead").get_data(
        as_text=True
    )
    assert "readiness for Team lead (next role)" in page
    assert "never a ranking" in page
    assert (
        client.get(
            f"/manager/team/{mine[1].participant_id}/readiness/contact-center-rep"
        ).status_code
        == 404
    )
    pdf = client.get(f"/manager/team/{mine[1].participant_id}/readiness/team-lead?format=pdf")
    assert pdf.data.startswith(b"%PDF")
    assert db["audit_log"].count_where("action = 'employee.readiness'") == 2


def test_a_reassessment_shows_change_per_scale_with_its_error_band(app, db, staff, study):
    made = invite(db, study["id"], 12)
    for k, m in enumerate(made):
        complete(db, m.participant_id, level=2 + k % 3, seed=k)
    new, again = studies.next_round(db, study["id"], days=14, actor="test")
    assert new["round"] == 2 and len(again) == 12
    complete(db, again[0].participant_id, level=5, seed=99)
    employee = app.test_client()
    employee.get(f"/s/{again[0].token}")
    page = employee.get("/study/me").get_data(as_text=True)
    assert "Change since round 1" in page
    assert "standard error of the difference" in page
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>\s*'
                      r'<td class="num">([^<]+)</td>\s*<td class="num">±([^<]+)</td>\s*<td>([^<]+)</td>', page)  # fmt: skip
    assert len(rows) == 11
    for _name, before, after, change, band, verdict in rows:
        if change[0] not in "+-":  # "0" or "less than 0.1": inside any band
            assert verdict == "no clear change"
            continue
        diff, width = float(change), float(band)
        assert float(after) - float(before) == pytest.approx(diff, abs=1.0)  # shown rounded
        if abs(diff) <= width:
            assert verdict == "no clear change"
        else:
            assert verdict == ("clear improvement" if diff > 0 else "clear decline")


def test_an_employee_session_is_only_their_own_and_a_closed_study_takes_no_answers(app, db, study):
    made = invite(db, study["id"], 2)
    one = app.test_client()
    one.get(f"/s/{made[0].token}")
    journey.give_consent(db, made[0].participant_id, journey.EMPLOYEES)
    studies.close_study(db, study["id"], actor="test")
    assert "This study is closed" in one.get("/study/").get_data(as_text=True)
    assert one.get("/study/page/1").headers["Location"].endswith("/study/")
    assert one.get("/study/me").status_code == 302  # nothing sent: no results to show
