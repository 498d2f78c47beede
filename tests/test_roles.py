"""Job roles: create with a pinned questionnaire, list, close, count the funnel; CLI."""

import json

import pytest

from hiring.assessment.questionnaire import QuestionnaireError
from hiring.roles import services as roles
from hiring.roles.pipeline import STATUSES
from tests.candidate_support import invite, make_role


def test_create_role_pins_the_questionnaire_and_publishes_its_hash(db):
    role = make_role(db)
    assert role["slug"] == "customer-service-representative-leeds"
    assert (role["questionnaire_id"], role["questionnaire_version"]) == ("wetco-service", "1")
    assert role["status"] == "open" and role["profile_id"] == "contact-center-rep"
    published = db["questionnaire_versions"].get(("wetco-service", "1"))
    assert (
        published["content_hash"] == roles.questionnaire_bank()[("wetco-service", "1")].content_hash
    )
    event = next(db["audit_log"].rows_where("action = 'role.create'"))
    assert json.loads(event["detail"])["slug"] == role["slug"]


def test_same_title_gets_a_numbered_slug(db):
    first, second = make_role(db), make_role(db)
    assert second["slug"] == first["slug"] + "-2"
    assert roles.get_role_by_slug(db, second["slug"].upper())["id"] == second["id"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "needs a title"),
        ({"title": "x" * 121}, "at most 120"),
        ({"title": "Agent", "questionnaire_version": "9"}, "not installed"),
        ({"title": "Agent", "profile_id": "nope"}, "Unknown hiring profile 'nope'"),
    ],
)
def test_bad_role_requests_are_refused_with_a_reason(db, kwargs, message):
    with pytest.raises(roles.RoleError, match=message):
        roles.create_role(db, **kwargs)
    assert db["job_roles"].count == 0


def test_a_changed_file_under_a_published_version_is_refused(db):
    db["questionnaire_versions"].insert(
        {
            "questionnaire_id": "wetco-service",
            "version": "1",
            "content_hash": "sha256:old",
            "published_at": "x",
        }
    )
    with pytest.raises(QuestionnaireError, match="already published with different content"):
        make_role(db)


def test_closed_roles_are_hidden_unless_asked_for(db):
    open_role, closed = make_role(db, "Agent A"), make_role(db, "Agent B")
    roles.close_role(db, closed["id"], actor="test")
    assert [r["id"] for r in roles.list_roles(db)] == [open_role["id"]]
    listed = roles.list_roles(db, include_closed=True)
    assert [r["id"] for r in listed] == [open_role["id"], closed["id"]]
    assert roles.get_role(db, closed["id"])["closed_at"]


def test_unknown_role_is_a_clear_error(db):
    with pytest.raises(roles.RoleError, match="No role with id 99"):
        roles.get_role(db, 99)
    with pytest.raises(roles.RoleError, match="No role named 'ghost'"):
        roles.get_role_by_slug(db, "ghost")


def test_funnel_counts_every_status(db):
    role = make_role(db)
    for n in range(3):
        invite(db, role, email=f"p{n}@example.test")
    db["candidates"].update(1, {"status": "started"})
    counts = roles.funnel(db, role["id"])
    assert list(counts) == list(STATUSES)
    expected = {s: db["candidates"].count_where("status = ?", [s]) for s in STATUSES}
    assert counts == expected == {**dict.fromkeys(STATUSES, 0), "invited": 2, "started": 1}


def test_cli_adds_lists_and_closes_roles(run):
    added = run("roles", "add", "Support Agent", "--location", "Remote")
    assert added.exit_code == 0, added.output
    assert "support-agent-remote" in added.output
    assert "support-agent-remote" in run("roles", "list").output
    assert run("roles", "close", "support-agent-remote").exit_code == 0
    assert "support-agent-remote" not in run("roles", "list").output
    assert "closed" in run("roles", "list", "--all").output


def test_cli_role_errors_are_one_line(run):
    result = run("roles", "close", "ghost")
    assert result.exit_code == 2 and "No role named 'ghost'" in result.output
    assert "Traceback" not in result.output
