"""The candidate page: the profile against target ranges, fit evidence, probes, flags, compare."""

import html
import json
from pathlib import Path

import pytest
import yaml

from tests.workspace_data import (  # noqa: F401
    completed_candidate,
    fast_hashing,
    invited_candidate,
    make_role,
)

PROFILE = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "profiles" / "contact-center-rep.yaml").read_text()
)
QUESTIONNAIRE = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "questionnaires" / "wetco-service-v1.yaml").read_text()
)


@pytest.fixture
def people(app, db):
    role = make_role(db)
    return {
        "role": role,
        "weak": completed_candidate(app, db, role, "Wren Weak", "wren@example.test", level=2),
        "strong": completed_candidate(app, db, role, "Sol Strong", "sol@example.test", level=5),
    }


def page_of(client, candidate) -> str:
    response = client.get(f"/candidates/{candidate['id']}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_every_feature_is_charted_against_its_target_range(auth, client, people):
    auth.login("recruiter")
    text = page_of(client, people["weak"])
    names = [s["name"] for s in QUESTIONNAIRE["scales"]]
    names += [c["name"] for c in QUESTIONNAIRE["competencies"]]
    for name in names:
        assert f">{name}</th>" in text
    for feature in PROFILE["features"].values():
        target = feature["target"]
        places = 0 if target["high"] > 10 else 1  # 0-100 scores are shown as whole numbers
        assert f"{target['low']:.{places}f}–{target['high']:.{places}f}" in text
    assert text.count('class="score-bar"') == len(PROFILE["features"])
    assert "supports the decision; it does not make it" in text


def test_interview_questions_come_from_the_largest_gaps(auth, client, db, people):
    auth.login("recruiter")
    text = page_of(client, people["weak"])
    fit = json.loads(db["results"].get(people["weak"]["id"])["fit"])
    below = sorted((gap, fid) for fid, gap in fit["gaps"].items() if gap < 0)
    assert below, "the weak candidate should fall short somewhere"
    asked = [fid for _, fid in below[:3]]
    for fid in asked:
        for probe in PROFILE["features"][fid]["interview_probes"]:
            assert " ".join(probe.split()) in " ".join(text.split())
    for fid, feature in PROFILE["features"].items():
        if fid not in asked:
            assert " ".join(feature["interview_probes"][0].split()) not in " ".join(text.split())


@pytest.mark.parametrize("who", ["weak", "strong"])
def test_quality_flags_strengths_and_gaps_are_shown_as_stored(auth, client, db, people, who):
    auth.login("recruiter")
    result = db["results"].get(people[who]["id"])
    scores, fit = json.loads(result["scores"]), json.loads(result["fit"])
    text = page_of(client, people[who])
    flat = " ".join(text.split())
    for flag in scores["flags"]:
        assert flag["label"] in text and " ".join(flag["detail"].split()) in flat
    assert ("No quality flags" in text) == (not scores["flags"])
    for fid in fit["strengths"]:
        assert " ".join(PROFILE["features"][fid]["strength_on_the_job"].split()) in flat
    below = [fid for fid, gap in fit["gaps"].items() if gap < 0]
    assert ("No score is below its target range." in text) == (not below)
    assert text.count("below target (") == len(below)


def test_factors_behind_a_calibrated_fit_are_shown(auth, client, db, people):
    fit = json.loads(db["results"].get(people["strong"]["id"])["fit"])
    fit |= {"probability": 0.72, "percentile": 88.0, "band_basis": "probability",
            "factors": [["empathy", 0.41], ["optimism", -0.2]], "base_rate": 0.4}  # fmt: skip
    db["results"].update(people["strong"]["id"], {"fit": json.dumps(fit)})
    auth.login("recruiter")
    text = page_of(client, people["strong"])
    assert "What moved the fit" in text
    assert "+0.41" in text and "-0.20" in text
    assert "72%" in text and "base rate 40%" in text and ">88<" in text


def test_not_yet_finished_candidates_have_no_scores_or_decision_form(auth, client, db, people):
    pending = invited_candidate(db, people["role"], "Pat Pending", "pat@example.test")
    auth.login("recruiter")
    text = page_of(client, pending)
    assert "has not finished the assessment" in text
    assert "Record the decision" not in text and "score-bar" not in text


def test_every_view_is_audited(auth, client, db, people):
    auth.login("admin")
    page_of(client, people["weak"])
    rows = list(db["audit_log"].rows_where("action = 'candidate.view'"))
    assert [(r["actor"], r["target_id"]) for r in rows] == [("admin", str(people["weak"]["id"]))]


def test_the_report_link_appears_only_when_the_report_route_exists(app, auth, client, people):
    auth.login("recruiter")
    registered = "reports.candidate_report" in app.view_functions
    link = f"/candidates/{people['weak']['id']}/report.pdf"
    assert (link in page_of(client, people["weak"])) == registered


def test_the_report_link_points_at_the_report_route(tmp_path):
    from hiring import create_app
    from hiring.store.db import close_all

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k"})
    if "reports.candidate_report" not in app.view_functions:
        app.add_url_rule(
            "/candidates/<int:candidate_id>/report.pdf",
            endpoint="reports.candidate_report",
            view_func=lambda candidate_id: "pdf",
        )
    from hiring.accounts import users as accounts
    from hiring.store.db import get_db
    from tests.conftest import AuthActions

    db = get_db(app.config["DATABASE"])
    accounts.add_user(db, "recruiter", "recruiter-pass-123", "recruiter")
    role = make_role(db)
    person = completed_candidate(app, db, role, "Lin Link", "lin@example.test")
    client = app.test_client()
    AuthActions(client).login("recruiter")
    assert f'href="/candidates/{person["id"]}/report.pdf"' in client.get(
        f"/candidates/{person['id']}"
    ).get_data(as_text=True)
    close_all()


def test_compare_shows_two_to_four_side_by_side(auth, client, db, people):
    auth.login("recruiter")
    ids = f"c={people['weak']['id']}&c={people['strong']['id']}"
    text = html.unescape(
        client.get(f"/roles/{people['role']['id']}/compare?{ids}").get_data(as_text=True)
    )
    assert "Wren Weak" in text and "Sol Strong" in text
    assert text.count('class="score-bar"') == 2 * len(PROFILE["features"])
    one = client.get(f"/roles/{people['role']['id']}/compare?c={people['weak']['id']}")
    assert one.status_code == 302
    assert "between 2 and 4" in client.get(one.headers["Location"]).get_data(as_text=True)
    assert db["audit_log"].count_where("action = 'candidate.view'") == 2


def test_compare_refuses_candidates_of_another_role(auth, client, app, db, people):
    other = make_role(db, "Elsewhere")
    stranger = completed_candidate(app, db, other, "Sam Stranger", "sam@example.test")
    auth.login("recruiter")
    response = client.get(
        f"/roles/{people['role']['id']}/compare?c={people['weak']['id']}&c={stranger['id']}"
    )
    assert response.status_code == 404
    assert "Sam Stranger" not in response.get_data(as_text=True)


def test_the_onboarding_plan_link_sits_next_to_the_report_link(app, auth, client, people):
    auth.login("recruiter")
    text = page_of(client, people["weak"])
    registered = "reports.candidate_report" in app.view_functions
    plan = f'href="/candidates/{people["weak"]["id"]}/report.pdf?variant=onboarding"'
    assert (plan in text) == registered


def _reissue_from_the_page(client, candidate_id: int) -> tuple[str, str]:
    """Open the candidate page, press "Make a new link"; return (candidate page, result page)."""
    from tests.conftest import csrf_token

    text = page_of(client, {"id": candidate_id})
    assert "Make a new link" in text and "old link stops working" in text
    assert f'action="/invite/reissue/{candidate_id}"' in text
    response = client.post(f"/invite/reissue/{candidate_id}", data={"csrf_token": csrf_token(text)})
    assert response.status_code == 200
    return text, html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("started", [False, True])
def test_an_unfinished_candidate_gets_a_new_link_from_their_page(auth, client, db, people, started):
    import re

    from hiring.candidates import invites, journey
    from hiring.candidates.records import LinkUnknown
    from tests.candidate_support import invite

    made = invite(db, people["role"], name="Lou Lost", email="lou@example.test")
    if started:
        journey.give_consent(db, made.candidate_id)
    auth.login("recruiter")
    _, done = _reissue_from_the_page(client, made.candidate_id)
    new_token = re.search(r'value="http://localhost/a/([A-Za-z0-9_-]{43})"', done).group(1)
    assert new_token != made.token
    assert invites.open_link(db, new_token)["id"] == made.candidate_id
    with pytest.raises(LinkUnknown):
        invites.open_link(db, made.token)
    assert f'href="/candidates/{made.candidate_id}"' in done  # back to the candidate


def test_a_new_link_is_emailed_when_smtp_is_set_up(app, auth, client, db, people):
    from tests.candidate_support import SMTPSink, invite
    from tests.queue_support import run_queued_tasks

    made = invite(db, people["role"], name="Mo Mail", email="mo@example.test")
    auth.login("admin")
    with SMTPSink() as sink:
        app.config.update(sink.config(), BASE_URL="https://jobs.example.test")
        _, done = _reissue_from_the_page(client, made.candidate_id)
        assert "Queued" in done and "Follow their delivery" in done
        run_queued_tasks(app)
    assert [m["to"] for m in sink.messages] == [["mo@example.test"]]


def test_a_submitted_candidate_is_offered_no_new_link(auth, client, people):
    auth.login("recruiter")
    assert "Make a new link" not in page_of(client, people["weak"])
