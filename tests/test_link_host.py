"""Candidate links never follow a spoofed Host header (issue 19, item 9)."""

import re
from io import BytesIO

import pytest
from click.testing import CliRunner

from hiring.candidates.links import host_name, link_base
from hiring.cli import cli
from hiring.store.db import close_all
from tests.candidate_support import SMTPSink, invite, make_role
from tests.conftest import csrf_token
from tests.queue_support import run_queued_tasks
from tests.workspace_data import fast_hashing  # noqa: F401

EVIL = "evil.example"


@pytest.fixture
def role(db):
    return make_role(db)


def _as(client, host: str | None) -> dict:
    """Headers of a request sent to ``host`` with the signed-in session's cookie."""
    if not host:
        return {}
    name, domain = client.application.config["SESSION_COOKIE_NAME"], host_name(host)
    if client.get_cookie(name, domain=domain) is None:
        client.set_cookie(name, client.get_cookie(name).value, domain=domain)
    return {"Host": host}


def _invite_one(client, role, host: str | None = None, email: str = "ann@example.test"):
    headers = _as(client, host)
    page = client.get("/invite/", headers=headers).get_data(as_text=True)
    return client.post(
        "/invite/",
        data={
            "csrf_token": csrf_token(page),
            "role": role["slug"],
            "name": "Ann One",
            "email": email,
        },
        headers=headers,
    )


def test_a_spoofed_host_makes_no_link_and_no_invitation(app, auth, client, db, role):
    auth.login("recruiter")
    response = _invite_one(client, role, host=EVIL)
    html = response.get_data(as_text=True)
    assert "not a known address of this site" in html and "HIRING_BASE_URL" in html
    assert EVIL + "/a/" not in html
    assert db["candidates"].count == 0  # nothing half-done


def test_a_spoofed_host_never_reaches_an_email(app, auth, client, db, role):
    auth.login("recruiter")
    with SMTPSink() as sink:
        app.config.update(sink.config(), BASE_URL="https://jobs.example.test")
        html = _invite_one(client, role, host=EVIL).get_data(as_text=True)
        run_queued_tasks(app)
    assert len(sink.messages) == 1
    assert "https://jobs.example.test/a/" in sink.messages[0]["data"]
    assert EVIL not in sink.messages[0]["data"] and EVIL + "/a/" not in html


def test_without_base_url_nothing_is_emailed_and_staff_are_told(app, auth, client, db, role):
    auth.login("recruiter")
    with SMTPSink() as sink:
        app.config.update(sink.config())
        page = client.get("/invite/").get_data(as_text=True)
        html = _invite_one(client, role).get_data(as_text=True)
    assert "(<code>HIRING_BASE_URL</code>) is not set" in page
    assert sink.messages == []
    assert "HIRING_BASE_URL) is not set, so no e-mail with a link was sent" in html
    assert re.search(r'value="http://localhost/a/[A-Za-z0-9_-]{43}"', html)  # to copy by hand


def test_a_spoofed_host_on_the_csv_upload_and_reissue_is_refused(app, auth, client, db, role):
    auth.login("recruiter")
    page = client.get("/invite/upload", headers=_as(client, EVIL)).get_data(as_text=True)
    assert "not a known address" in page  # said before anything is tried
    text = f"name,email,role\nAnn One,ann@example.test,{role['slug']}\n"
    upload = client.post(
        "/invite/upload",
        data={
            "csrf_token": csrf_token(page),
            "role": "",
            "file": (BytesIO(text.encode()), "p.csv"),
        },
        content_type="multipart/form-data",
        headers=_as(client, EVIL),
    )
    assert "not a known address" in upload.get_data(as_text=True) and db["candidates"].count == 0
    made = invite(db, role)
    before = db["candidates"].get(made.candidate_id)["token_hash"]
    token = csrf_token(client.get("/invite/", headers=_as(client, EVIL)).get_data(as_text=True))
    reissued = client.post(
        f"/invite/reissue/{made.candidate_id}",
        data={"csrf_token": token},
        headers=_as(client, EVIL),
    ).get_data(as_text=True)
    assert "not a known address" in reissued and EVIL + "/a/" not in reissued
    assert db["candidates"].get(made.candidate_id)["token_hash"] == before  # old link kept


def test_allowed_hosts_lend_their_address_only_to_links_shown(app, auth, client, db, role):
    app.config["ALLOWED_HOSTS"] = "hiring.internal"
    auth.login("recruiter")
    html = _invite_one(client, role, host="hiring.internal:8000").get_data(as_text=True)
    assert re.search(r'value="http://hiring\.internal:8000/a/[A-Za-z0-9_-]{43}"', html)
    refused = _invite_one(client, role, host="localhost", email="bo@example.test")
    assert "not a known address" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("host", "name"),
    [("Example.COM:443", "example.com"), ("[::1]:8000", "::1"), ("::1", "::1"), ("a.b", "a.b")],
)
def test_host_names_lose_their_port(host, name):
    assert host_name(host) == name


def test_link_base_rules():
    assert link_base({"BASE_URL": "https://x.test"}, "http://evil/", EVIL).configured
    assert link_base({"ALLOWED_HOSTS": "localhost"}, "http://localhost/", "localhost").url
    assert link_base({"ALLOWED_HOSTS": "localhost"}, "http://evil/", EVIL).url is None


def test_the_cli_emails_only_with_a_base_url(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    runner = CliRunner()
    assert runner.invoke(cli, ["--instance", str(instance), "roles", "add", "Agent"]).exit_code == 0
    close_all()
    people = tmp_path / "p.csv"
    people.write_text("name,email\nAnn One,ann@example.test\n")
    with SMTPSink() as sink:
        for key, value in sink.config().items():
            monkeypatch.setenv(f"HIRING_{key}", str(value))
        result = runner.invoke(
            cli, ["--instance", str(instance), "invite", "--role", "agent", str(people)]
        )
        close_all()
        assert sink.messages == []
        assert "NOT e-mailed: the public address of this site (HIRING_BASE_URL)" in result.output
        people.write_text("name,email\nBen Two,ben@example.test\n")
        args = ["--instance", str(instance), "invite", "--role", "agent"]
        sent = runner.invoke(
            cli, [*args, "--base-url", "https://jobs.example", "--now", str(people)]
        )
        close_all()
    assert sent.exit_code == 0 and len(sink.messages) == 1
