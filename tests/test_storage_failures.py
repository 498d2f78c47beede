"""A full or read-only disk: refused at start in one line, and while serving a plain page.

Root ignores file permissions, so a read-only instance is made for real with a read-only
bind mount inside a private mount namespace (``unshare -rm``), which root cannot write
through either; where that is not allowed the test is skipped with the reason. A full disk is
injected as the ``sqlite3.OperationalError("database or disk is full")`` SQLite raises, and a
read-only database also for real, with SQLite's ``PRAGMA query_only``.
"""

import errno
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from hiring.candidates import journey
from hiring.store.db import get_db
from hiring.store.instance import storage_problem
from hiring.web import errors
from tests.candidate_support import (
    SHOWN_RE,
    Walker,
    answers_for,
    invite,
    make_role,
    questionnaire_of,
)

FULL = sqlite3.OperationalError("database or disk is full")


# --- the plain words for each failure -------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (FULL, "the disk is full"),
        (
            sqlite3.OperationalError("attempt to write a readonly database"),
            "the database is read-only",
        ),
        (sqlite3.OperationalError("disk I/O error"), "the disk reported an input/output error"),
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "the disk is full"),
        (OSError(errno.EROFS, "Read-only file system"), "the disk is read-only"),
        (OSError(errno.EACCES, "Permission denied"), "permission denied"),
        (sqlite3.OperationalError("no such table: x"), None),
        (OSError(errno.ENOENT, "No such file"), None),
        (ValueError("disk is full"), None),
    ],
)
def test_storage_problems_are_named_in_plain_words(error, words):
    assert storage_problem(error) == words


# --- at start --------------------------------------------------------------------------------


def test_a_full_disk_at_start_is_one_line_and_exit_2(run, monkeypatch):
    assert run("init").exit_code == 0

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)  # the start-up write check syncs its probe file
    result = run("users", "list")
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: The instance folder ")
    assert "cannot be written (the disk is full)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def _unshare_works() -> str | None:
    if not shutil.which("unshare"):
        return "no unshare command"
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return None if probe.returncode == 0 else f"unshare -rm is not allowed: {probe.stderr!r}"


needs_namespaces = pytest.mark.skipif(_unshare_works() is not None, reason=str(_unshare_works()))


def read_only(target, *args):
    """Run ``python -m hiring ARGS`` with ``target`` bound read-only (a private mount)."""
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    return subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            script,
            "sh",
            str(target),
            sys.executable,
            "-m",
            "hiring",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_namespaces
@pytest.mark.parametrize("command", [["users", "list"], ["serve", "--port", "0"]])
def test_a_read_only_instance_folder_is_refused_in_one_line(run, tmp_path, command):
    assert run("init").exit_code == 0
    folder = tmp_path / "inst"
    if command[0] == "serve":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            command = ["serve", "--port", str(probe.getsockname()[1])]
    done = read_only(folder, "--instance", str(folder), *command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"Error: The instance folder {folder} cannot be written (the disk is read-only); "
        "free some space or make it writable, then start again."
    )
    assert done.stdout == ""


@needs_namespaces
def test_a_read_only_database_file_is_refused_in_one_line(run, tmp_path):
    assert run("init").exit_code == 0
    folder = tmp_path / "inst"
    database = folder / "hiring.sqlite3"
    done = read_only(database, "--instance", str(folder), "db", "upgrade")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().startswith(f"Error: The database {database} cannot be written (")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


# --- while serving ---------------------------------------------------------------------------


class CheckedRadios(HTMLParser):
    """Collect the radio buttons a page shows as chosen."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.checked: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "radio" and "checked" in values:
            self.checked[values["name"]] = values["value"]


@pytest.fixture
def candidate(client, db):
    made = invite(db, make_role(db))
    walker = Walker(client, made.token)
    assert walker.open().status_code == 302
    assert walker.consent().status_code == 302
    q = questionnaire_of(db, made.candidate_id)
    return walker, q, made.candidate_id


@pytest.fixture
def full_disk(monkeypatch):
    """Make every save of a questionnaire page fail as SQLite does on a full disk."""

    def refuse(*args, **kwargs):
        raise FULL

    monkeypatch.setattr(journey, "save_page", refuse)


def _first_page_answers(q):
    return {item: 1 + i % 4 for i, item in enumerate(q.pages[0].item_ids)}


def test_a_full_disk_keeps_the_candidates_answers_on_the_page(candidate, db, full_disk, caplog):
    walker, q, candidate_id = candidate
    chosen = _first_page_answers(q)
    response = walker.post_page(1, chosen)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your answers on this page were not saved" in html
    assert "wait a minute, then press Next again" in html
    assert CheckedRadios(html).checked == {f"a_{k}": str(v) for k, v in chosen.items()}
    assert SHOWN_RE.search(html)  # a fresh page stamp: the form can be sent again as it is
    assert journey.saved_answers(db, candidate_id) == {}
    assert "Traceback" not in caplog.text


def test_the_same_form_sent_again_after_the_disk_recovers_is_saved(candidate, db, monkeypatch):
    walker, q, candidate_id = candidate
    chosen = _first_page_answers(q)
    real = journey.save_page
    monkeypatch.setattr(journey, "save_page", lambda *a, **k: (_ for _ in ()).throw(FULL))
    assert walker.post_page(1, chosen).status_code == 503
    monkeypatch.setattr(journey, "save_page", real)
    response = walker.post_page(1, chosen)
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/2")
    assert journey.saved_answers(db, candidate_id) == chosen


def test_a_read_only_database_is_shown_the_same_way(candidate, app, db):
    walker, q, candidate_id = candidate
    get_db(app.config["DATABASE"]).execute("PRAGMA query_only = ON")  # SQLite refuses writes
    try:
        response = walker.post_page(1, _first_page_answers(q))
    finally:
        get_db(app.config["DATABASE"]).execute("PRAGMA query_only = OFF")
    assert response.status_code == 503
    assert "Your answers on this page were not saved" in response.get_data(as_text=True)
    assert journey.saved_answers(db, candidate_id) == {}


def test_autosave_on_a_full_disk_answers_503(candidate, full_disk):
    walker, q, _ = candidate
    walker.get("/assessment/page/1")
    data = {
        "csrf_token": walker.csrf,
        **{f"a_{k}": str(v) for k, v in _first_page_answers(q).items()},
    }
    assert walker.client.post("/assessment/page/1/autosave", data=data).status_code == 503


def test_consent_on_a_full_disk_is_asked_again(client, db, monkeypatch):
    made = invite(db, make_role(db))
    walker = Walker(client, made.token)
    walker.open()
    monkeypatch.setattr(journey, "give_consent", lambda *a, **k: (_ for _ in ()).throw(FULL))
    response = walker.consent()
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Your consent was not saved" in html and "Start the assessment" in html
    assert db["candidates"].get(made.candidate_id)["status"] == "invited"


def test_sending_on_a_full_disk_keeps_the_choices_and_submits_nothing(candidate, db, monkeypatch):
    walker, q, candidate_id = candidate
    walker.answer_pages(q, answers_for(q))
    import hiring.web.candidate as candidate_views

    monkeypatch.setattr(
        candidate_views, "submit_assessment", lambda *a, **k: (_ for _ in ()).throw(FULL)
    )
    from hiring.candidates.self_identification import default_self_id

    sex = default_self_id().choices("sex")[0]
    response = walker.finish({"sex": sex})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your assessment was not sent" in html
    assert CheckedRadios(html).checked["sex"] == sex
    assert db["candidates"].get(candidate_id)["status"] == "started"


def test_staff_see_a_plain_error_page(auth, client, db, monkeypatch):
    from hiring.workspace import decisions
    from tests.candidate_records import insert_candidate

    role = make_role(db)
    candidate_id = insert_candidate(db, role["id"])
    auth.login("recruiter")
    page = client.get(f"/candidates/{candidate_id}").get_data(as_text=True)
    from page_support import csrf_token

    monkeypatch.setattr(decisions, "add_note", lambda *a, **k: (_ for _ in ()).throw(FULL))
    response = client.post(
        f"/candidates/{candidate_id}/notes", data={"csrf_token": csrf_token(page), "body": "Hi"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your change was not saved" in html and "try again in a few minutes" in html.lower()
    assert "OperationalError" not in html


def test_the_log_gets_one_line_per_minute_not_a_traceback_per_request(
    candidate, full_disk, caplog, monkeypatch
):
    walker, q, _ = candidate
    clock = [1000.0]
    monkeypatch.setattr(errors.time, "monotonic", lambda: clock[0])
    caplog.set_level(logging.INFO, logger="hiring")
    chosen = _first_page_answers(q)
    for _ in range(20):
        assert walker.post_page(1, chosen).status_code == 503
    lines = [r for r in caplog.records if r.name == "hiring" and r.levelno >= logging.ERROR]
    assert len(lines) == 1
    assert lines[0].exc_info is None and "\n" not in lines[0].getMessage()
    assert "the disk is full" in lines[0].getMessage()
    assert "POST candidate.page" in lines[0].getMessage()
    clock[0] += errors.STORAGE_LOG_SECONDS
    walker.post_page(1, chosen)
    lines = [r for r in caplog.records if r.name == "hiring" and r.levelno >= logging.ERROR]
    assert len(lines) == 2
    assert lines[1].getMessage().endswith("; 19 more since the last line")
