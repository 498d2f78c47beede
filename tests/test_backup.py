"""`hiring backup` takes a consistent copy while candidates submit; `hiring restore` brings it back."""

import json
import stat
import threading
import time

import pytest
from calibration_data import calibrated_role
from candidate_support import Walker, answers_for, invite, make_role, questionnaire_of
from click.testing import CliRunner

from hiring import create_app
from hiring.cli import cli
from hiring.modeling.live_model import load_calibration
from hiring.store import backup as backups
from hiring.store.db import close_all, get_db


def hiring(instance, *args):
    result = CliRunner().invoke(cli, ["--instance", str(instance), *args])
    close_all()
    return result


@pytest.fixture
def source(tmp_path):
    """A running instance whose database is at the default place, as the CLI finds it."""
    app = create_app({"INSTANCE_PATH": str(tmp_path / "live"), "SECRET_KEY": "backup-key"})
    yield app
    close_all()


class Submitter(threading.Thread):
    """A candidate answering page after page; records each page the server acknowledged."""

    def __init__(self, app, token, questionnaire, answers):
        super().__init__(daemon=True)
        self.walker = Walker(app.test_client(), token)
        self.questionnaire, self.answers = questionnaire, answers
        self.acknowledged: list[tuple[float, dict[str, int]]] = []
        self.error = None

    def run(self):
        try:
            assert self.walker.open().status_code == 302
            assert self.walker.consent().status_code == 302
            for number, page in enumerate(self.questionnaire.pages, start=1):
                chosen = {i: self.answers[i] for i in page.item_ids}
                if self.walker.post_page(number, chosen).status_code == 302:
                    self.acknowledged.append((time.monotonic(), chosen))
            self.walker.finish()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            close_all()


@pytest.mark.slow
def test_a_backup_taken_while_candidates_submit_restores_every_acknowledged_answer(
    source, tmp_path
):
    db = get_db(source.config["DATABASE"])
    role = make_role(db)
    people = []
    for n in range(8):
        made = invite(db, role, name=f"Backup Person {n}", email=f"b{n}@example.test")
        questionnaire = questionnaire_of(db, made.candidate_id)
        answers = answers_for(questionnaire, lambda item, i, n=n: 1 + (i + n) % 4)
        people.append((made.candidate_id, Submitter(source, made.token, questionnaire, answers)))
    for _, person in people:
        person.start()
    while sum(len(p.acknowledged) for _, p in people) < 10:
        time.sleep(0.01)
    started = time.monotonic()
    result = hiring(source.instance_path, "backup", str(tmp_path / "copy"))
    for _, person in people:
        person.join(120)
    assert result.exit_code == 0, result.output
    assert [p.error for _, p in people] == [None] * len(people)
    restored = tmp_path / "restored"
    done = hiring(restored, "restore", str(tmp_path / "copy"))
    assert done.exit_code == 0, done.output
    copy = get_db(restored / "hiring.sqlite3")
    before = 0
    for cid, person in people:
        stored = {
            r["item_id"]: r["value"] for r in copy["answers"].rows_where("candidate_id = ?", [cid])
        }
        for at, page in person.acknowledged:
            if at < started:  # acknowledged before the backup began: must be in it
                before += 1
                assert {k: stored.get(k) for k in page} == page
    assert before >= 10
    # nothing half-applied: every submitted candidate in the copy has its result
    assert (
        copy.execute(
            "SELECT count(*) FROM candidates c LEFT JOIN results r ON r.candidate_id = c.id "
            "WHERE c.submitted_at IS NOT NULL AND r.candidate_id IS NULL"
        ).fetchone()[0]
        == 0
    )
    close_all()


def test_the_backup_is_owner_only_says_its_secrets_and_leaves_the_key_out(source, tmp_path):
    target = tmp_path / "copy"
    result = hiring(source.instance_path, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "Secrets: The database holds staff password hashes" in result.output
    assert "The secret key is NOT included" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    for path in target.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert not (target / "secret_key").exists()
    manifest = json.loads((target / "backup.json").read_text())
    assert manifest["secret_key_included"] is False
    assert manifest["cached_reports_included"] is False


def test_the_secret_key_is_copied_only_when_asked(tmp_path):
    instance = tmp_path / "keyed"
    assert hiring(instance, "init").exit_code == 0  # makes <instance>/secret_key
    result = hiring(instance, "backup", str(tmp_path / "copy"), "--include-secret-key")
    assert result.exit_code == 0, result.output
    assert "The secret key IS included" in result.output
    assert (tmp_path / "copy" / "secret_key").read_text() == (instance / "secret_key").read_text()
    assert hiring(tmp_path / "back", "restore", str(tmp_path / "copy")).exit_code == 0
    assert (tmp_path / "back" / "secret_key").read_text() == (instance / "secret_key").read_text()


@pytest.mark.slow
def test_a_restored_instance_scores_with_the_backed_up_model(source, tmp_path):
    db = get_db(source.config["DATABASE"])
    role, version = calibrated_role(source, db)
    result = hiring(source.instance_path, "backup", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    assert "and 1 model file to" in result.output
    assert hiring(tmp_path / "restored", "restore", str(tmp_path / "copy")).exit_code == 0
    copy = get_db(tmp_path / "restored" / "hiring.sqlite3")
    row = copy["model_versions"].get(version.id)
    assert load_calibration(tmp_path / "restored", row) is not None  # hash checked on load
    rescored = hiring(tmp_path / "restored", "rescore", "--role", role["slug"])
    assert rescored.exit_code == 0, rescored.output


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (
            lambda target, restored: (target / "hiring.sqlite3").write_bytes(b"damaged"),
            "hiring.sqlite3 in the backup is missing or damaged; nothing was restored.",
        ),
        (
            lambda target, restored: (target / "backup.json").unlink(),
            "is not a Frontline Fit backup",
        ),
        (
            lambda target, restored: hiring(restored, "init"),
            "already exists; restore into a new instance folder",
        ),
    ],
    ids=["damaged", "not-a-backup", "existing-database"],
)
def test_a_restore_that_cannot_be_done_says_why_in_one_line(source, tmp_path, prepare, message):
    target, restored = tmp_path / "copy", tmp_path / "restored"
    assert hiring(source.instance_path, "backup", str(target)).exit_code == 0
    prepare(target, restored)
    before = sorted(p.name for p in restored.iterdir()) if restored.exists() else []
    result = hiring(restored, "restore", str(target))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    after = sorted(p.name for p in restored.iterdir()) if restored.exists() else []
    assert after == before or after == []  # nothing half-restored


def test_a_backup_into_a_used_folder_is_refused(source, tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = hiring(source.instance_path, "backup", str(target))
    assert result.exit_code == 2
    assert "already exists; back up into a new folder" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_a_killed_backup_leaves_no_partial_folder_after_the_next(source, tmp_path):
    partial = tmp_path / f".old.abc{backups.PARTIAL_SUFFIX}"
    partial.mkdir()
    (partial / "hiring.sqlite3").write_bytes(b"half")
    assert hiring(source.instance_path, "backup", str(tmp_path / "copy")).exit_code == 0
    assert not partial.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
