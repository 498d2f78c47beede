"""Erasing a candidate leaves no trace in the database or the instance folder."""

import json
from pathlib import Path

import pytest
from candidate_records import assessed_candidate, make_role
from candidate_support import CSRF_RE

from hiring.accounts import audit
from hiring.candidates.erasure import ErasureError, candidate_tables, erase_candidate
from hiring.store.migrations import AUDIT_REDACTION
from hiring.workspace import decisions

NAME, EMAIL = "Zephyrine Quixotella", "zq.erase-me@example.test"
OTHER_NAME, OTHER_EMAIL = "Bartholomew Keepington", "bk.stays@example.test"
SELF_ID = {"sex": "Woman", "race_ethnicity": "Asian", "age_band": "25 to 39", "disability": "No"}


@pytest.fixture
def two_candidates(app, db, staff):
    """One candidate to erase and one bystander, both through the whole journey."""
    role = make_role(db)
    gone, token = assessed_candidate(app, db, role, NAME, EMAIL, self_id=SELF_ID, seed=1)
    kept, _ = assessed_candidate(app, db, role, OTHER_NAME, OTHER_EMAIL, self_id=SELF_ID, seed=2)
    recruiter = staff["recruiter"]
    for cid in (gone, kept):
        decisions.change_status(
            db, cid, "shortlisted", user_id=recruiter.id, actor="recruiter", reason="strong SJT"
        )
        decisions.add_note(
            db, cid, f"Call {db['candidates'].get(cid)['name']} on Monday", user_id=1, actor="r"
        )
    decisions.change_status(
        db, gone, "rejected", user_id=recruiter.id, actor="recruiter", reason="Zephyrine withdrew"
    )
    # an export filtered by a search for the name puts the name in an audit row's detail
    audit.record(db, "recruiter", "candidates.export", "role", role["id"], search="Zephyrine")
    reports = Path(app.config["INSTANCE_PATH"]) / "reports"
    reports.mkdir(exist_ok=True)
    for cid, name in ((gone, NAME), (kept, OTHER_NAME)):
        (reports / f"{cid}-fit.pdf").write_bytes(f"%PDF-1.7 fit report of {name}".encode())
    return {"role": role, "gone": gone, "kept": kept, "token": token}


def _traces(db, name: str, email: str) -> list[str]:
    """Name every table and column where the person's name or e-mail still shows."""
    needles = [*(part.lower() for part in name.split()), email.lower()]
    found = []
    for table in db.table_names():
        for row in db.query(f"SELECT * FROM [{table}]"):
            for column, value in row.items():
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                if any(n in text.lower() for n in needles):
                    found.append(f"{table}.{column}")
    return found


def _file_traces(instance: Path, values: list[str]) -> list[str]:
    found = []
    for path in instance.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            found += [f"{path.name}: {v}" for v in values if v.lower().encode() in data]
    return found


def test_erasure_removes_every_row_and_file_and_keeps_the_bystander(app, db, two_candidates):
    gone, kept = two_candidates["gone"], two_candidates["kept"]
    hashes = {
        "token": db["candidates"].get(gone)["token_hash"],
        "input": db["results"].get(gone)["input_hash"],
    }
    assert _traces(db, NAME, EMAIL)  # the scan does find a person who is there

    erasure = erase_candidate(db, app.config["INSTANCE_PATH"], gone, actor="admin")

    assert erasure.files == 1
    assert {"answers", "results", "status_history", "notes", "self_identification"} <= set(
        erasure.rows
    )
    assert _traces(db, NAME, EMAIL) == []
    for table, column in candidate_tables(db):
        assert db[table].count_where(f"[{column}] = ?", [gone]) == 0, table
    assert not db["candidates"].count_where("id = ?", [gone])
    instance = Path(app.config["INSTANCE_PATH"])
    secrets_left = [NAME.split()[0], NAME.split()[1], EMAIL, *hashes.values()]
    assert _file_traces(instance, secrets_left) == []
    # the bystander is untouched, and the scans can see them
    assert _traces(db, OTHER_NAME, OTHER_EMAIL)
    assert _file_traces(instance, [OTHER_NAME.split()[0]])
    assert db["answers"].count_where("candidate_id = ?", [kept]) > 0


def test_search_index_forgets_the_erased_name(app, db, two_candidates):
    erase_candidate(db, app.config["INSTANCE_PATH"], two_candidates["gone"], actor="admin")
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab('main', 'candidates_fts', 'row')")
    terms = {row["term"] for row in db.query("SELECT term FROM temp.vocab")}
    assert "zephyrine" not in terms and "quixotella" not in terms
    assert "bartholomew" in terms
    hits = db.query("SELECT rowid FROM candidates_fts WHERE candidates_fts MATCH 'zephyrine'")
    assert list(hits) == []


def test_audit_log_keeps_only_that_an_erasure_happened(app, db, two_candidates):
    gone = two_candidates["gone"]
    before = list(
        db["audit_log"].rows_where("target_type = 'candidate' AND target_id = ?", [str(gone)])
    )
    erase_candidate(db, app.config["INSTANCE_PATH"], gone, actor="admin", reason="request")
    after = list(
        db["audit_log"].rows_where("target_type = 'candidate' AND target_id = ?", [str(gone)])
    )
    assert [(r["id"], r["at"], r["action"]) for r in after[:-1]] == [
        (r["id"], r["at"], r["action"]) for r in before
    ]
    assert all(r["detail"] in ("{}", AUDIT_REDACTION) for r in after[:-1])
    assert any(r["detail"] == AUDIT_REDACTION for r in after)
    last = after[-1]
    assert (last["action"], last["actor"]) == ("candidate.erase", "admin")
    detail = json.loads(last["detail"])
    assert detail["rows"]["answers"] > 0 and detail["files"] == 1
    search_row = next(db["audit_log"].rows_where("action = 'candidates.export'"))
    assert search_row["detail"] == AUDIT_REDACTION


def test_erasing_an_unknown_candidate_says_so(app, db):
    with pytest.raises(ErasureError, match="No candidate with id 999"):
        erase_candidate(db, app.config["INSTANCE_PATH"], 999, actor="admin")


def test_erasure_keeps_the_ranked_list_counts_in_step(app, db, two_candidates):
    role_id = two_candidates["role"]["id"]
    erase_candidate(db, app.config["INSTANCE_PATH"], two_candidates["gone"], actor="admin")
    counted = db.execute(
        "SELECT coalesce(sum(n), 0) FROM candidate_counts WHERE role_id = ?", [role_id]
    ).fetchone()[0]
    assert counted == db["candidates"].count_where("role_id = ?", [role_id]) == 1


def test_report_files_of_other_candidates_with_similar_ids_stay(app, db, two_candidates):
    reports = Path(app.config["INSTANCE_PATH"]) / "reports"
    gone = two_candidates["gone"]
    lookalike = reports / f"{gone}0-fit.pdf"
    lookalike.write_bytes(b"%PDF another person")
    erase_candidate(db, app.config["INSTANCE_PATH"], gone, actor="admin")
    assert lookalike.exists()
    assert not (reports / f"{gone}-fit.pdf").exists()


def test_admin_erases_through_a_confirmed_post(client, auth, db, two_candidates):
    gone = two_candidates["gone"]
    auth.login("admin")
    found = client.get(f"/admin/erasure/?candidate={gone}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/admin/erasure/{gone}")
    page = client.get(f"/admin/erasure/{gone}").get_data(as_text=True)
    assert NAME in page and EMAIL in page
    token = CSRF_RE.search(page).group(1)
    wrong = client.post(
        f"/admin/erasure/{gone}",
        data={"csrf_token": token, "confirm_id": gone + 1, "understood": "y"},
    )
    assert f"Type {gone} to confirm" in wrong.get_data(as_text=True)
    unticked = client.post(f"/admin/erasure/{gone}", data={"csrf_token": token, "confirm_id": gone})
    assert "Tick the box" in unticked.get_data(as_text=True)
    assert db["candidates"].count_where("id = ?", [gone]) == 1
    done = client.post(
        f"/admin/erasure/{gone}",
        data={"csrf_token": token, "confirm_id": gone, "understood": "y"},
        follow_redirects=True,
    )
    assert f"Erased candidate {gone}" in done.get_data(as_text=True)
    assert db["candidates"].count_where("id = ?", [gone]) == 0
    erased = next(db["audit_log"].rows_where("action = 'candidate.erase'"))
    assert erased["actor"] == "admin"
    assert client.get(f"/admin/erasure/{gone}").status_code == 404


def test_erasure_needs_an_admin_and_a_csrf_token(client, auth, db, two_candidates):
    gone = two_candidates["gone"]
    auth.login("recruiter")
    assert client.get(f"/admin/erasure/{gone}").status_code == 403
    assert client.post(f"/admin/erasure/{gone}", data={"confirm_id": gone}).status_code in (
        400,
        403,
    )
    auth.logout()
    auth.login("admin")
    no_token = client.post(f"/admin/erasure/{gone}", data={"confirm_id": gone, "understood": "y"})
    assert no_token.status_code == 400
    assert db["candidates"].count_where("id = ?", [gone]) == 1


def test_tables_added_later_are_covered_with_their_own_dependants(app, db, two_candidates):
    gone, kept = two_candidates["gone"], two_candidates["kept"]
    db["cached_reports"].create(
        {"id": int, "candidate_id": int, "file_name": str},
        pk="id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["cached_report_pages"].create(
        {"id": int, "report_id": int, "body": str},
        pk="id",
        foreign_keys=[("report_id", "cached_reports", "id")],
    )
    db["loose_notes"].create({"id": int, "candidate_id": int, "body": str}, pk="id")
    folder = Path(app.config["INSTANCE_PATH"]) / "reports" / "cache"
    folder.mkdir(parents=True)
    for cid in (gone, kept):
        (folder / f"abc{cid}.pdf").write_bytes(b"%PDF")
        report = db["cached_reports"].insert(
            {"candidate_id": cid, "file_name": f"cache/abc{cid}.pdf"}
        )
        db["cached_report_pages"].insert({"report_id": report.last_pk, "body": f"page of {cid}"})
        db["loose_notes"].insert({"candidate_id": cid, "body": "x"})
    erasure = erase_candidate(db, app.config["INSTANCE_PATH"], gone, actor="admin")
    assert erasure.rows["cached_report_pages"] == 1 and erasure.rows["loose_notes"] == 1
    assert erasure.files == 2  # the named cache file and <id>-fit.pdf
    assert not (folder / f"abc{gone}.pdf").exists() and (folder / f"abc{kept}.pdf").exists()
    assert [r["body"] for r in db["cached_report_pages"].rows] == [f"page of {kept}"]
    assert db["loose_notes"].count == 1


@pytest.fixture
def busy_reader(app, db, monkeypatch):
    """Another connection in the middle of a read, which keeps the write-ahead log busy."""
    import sqlite3

    from hiring.candidates import erasure

    monkeypatch.setattr(erasure, "CHECKPOINT_PAUSE", 0.0)
    db.execute("PRAGMA busy_timeout = 10")  # each try gives up at once instead of waiting
    reader = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM candidates").fetchone()
    yield reader
    reader.close()


def test_a_busy_write_ahead_log_is_reported_not_raised(
    app, db, two_candidates, busy_reader, caplog
):
    from hiring.candidates.erasure import WAL_BUSY, checkpoint_wal

    gone = two_candidates["gone"]
    done = erase_candidate(db, app.config["INSTANCE_PATH"], gone, actor="admin")
    assert not db["candidates"].count_where("id = ?", [gone])  # erased all the same
    assert done.wal_checkpointed is False
    assert WAL_BUSY in caplog.text
    busy_reader.rollback()
    assert checkpoint_wal(db)  # once the reader is done, the log empties
    assert Path(app.config["DATABASE"] + "-wal").stat().st_size == 0


def test_the_checkpoint_is_retried_while_busy(monkeypatch):
    from hiring.candidates import erasure

    answers = iter([(1, 5, 3), (1, 5, 4), (0, 0, 0)])

    class Connection:
        """Answers "busy" twice, then succeeds; records every statement."""

        def __init__(self):
            self.sql = []

        def execute(self, sql):
            self.sql.append(sql)
            row = next(answers) if "wal_checkpoint" in sql else (10_000,)
            return type("Cursor", (), {"fetchone": lambda _self: row})()

    monkeypatch.setattr(erasure, "CHECKPOINT_PAUSE", 0.0)
    connection = Connection()
    assert erasure.checkpoint_wal(connection) is True
    assert connection.sql.count("PRAGMA wal_checkpoint(TRUNCATE)") == 3
    assert connection.sql[1] == f"PRAGMA busy_timeout = {erasure.CHECKPOINT_WAIT_MS}"
    assert connection.sql[-1] == "PRAGMA busy_timeout = 10000"  # the connection's own again


def test_admin_is_told_when_the_log_stays_busy(client, auth, db, two_candidates, busy_reader):
    gone = two_candidates["gone"]
    auth.login("admin")
    page = client.get(f"/admin/erasure/{gone}").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post(
        f"/admin/erasure/{gone}",
        data={"csrf_token": token, "confirm_id": str(gone), "understood": "y"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Erased candidate" in text and "write-ahead log was not emptied" in text
