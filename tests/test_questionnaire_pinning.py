"""A published questionnaire version never changes under candidates or new roles."""

import shutil

import pytest
import yaml

from hiring.candidates import journey
from hiring.candidates.submission import submit_assessment
from hiring.roles import services as roles
from hiring.store.paths import data_dir
from tests.candidate_support import Walker, answers_for, invite, make_role, questionnaire_of
from tests.conftest import csrf_token

SHIPPED = "wetco-service-v1.yaml"


@pytest.fixture
def edit_questionnaire(tmp_path, monkeypatch):
    """Edit the shipped questionnaire in a copy of the data folder, keeping its version."""

    def edit() -> None:
        folder = tmp_path / "data" / "questionnaires"
        shutil.copytree(data_dir("questionnaires"), folder)
        path = folder / SHIPPED
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["description"] += " Edited after publishing."
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        monkeypatch.setattr(
            roles, "data_dir", lambda name: folder if name == "questionnaires" else data_dir(name)
        )

    return edit


@pytest.fixture
def started(db):
    """A candidate who consented (pinned to the shipped content) and answered page 1."""
    role = make_role(db)
    made = invite(db, role)
    journey.give_consent(db, made.candidate_id)
    questionnaire = questionnaire_of(db, made.candidate_id)
    answers = answers_for(questionnaire)
    first = questionnaire.pages[0]
    journey.save_page(db, made.candidate_id, 0, {i: answers[i] for i in first.item_ids})
    return made, questionnaire


def test_consent_pins_the_content_hash(db, started):
    made, questionnaire = started
    assert db["candidates"].get(made.candidate_id)["questionnaire_hash"] == (
        questionnaire.content_hash
    )


def test_saving_or_submitting_against_a_changed_file_is_refused(
    app, db, started, edit_questionnaire
):
    made, questionnaire = started
    edit_questionnaire()
    second = questionnaire.pages[1]
    answers = answers_for(questionnaire)
    with pytest.raises(journey.QuestionnaireChanged, match="was changed after candidate"):
        journey.save_page(db, made.candidate_id, 1, {i: answers[i] for i in second.item_ids})
    with pytest.raises(journey.QuestionnaireChanged, match="give the edit a new version"):
        submit_assessment(db, made.candidate_id, instance_path=app.config["INSTANCE_PATH"])
    assert db["answers"].count_where("candidate_id = ?", [made.candidate_id]) == len(
        questionnaire.pages[0].item_ids
    )  # what was saved is kept
    assert db["candidates"].get(made.candidate_id)["status"] == "started"


def test_a_candidate_who_started_sees_a_friendly_page(app, client, db, started, edit_questionnaire):
    made, questionnaire = started
    walker = Walker(client, made.token)
    assert walker.open().status_code == 302
    edit_questionnaire()
    for path in ("/assessment/", "/assessment/page/2", "/assessment/about-you"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 503, path
        assert "not available right now" in response.get_data(as_text=True)
        assert "answers you already gave are kept" in response.get_data(as_text=True)


def test_consenting_to_a_changed_published_version_shows_a_friendly_page(
    client, db, edit_questionnaire
):
    made = invite(db, make_role(db))  # making the role published the shipped content
    walker = Walker(client, made.token)
    walker.open()
    walker.get("/assessment/")
    edit_questionnaire()
    response = client.post("/assessment/", data={"csrf_token": walker.csrf, "consent": "y"})
    assert response.status_code == 503
    assert "not available right now" in response.get_data(as_text=True)
    assert db["candidates"].get(made.candidate_id)["status"] == "invited"


def test_the_thank_you_page_stays_reachable_after_a_change(app, client, db, edit_questionnaire):
    made = invite(db, make_role(db))
    walker = Walker(client, made.token)
    walker.complete(
        questionnaire_of(db, made.candidate_id),
        answers_for(questionnaire_of(db, made.candidate_id)),
    )
    edit_questionnaire()
    response = client.get("/assessment/done")
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)


def test_opening_a_role_on_a_changed_published_version_is_a_form_error(
    auth, client, db, edit_questionnaire
):
    make_role(db)  # publishes the shipped content of wetco-service v1
    edit_questionnaire()
    auth.login("recruiter")
    page = client.get("/roles/new").get_data(as_text=True)
    response = client.post(
        "/roles/new",
        data={"title": "Night agent", "location": "", "questionnaire": "wetco-service@1",
              "profile": "contact-center-rep", "hiring_manager": "",
              "csrf_token": csrf_token(page)},
    )  # fmt: skip
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already published with different content" in text and "new version" in text
    assert db["job_roles"].count == 1


def test_a_broken_questionnaire_file_is_named_on_the_role_form(auth, client, tmp_path, monkeypatch):
    folder = tmp_path / "broken"
    shutil.copytree(data_dir("questionnaires"), folder)
    (folder / "zz-broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(roles, "data_dir", lambda name: folder)
    auth.login("recruiter")
    response = client.get("/roles/new")
    assert response.status_code == 200
    assert "zz-broken.yaml" in response.get_data(as_text=True)
