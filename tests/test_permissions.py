"""Every staff route lets in exactly the roles it should, and guessed ids never reveal data."""

import re

import pytest
from argon2 import PasswordHasher

from hiring import create_app
from hiring.accounts import passwords
from hiring.accounts import users as accounts
from hiring.candidates import invites
from hiring.store.db import close_all, get_db
from hiring.team import studies
from hiring.workspace import decisions
from tests.conftest import PASSWORDS, AuthActions, csrf_token
from tests.study_data import complete
from tests.study_data import invite as study_invite
from tests.workspace_data import completed_candidate, make_role

PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.logout", "home.index", "home.health"}
# The candidate's and a study employee's own pages, reached through their link, not a sign-in.
CANDIDATE_BLUEPRINTS = ("candidate", "candidate_rights", "study_journey")
# The API takes keys, never a sign-in: tests/test_api_permissions.py covers its routes.
API_BLUEPRINTS = ("api_docs", "api_roles", "api_candidates", "api_fairness", "api_admin")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for the module: two roles with different managers, a finished candidate and a
    hire in each. Tests only read it or make changes that leave every rule's answer alone."""
    folder = tmp_path_factory.mktemp("permissions")
    with pytest.MonkeyPatch.context() as patch:
        # Cheap argon2id parameters: these tests sign in many times and are not about hashing.
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        app = create_app(
            {"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": "permissions-key"}
        )
        db = get_db(app.config["DATABASE"])
        staff = {
            role: accounts.add_user(db, role, PASSWORDS[role], role, role.title())
            for role in accounts.ROLES
        }
        yield app, db, staff, build_world(app, db, staff)
    close_all()


def build_world(app, db, staff) -> dict:
    other = accounts.add_user(db, "manager2", "manager2-pass-123", "manager", "Other Manager")
    role_a = make_role(db, "Agent A", manager_id=staff["manager"].id)
    role_b = make_role(db, "Agent B", manager_id=other.id)
    made = {"role_a": role_a, "role_b": role_b, "manager": staff["manager"]}
    for key, role, name, level in (
        ("cand_a", role_a, "Alice Applicant", 4),
        ("hire_a", role_a, "Harriet Hired", 2),
        ("cand_b", role_b, "Bruno Bystander", 4),
        ("hire_b", role_b, "Hector Hidden", 2),
    ):
        made[key] = completed_candidate(app, db, role, name, f"{key}@example.test", level)
    for key in ("hire_a", "hire_b"):
        decisions.change_status(
            db, made[key]["id"], "hired", user_id=staff["recruiter"].id, actor="test",
            reason="Hired after a strong interview",
        )  # fmt: skip
    made["other_manager"] = other
    made["study"] = studies.open_study(db, role_a["slug"], actor="test")
    for key, manager, start in (
        ("emp_a", "manager", 0),
        ("emp_b", "manager2", 10),
        ("emp_c", "manager", 20),
    ):
        person = study_invite(db, made["study"]["id"], 1, manager=manager, start=start)[0]
        if key != "emp_c":  # emp_c has not finished: the one a reminder goes to
            complete(db, person.participant_id)
        made[key] = {"id": person.participant_id, "name": person.name, "email": person.email}
    return made


@pytest.fixture
def world(shared):
    return shared[3]


@pytest.fixture
def app(shared):
    return shared[0]


@pytest.fixture
def db(shared):
    return shared[1]


@pytest.fixture
def staff(shared):
    return shared[2]


def fill(url: str, w: dict) -> str:
    return url.format(
        a=w["role_a"]["id"], b=w["role_b"]["id"], ca=w["cand_a"]["id"], ha=w["hire_a"]["id"],
        cb=w["cand_b"]["id"], hb=w["hire_b"]["id"], m=w["other_manager"].id, mm=w["manager"].id,
        s=w["study"]["id"], pa=w["emp_a"]["id"], pb=w["emp_b"]["id"], pc=w["emp_c"]["id"],
        rb=w["role_b"]["slug"],
    )  # fmt: skip


OK, FORBIDDEN, MISSING = "ok", 403, 404
# (method, url, form data, who may: {role: expected}); "ok" means 200 or a redirect that is not
# to the sign-in page.
RULES = [
    ("GET", "/roles/", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/roles/new", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/roles/new", {"title": "X", "questionnaire": "wetco-service@1",
                            "profile": "contact-center-rep", "hiring_manager": ""},
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/roles/{a}", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/roles/{a}/manager", {"hiring_manager": "{m}"},
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/roles/{b}/close", {}, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/roles/{a}/candidates", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/roles/{a}/candidates.csv", None,
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/roles/{a}/compare?c={ca}&c={ha}", None,
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/roles/{a}/candidates/bulk",
     {"c": "{ca}", "action": "decide", "status": "shortlisted"},
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/candidates/{ca}", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/candidates/{ca}/status", {"status": "shortlisted"},
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("POST", "/candidates/{ca}/notes", {"body": "Call back on Monday."},
     {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("GET", "/manager/", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/hires/{ha}", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/hires/{hb}", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/hires/{ca}", None,
     {"admin": MISSING, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/cohort?c={ha}", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/cohort?c={hb}", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/cohort.csv?c={ha}", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/cohort.csv?c={hb}", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/admin/users/", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/users/new", {"username": "newbie", "role": "recruiter"},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/users/{m}", {"u{m}-role": "manager"},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/users/{m}/password", {"password": "another-pass-123"},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    # Incumbent studies (admins) and the team pages (a manager: their own team only)
    ("GET", "/admin/studies/", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/", {"role": "{rb}"},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("GET", "/admin/studies/{s}", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/invite", {"one-employee_id": "N1", "one-name": "Nia New",
                                          "one-email": "nia@example.test", "one-team": "North"},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/remind", {},
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/upload", {}, {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/kpis", {}, {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/calibration-set", {"cal-column": "csat"},
     {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("POST", "/admin/studies/{s}/next-round", {}, {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("GET", "/manager/team/", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/team/{pa}", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/team/{pb}", None, {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/team/{pc}", None, {"admin": MISSING, "manager": MISSING}),  # not finished
    ("GET", "/manager/team/{pa}/coaching.pdf", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/team/{pb}/coaching.pdf", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/team/{pa}/readiness/team-lead", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": OK}),
    ("GET", "/manager/team/{pb}/readiness/team-lead", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": MISSING}),
    ("GET", "/manager/team/99999", None, {"admin": MISSING, "manager": MISSING}),
    ("GET", "/admin/studies/99999", None, {"admin": MISSING}),
    # Guessing ids of records that do not exist, or belong elsewhere
    ("GET", "/roles/99999", None, {"admin": MISSING, "recruiter": MISSING}),
    ("GET", "/roles/99999/candidates", None, {"admin": MISSING, "recruiter": MISSING}),
    ("GET", "/candidates/99999", None, {"admin": MISSING, "recruiter": MISSING}),
    ("POST", "/candidates/99999/status", {"status": "hired"}, {"recruiter": MISSING}),
    ("POST", "/candidates/99999/notes", {"body": "x"}, {"recruiter": MISSING}),
    ("GET", "/roles/{a}/compare?c={ca}&c={cb}", None, {"recruiter": MISSING}),
    ("POST", "/roles/99999/candidates/bulk", {"c": "{ca}", "action": "export"},
     {"recruiter": MISSING}),
    ("POST", "/roles/{a}/candidates/bulk", {"c": "{cb}", "action": "export"},
     {"recruiter": 400}),  # another role's candidate: refused, and nothing of theirs shown
    ("GET", "/manager/hires/99999", None, {"manager": MISSING}),
    ("POST", "/admin/users/99999", {"u99999-role": "admin"}, {"admin": MISSING}),
]  # fmt: skip
# Other teams' staff routes: checked when they are installed (skipped, with the reason, if not).
OTHER_RULES = [
    ("invite.one", "GET", "/invite/", None, {"admin": OK, "recruiter": OK, "manager": FORBIDDEN}),
    ("invite.upload", "GET", "/invite/upload", None, {"recruiter": OK, "manager": FORBIDDEN}),
    ("invite.reissue", "POST", "/invite/reissue/{ca}", {}, {"manager": FORBIDDEN}),
    ("fairness.index", "GET", "/admin/fairness/", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("fairness.role", "GET", "/admin/fairness/{a}", None,
     {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("audit_log.index", "GET", "/admin/audit/", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("erasure.find", "GET", "/admin/erasure/", None,
     {"admin": OK, "recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("erasure.confirm", "POST", "/admin/erasure/{ca}", {},
     {"recruiter": FORBIDDEN, "manager": FORBIDDEN}),
    ("reports.candidate_report", "GET", "/candidates/{ca}/report.pdf", None,
     {"admin": OK, "recruiter": OK}),
    ("reports.candidate_report", "GET", "/candidates/99999/report.pdf", None,
     {"recruiter": MISSING}),
]  # fmt: skip


def _role(db, w, key):
    return db["job_roles"].get(w[key]["id"])


def _undo_new_employee(db, w):
    pk = db["employees"].rows_where("employee_id = 'N1'").__next__()["id"]
    db.execute("DELETE FROM study_participants WHERE employee_pk = ?", [pk])
    db.execute("DELETE FROM employees WHERE id = ?", [pk])


def _undo_status(db, w):
    db["candidates"].update(w["cand_a"]["id"], {"status": "completed", "decided_at": None})


# What an allowed POST must have done, read before and after the call: (measure, check, undo).
# ``check(before, after, w)`` says whether the action happened; ``undo`` puts the shared
# world back so that every role's call has something to do.
EFFECTS = {
    "/roles/new": (
        lambda db, w: db["job_roles"].count_where("title = 'X'"),
        lambda before, after, w: after == before + 1,
        None,
    ),
    "/roles/{a}/manager": (
        lambda db, w: _role(db, w, "role_a")["hiring_manager_id"],
        lambda before, after, w: after == w["other_manager"].id,
        lambda db, w: db["job_roles"].update(
            w["role_a"]["id"], {"hiring_manager_id": w["manager"].id}
        ),
    ),
    "/roles/{b}/close": (
        lambda db, w: _role(db, w, "role_b")["status"],
        lambda before, after, w: (before, after) == ("open", "closed"),
        lambda db, w: db["job_roles"].update(
            w["role_b"]["id"], {"status": "open", "closed_at": None}
        ),
    ),
    "/candidates/{ca}/status": (
        lambda db, w: (db["candidates"].get(w["cand_a"]["id"])["status"],
                       db["status_history"].count_where("candidate_id = ?", [w["cand_a"]["id"]])),
        lambda before, after, w: after == ("shortlisted", before[1] + 1),
        _undo_status,
    ),
    "/roles/{a}/candidates/bulk": (
        lambda db, w: (db["candidates"].get(w["cand_a"]["id"])["status"],
                       db["status_history"].count_where("candidate_id = ?", [w["cand_a"]["id"]])),
        lambda before, after, w: after == ("shortlisted", before[1] + 1),
        _undo_status,
    ),
    "/candidates/{ca}/notes": (
        lambda db, w: db["notes"].count_where("candidate_id = ?", [w["cand_a"]["id"]]),
        lambda before, after, w: after == before + 1,
        None,
    ),
    "/admin/users/new": (
        lambda db, w: db["users"].count_where("username = 'newbie' AND role = 'recruiter'"),
        lambda before, after, w: (before, after) == (0, 1),
        lambda db, w: db.execute("DELETE FROM users WHERE username = 'newbie'"),
    ),
    "/admin/users/{m}": (
        lambda db, w: db["users"].get(w["other_manager"].id)["active"],
        lambda before, after, w: (before, after) == (1, 0),
        lambda db, w: db["users"].update(w["other_manager"].id, {"active": 1}),
    ),
    "/admin/users/{m}/password": (
        lambda db, w: db["users"].get(w["other_manager"].id)["password_hash"],
        lambda before, after, w: before != after,
        None,
    ),
    "/admin/studies/": (
        lambda db, w: db["studies"].count_where("role_id = ?", [w["role_b"]["id"]]),
        lambda before, after, w: after == before + 1,
        lambda db, w: db.execute("DELETE FROM studies WHERE role_id = ?", [w["role_b"]["id"]]),
    ),
    "/admin/studies/{s}/invite": (
        lambda db, w: db["study_participants"].count_where("study_id = ?", [w["study"]["id"]]),
        lambda before, after, w: after == before + 1,
        _undo_new_employee,
    ),
    "/admin/studies/{s}/remind": (
        lambda db, w: db["study_participants"].get(w["emp_c"]["id"])["token_hash"],
        lambda before, after, w: before != after,
        None,
    ),
}  # fmt: skip
CASES = [
    pytest.param(None, method, url, data, role, expected, id=f"{role}-{method}-{url}")
    for method, url, data, allowed in RULES
    for role, expected in allowed.items()
] + [
    pytest.param(endpoint, method, url, data, role, expected, id=f"{role}-{method}-{url}")
    for endpoint, method, url, data, allowed in OTHER_RULES
    for role, expected in allowed.items()
]


def token(client) -> str:
    """A valid CSRF token for this client's session, so POSTs reach the view's checks."""
    return csrf_token(client.get("/auth/login").get_data(as_text=True))


def call(client, method: str, url: str, data: dict | None, w: dict):
    url = fill(url, w)
    if method == "GET":
        return client.get(url)
    form = {fill(k, w): fill(v, w) for k, v in (data or {}).items()}
    return client.post(url, data={**form, "csrf_token": token(client)})


@pytest.mark.parametrize(("endpoint", "method", "url", "data", "role", "expected"), CASES)
def test_role_rules(app, client, db, world, endpoint, method, url, data, role, expected):
    if endpoint and endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} is not installed in this build")
    AuthActions(client).login(role)
    measure, happened, undo = EFFECTS.get(url, (None, None, None))
    before = measure(db, world) if expected == OK and measure else None
    response = call(client, method, url, data, world)
    if expected == OK and method == "GET":
        assert response.status_code == 200, response.status_code
    elif expected == OK:  # a POST that worked answers (or redirects) and did what it was asked
        assert response.status_code in (200, 302), response.status_code
        assert "/auth/login" not in response.headers.get("Location", "")
        assert measure is not None, f"say in EFFECTS what POST {url} does"
        after = measure(db, world)
        try:
            assert happened(before, after, world), (before, after)
        finally:
            if undo:
                undo(db, world)
    else:
        assert response.status_code == expected
        body = response.get_data(as_text=True)
        for key in ("hire_b", "cand_b", "emp_b"):  # nothing of another's people leaks out
            assert world[key]["name"] not in body
            assert world[key]["email"] not in body


def test_a_manager_cannot_change_a_status_and_nothing_changes(client, world, db):
    AuthActions(client).login("manager")
    before = db["candidates"].get(world["hire_a"]["id"])["status"]
    response = client.post(
        f"/candidates/{world['hire_a']['id']}/status",
        data={"status": "rejected", "reason": "x", "csrf_token": token(client)},
    )
    assert response.status_code == 403
    assert db["candidates"].get(world["hire_a"]["id"])["status"] == before
    assert db["status_history"].count_where("to_status = 'rejected'") == 0


def test_a_recruiter_cannot_manage_users_and_nothing_changes(client, world, db, staff):
    AuthActions(client).login("recruiter")
    me = staff["recruiter"].id
    promote = {f"u{me}-role": "admin", f"u{me}-active": "y", "csrf_token": token(client)}
    assert client.post(f"/admin/users/{me}", data=promote).status_code == 403
    sneak = {"username": "sneaky", "role": "admin", "csrf_token": token(client)}
    assert client.post("/admin/users/new", data=sneak).status_code == 403
    assert accounts.get_user(db, staff["recruiter"].id).role == "recruiter"
    assert not db["users"].count_where("username = 'sneaky'")


def staff_rules(app) -> list[tuple[str, str, str]]:
    """Every route that is not public or the candidate's own: (endpoint, method, url)."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in (
            *CANDIDATE_BLUEPRINTS,
            *API_BLUEPRINTS,
        ):
            continue
        url = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client, world):
    rules = staff_rules(app)
    assert len(rules) >= 20
    for endpoint, method, url in rules:
        data = {"csrf_token": token(client)} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/auth/login" in response.headers["Location"], endpoint


def test_a_candidate_link_never_reaches_staff_pages(app, client, db, world):
    invite = invites.invite_candidate(
        db, role_slug=world["role_a"]["slug"], name="Cleo Candidate", email="cleo@example.test",
        days=14,
    )  # fmt: skip
    assert client.get(f"/a/{invite.token}").status_code == 302
    with client.session_transaction() as session:
        assert session["candidate_id"] == invite.candidate_id
    for endpoint, method, url in staff_rules(app):
        data = {"csrf_token": token(client)} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code in (302, 403), (endpoint, response.status_code)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], endpoint
    with client.session_transaction() as session:
        assert session["candidate_id"] == invite.candidate_id  # still the candidate's session
    assert client.get("/").headers["Location"].endswith("/auth/login")


def test_a_forged_candidate_session_is_no_staff_session(app, client, world):
    with client.session_transaction() as session:
        session["candidate_id"] = world["cand_a"]["id"]
    response = client.get(f"/candidates/{world['cand_a']['id']}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_switched_off_account_loses_access_at_once(shared):
    app, db, staff, _ = shared
    client = app.test_client()
    AuthActions(client).login("recruiter")
    assert client.get("/roles/").status_code == 200
    accounts.update_user(db, staff["recruiter"].id, role="recruiter", active=False, actor="test")
    try:
        assert client.get("/roles/").status_code == 302
        assert "/auth/login" in client.get("/roles/").headers["Location"]
    finally:
        accounts.update_user(db, staff["recruiter"].id, role="recruiter", active=True, actor="t")
