"""Invites: 256-bit tokens stored only as hashes, expiry, re-issue, CSV rows, web and CLI."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from click.testing import CliRunner

from hiring.candidates import invites
from hiring.candidates.records import CandidateError, LinkExpired, LinkUnknown
from hiring.cli import cli
from hiring.roles import services as roles
from hiring.store.db import close_all, get_db
from tests.candidate_support import SMTPSink, invite, make_role
from tests.conftest import csrf_token
from tests.queue_support import run_queued_tasks


@pytest.fixture
def role(db):
    return make_role(db)


def test_token_has_256_random_bits_and_only_its_hash_is_stored(db, role):
    made = invite(db, role)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", made.token)  # 32 bytes, base64url
    row = db["candidates"].get(made.candidate_id)
    assert row["token_hash"] == hashlib.sha256(made.token.encode()).hexdigest()
    dump = "\n".join(db.conn.iterdump())
    assert made.token not in dump


def test_tokens_differ_between_invites(db, role):
    tokens = {invite(db, role, email=f"p{i}@example.test").token for i in range(20)}
    assert len(tokens) == 20


def test_link_expires_after_the_configured_days(db, role):
    made = invites.invite_candidate(
        db, role_slug=role["slug"], name="A B", email="ab@example.test", days=3
    )
    expires = datetime.fromisoformat(made.expires_at)
    assert (
        timedelta(days=3) - timedelta(seconds=5) < expires - datetime.now(UTC) <= timedelta(days=3)
    )
    assert invites.open_link(db, made.token)["id"] == made.candidate_id
    later = datetime.now(UTC) + timedelta(days=3, seconds=1)
    with pytest.raises(LinkExpired):
        invites.open_link(db, made.token, now=later)


def test_unknown_tokens_are_refused(db, role):
    invite(db, role)
    for token in ("", "x" * 43, "a" * 500):
        with pytest.raises(LinkUnknown):
            invites.open_link(db, token)


def test_reissue_voids_the_old_link_and_keeps_answers(db, role):
    old = invite(db, role)
    db["answers"].insert({"candidate_id": old.candidate_id, "item_id": "warm_01", "value": 4})
    new = invites.reissue_invite(db, old.candidate_id, days=14)
    assert new.token != old.token and new.candidate_id == old.candidate_id
    with pytest.raises(LinkUnknown):
        invites.open_link(db, old.token)
    assert invites.open_link(db, new.token)["id"] == old.candidate_id
    assert db["answers"].count == 1


def test_reissue_is_refused_after_submission(db, role):
    made = invite(db, role)
    db["candidates"].update(made.candidate_id, {"status": "completed"})
    with pytest.raises(CandidateError, match="already submitted"):
        invites.reissue_invite(db, made.candidate_id, days=14)
    assert db["candidates"].get(made.candidate_id)["token_hash"] == invites.hash_token(made.token)


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("", "a@example.test", "The name is empty."),
        ("Al", "not-an-address", "Email 'not-an-address' is not a valid address."),
        ("Al", "a@b", "Email 'a@b' is not a valid address."),
    ],
)
def test_bad_single_invites_name_the_problem(db, role, name, email, message):
    with pytest.raises(CandidateError) as caught:
        invites.invite_candidate(db, role_slug=role["slug"], name=name, email=email, days=14)
    assert caught.value.message == message
    assert db["candidates"].count == 0


def test_inviting_to_a_closed_role_or_twice_is_refused(db, role):
    invite(db, role)
    with pytest.raises(CandidateError, match="already invited"):
        invite(db, role, email="PAT@example.test")
    roles.close_role(db, role["id"])
    with pytest.raises(CandidateError, match="is closed"):
        invite(db, role, email="new@example.test")


CSV = """name,email,role
Ann One,ann@example.test,{slug}
Ben Two,ben@example.test,
Cat Three,x,{slug}

Dan Four,dan@example.test,no-such-role
Eve Five,ann@example.test,{slug}
Fay Six,fay@example.test,{slug}
"""


def test_csv_bad_rows_are_reported_by_number_and_good_rows_invited(db, role):
    batch = invites.invite_csv(
        db, CSV.format(slug=role["slug"]), days=14, default_role=role["slug"]
    )
    assert [i.name for i in batch.invited] == ["Ann One", "Ben Two", "Fay Six"]
    assert batch.problems == [
        "row 4: email 'x' is not a valid address",
        "row 6: role 'no-such-role' does not exist",
        "row 7: ann@example.test appears twice in the file",
    ]
    assert db["candidates"].count == 3


def test_csv_needs_a_header_and_a_role(db, role):
    with pytest.raises(CandidateError, match="missing: email"):
        invites.invite_csv(db, "name,mail\nA,a@example.test\n", days=14)
    batch = invites.invite_csv(db, "name,email\nA,a@example.test\n", days=14)
    assert batch.problems == ["row 2: no role given"] and not batch.invited


def test_csv_row_limit(db, role):
    text = "name,email\n" + "".join(f"P{i},p{i}@example.test\n" for i in range(6))
    with pytest.raises(CandidateError, match="at most 5"):
        invites.parse_invite_csv(text, role["slug"], max_rows=5)


# ---- web pages -------------------------------------------------------------------------


def test_invite_pages_are_for_recruiters_and_admins_only(client, auth, role):
    assert client.get("/invite/").status_code == 302  # anonymous: to sign-in
    auth.login("manager")
    assert client.get("/invite/").status_code == 403
    assert client.get("/invite/upload").status_code == 403
    auth.logout()
    auth.login("recruiter")
    assert client.get("/invite/").status_code == 200


def test_web_invite_shows_the_link_to_copy_without_smtp(client, auth, db, role):
    auth.login("recruiter")
    page = client.get(f"/invite/?role={role['slug']}").get_data(as_text=True)
    assert f'<option selected value="{role["slug"]}">' in page
    response = client.post(
        "/invite/",
        data={
            "csrf_token": csrf_token(page),
            "role": role["slug"],
            "name": "Lee Web",
            "email": "lee@example.test",
        },
    )
    html = response.get_data(as_text=True)
    link = re.search(r'value="(http://localhost/a/[A-Za-z0-9_-]{43})"', html).group(1)
    assert "send the link yourself" in html
    token = link.rsplit("/", 1)[1]
    row = db["candidates"].get(invites.open_link(db, token)["id"])
    assert row["invited_by"] is not None and row["email"] == "lee@example.test"


def test_web_invite_reports_field_errors(client, auth, role):
    auth.login("recruiter")
    page = client.get("/invite/").get_data(as_text=True)
    html = client.post(
        "/invite/",
        data={"csrf_token": csrf_token(page), "role": role["slug"], "name": "Al", "email": "nope"},
    ).get_data(as_text=True)
    assert "Email &#39;nope&#39; is not a valid address." in html
    assert 'href="#email"' in html  # error summary links to the field


def test_web_csv_upload_lists_problems_and_links(client, auth, db, role):
    auth.login("admin")
    page = client.get("/invite/upload").get_data(as_text=True)
    response = client.post(
        "/invite/upload",
        data={
            "csrf_token": csrf_token(page),
            "role": role["slug"],
            "file": (BytesIO(CSV.format(slug=role["slug"]).encode()), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "3 candidates invited" in html
    assert "row 4: email &#39;x&#39; is not a valid address" in html
    assert len(re.findall(r'value="http://localhost/a/[A-Za-z0-9_-]{43}"', html)) == 3


def test_web_invite_emails_through_smtp_and_reports_failures(app, client, auth, role):
    with SMTPSink() as sink:
        app.config.update(sink.config(), BASE_URL="http://localhost/")
        auth.login("recruiter")
        page = client.get("/invite/upload").get_data(as_text=True)
        text = f"name,email,role\nOk One,ok@example.test,{role['slug']}\nNo Two,refuse@example.test,{role['slug']}\n"
        html = client.post(
            "/invite/upload",
            data={
                "csrf_token": csrf_token(page),
                "role": "",
                "file": (BytesIO(text.encode()), "p.csv"),
            },
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        assert not sink.messages and html.count("Queued: a worker of the task queue") == 2
        run_queued_tasks(app)
    assert len(sink.messages) == 1 and sink.messages[0]["to"] == ["ok@example.test"]
    links = re.findall(r'value="(http://localhost/a/[A-Za-z0-9_-]{43})"', html)
    assert len(links) == 2 and links[0] in sink.messages[0]["data"]
    follow = re.search(r'href="(/invite/mail/[0-9a-f]+)"', html).group(1)
    page = client.get(follow).get_data(as_text=True)
    assert "Sent</td>" in page and "still on the way" not in page
    assert (
        "Not sent after 1 attempt: the mail server refused the address (550 No such mailbox)"
        in page
    )  # a permanent refusal is not tried again


def test_web_reissue_makes_a_new_link(client, auth, db, role):
    old = invite(db, role)
    auth.login("recruiter")
    token = csrf_token(client.get("/invite/").get_data(as_text=True))
    html = client.post(f"/invite/reissue/{old.candidate_id}", data={"csrf_token": token}).get_data(
        as_text=True
    )
    new_token = re.search(r"/a/([A-Za-z0-9_-]{43})", html).group(1)
    assert new_token != old.token
    with pytest.raises(LinkUnknown):
        invites.open_link(db, old.token)


# ---- CLI ---------------------------------------------------------------------------------


def test_cli_invite_prints_each_link_and_reports_bad_rows(tmp_path):
    instance = tmp_path / "inst"
    runner = CliRunner()
    assert runner.invoke(cli, ["--instance", str(instance), "roles", "add", "Agent"]).exit_code == 0
    close_all()
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        "name,email\nAnn One,ann@example.test\nBad Row,bad\nBen Two,ben@example.test\n"
    )
    result = runner.invoke(
        cli,
        [
            "--instance",
            str(instance),
            "invite",
            "--role",
            "agent",
            "--base-url",
            "https://jobs.example",
            str(csv_file),
        ],
    )
    close_all()
    assert result.exit_code == 1, result.output
    links = re.findall(r"https://jobs\.example/a/([A-Za-z0-9_-]{43})", result.output)
    assert len(links) == 2
    assert "row 3: email 'bad' is not a valid address" in result.output
    db = get_db(instance / "hiring.sqlite3")
    assert {invites.open_link(db, t)["name"] for t in links} == {"Ann One", "Ben Two"}
    close_all()


def test_cli_invite_unknown_role_rows(tmp_path):
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email,role\nAnn,ann@example.test,ghost\n")
    result = CliRunner().invoke(cli, ["--instance", str(tmp_path / "i"), "invite", str(csv_file)])
    close_all()
    assert result.exit_code == 1
    assert "row 2: role 'ghost' does not exist" in result.output


def test_cli_reissue_prints_the_new_link_and_voids_the_old_one(tmp_path):
    instance = tmp_path / "inst"
    runner = CliRunner()
    assert runner.invoke(cli, ["--instance", str(instance), "roles", "add", "Agent"]).exit_code == 0
    close_all()
    db = get_db(instance / "hiring.sqlite3")
    old = invites.invite_candidate(
        db, role_slug="agent", name="Ann One", email="ann@example.test", days=14
    )
    close_all()
    args = ["--instance", str(instance), "invite", "--base-url", "https://jobs.example"]
    result = runner.invoke(cli, [*args, "--reissue", str(old.candidate_id)])
    close_all()
    assert result.exit_code == 0, result.output
    (token,) = re.findall(r"https://jobs\.example/a/([A-Za-z0-9_-]{43})", result.output)
    assert "Ann One <ann@example.test>" in result.output and token != old.token
    db = get_db(instance / "hiring.sqlite3")
    assert invites.open_link(db, token)["id"] == old.candidate_id
    with pytest.raises(LinkUnknown):
        invites.open_link(db, old.token)
    close_all()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reissue", "999"], "No candidate with id 999"),
        ([], "Give either FILE.csv or --reissue CANDIDATE_ID"),
    ],
)
def test_cli_reissue_errors_are_one_line_and_exit_2(tmp_path, extra, message):
    result = CliRunner().invoke(cli, ["--instance", str(tmp_path / "i"), "invite", *extra])
    close_all()
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output
