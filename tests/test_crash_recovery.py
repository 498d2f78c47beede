"""A process killed halfway leaves no erased person's file and no orphan model file for good."""

import stat
from pathlib import Path

import pytest
from calibration_data import scores_csv
from candidate_records import assessed_candidate, make_role
from kill_support import KILLED, run_killed_at

from hiring import create_app
from hiring.candidates.erasure import sweep_report_files
from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion
from hiring.modeling.model_storage import sweep_model_files
from hiring.store import files
from hiring.store.db import close_all, get_db


@pytest.fixture
def instance(tmp_path):
    """An instance folder with its database at the default place, as the CLI uses it."""
    return tmp_path / "inst"


@pytest.fixture
def live(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "crash-key"})
    yield app, get_db(app.config["DATABASE"])
    close_all()


def _restart(instance: Path):
    """Start the app again on the instance, as the server or the next command would."""
    close_all()
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "crash-key"})
    return app, get_db(app.config["DATABASE"])


def _decided_candidate(app, db, name: str) -> int:
    role = make_role(db)
    cid, _ = assessed_candidate(app, db, role, name, f"{cid_slug(name)}@example.test")
    db.execute(
        "UPDATE candidates SET status = 'rejected', decided_at = '2001-01-01T00:00:00+00:00' "
        "WHERE id = ?",
        [cid],
    )
    return cid


def cid_slug(name: str) -> str:
    return name.lower().replace(" ", ".")


def _report(instance: Path, cid: int, name: str) -> Path:
    path = instance / "reports" / f"{cid}-fit-0123456789abcdef01234567.pdf"
    files.write_atomic(path, f"%PDF-1.7 report of {name}".encode())
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "command", [("purge", "--days", "30"), ("erase", "{cid}", "--yes")], ids=["purge", "erase"]
)
def test_a_kill_right_after_the_erasure_commits_leaves_no_report_once_restarted(
    live, instance, command
):
    app, db = live
    cid = _decided_candidate(app, db, "Ottoline Killswitch")
    pdf = _report(instance, cid, "Ottoline Killswitch")
    close_all()
    args = [a.format(cid=cid) for a in command]
    # killed at the first file deletion, which comes after the rows' commit
    assert run_killed_at(instance, "pathlib:Path.unlink", *args, match="reports") == KILLED
    _, db = _restart(instance)
    assert not db["candidates"].count_where("id = ?", [cid])
    assert not pdf.exists()
    assert db["pending_file_deletions"].count == 0


def test_erasure_records_its_files_in_the_transaction_and_clears_the_record(live, instance):
    from hiring.candidates.erasure import erase_candidate

    app, db = live
    cid = _decided_candidate(app, db, "Ulla Recorded")
    pdf = _report(instance, cid, "Ulla Recorded")
    seen = []
    original = files.finish_deletions

    def spy(db_, instance_):
        seen.extend(row["path"] for row in db_["pending_file_deletions"].rows)
        return original(db_, instance_)

    files_module = pytest.MonkeyPatch()
    files_module.setattr(files, "finish_deletions", spy)
    try:
        erase_candidate(db, instance, cid, actor="test")
    finally:
        files_module.undo()
    assert seen == [str(pdf.relative_to(instance))]
    assert not pdf.exists() and db["pending_file_deletions"].count == 0


def test_sweep_removes_reports_of_missing_candidates_and_abandoned_temporaries(live, instance, run):
    app, db = live
    kept = _decided_candidate(app, db, "Keira Present")
    mine = _report(instance, kept, "Keira Present")
    folder = instance / "reports"
    orphans = [folder / "999-fit-abc.pdf", folder / "candidate-998.pdf", folder / "997_fit.pdf"]
    for path in orphans:
        path.write_bytes(b"%PDF-1.7 someone erased")
    abandoned_part = folder / f"{kept}-fit-x.pdf.abcd1234.part"
    abandoned_part.write_bytes(b"half a PDF")
    unrelated = folder / "README.txt"
    unrelated.write_text("kept: not a report name")
    with files.locked_temporary(folder / f"{kept}-fit-y.pdf") as (_handle, writing):
        assert sweep_report_files(db, instance) == 4
        assert writing.exists()  # a render in progress is left alone
    assert mine.exists() and unrelated.exists() and not abandoned_part.exists()
    assert not any(p.exists() for p in orphans)


def test_the_sweep_command_counts_what_the_start_found(tmp_path):
    from click.testing import CliRunner

    from hiring.cli import cli

    instance = tmp_path / "inst"
    assert CliRunner().invoke(cli, ["--instance", str(instance), "init"]).exit_code == 0
    (instance / "reports").mkdir()
    (instance / "reports" / "41-fit-abc.pdf").write_bytes(b"%PDF orphan")
    (instance / "models").mkdir()
    (instance / "models" / "role-1-dead.skops").write_bytes(b"orphan model")
    close_all()
    result = CliRunner().invoke(cli, ["--instance", str(instance), "sweep"])
    close_all()
    assert result.exit_code == 0, result.output
    assert "removed 1 orphaned report files and 1 orphaned model files" in result.output
    assert not any((instance / "reports").iterdir()) and not any((instance / "models").iterdir())


def _role_with_incumbents(db):
    role = make_role(db, "Kill agent")
    calibration.import_incumbents(
        db, role["id"], scores_csv(120, seed=3), Criterion("high_performer"), synthetic=True
    )
    return role


def _model_files(instance: Path) -> list[str]:
    folder = instance / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.slow
def test_a_calibration_killed_before_its_commit_leaves_no_model_file_once_restarted(live, instance):
    app, db = live
    role = _role_with_incumbents(db)
    close_all()
    target = "hiring.modeling.calibration:_store_version"
    args = ("calibrate", "--role", role["slug"], "--repeats", "1")
    assert run_killed_at(instance, target, *args) == KILLED
    _, db = _restart(instance)
    assert db["model_versions"].count == 0
    assert _model_files(instance) == []


@pytest.mark.slow
def test_a_calibration_killed_after_its_commit_gets_its_file_on_restart(live, instance, run):
    app, db = live
    role = _role_with_incumbents(db)
    close_all()
    target = "hiring.modeling.calibration:publish"
    args = ("calibrate", "--role", role["slug"], "--repeats", "1")
    assert run_killed_at(instance, target, *args) == KILLED
    app, db = _restart(instance)
    [row] = db["model_versions"].rows
    assert _model_files(instance) == [row["file_name"]]
    version = calibration.activate_version(db, instance, row["id"])  # loads and checks the hash
    assert version.status == "active"


def test_a_model_file_is_written_owner_only_under_a_temporary_name(live, instance, monkeypatch):
    app, db = live
    role = _role_with_incumbents(db)
    names = []
    original = calibration._store_version

    def during_commit(db_, role_, row, actor):
        names.append(_model_files(instance))
        return original(db_, role_, row, actor)

    monkeypatch.setattr(calibration, "_store_version", during_commit)
    version = calibration.calibrate_role(db, instance, role["id"], repeats=1)
    [during] = names
    assert len(during) == 1 and during[0].endswith(".part")  # no final name before the commit
    final = instance / "models" / db["model_versions"].get(version.id)["file_name"]
    assert _model_files(instance) == [final.name]
    assert stat.S_IMODE(final.stat().st_mode) == 0o600


def test_model_sweep_leaves_a_calibration_in_progress_alone(live, instance):
    _app, db = live
    folder = instance / "models"
    folder.mkdir(exist_ok=True)
    (folder / "role-1-aaaa.skops.x1y2.part").write_bytes(b"killed mid-write")
    with files.locked_temporary(folder / "role-1-bbbb.skops") as (_handle, writing):
        done = sweep_model_files(db, instance)
        assert writing.exists()
    assert (done.removed, done.completed) == (1, 0)
    assert _model_files(instance) == []


def test_a_model_temporary_whose_hash_differs_from_its_row_is_removed(live, instance):
    _app, db = live
    role = make_role(db, "Hash check")
    db["model_versions"].insert(
        {"role_id": role["id"], "file_name": "role-1-cccc.skops", "sha256": "0" * 64,
         "status": "new", "metadata": "{}", "report": "{}"}
    )  # fmt: skip
    folder = instance / "models"
    folder.mkdir(exist_ok=True)
    (folder / "role-1-cccc.skops.q9w8.part").write_bytes(b"not what the row recorded")
    done = sweep_model_files(db, instance)
    assert (done.removed, done.completed) == (1, 0)
    assert _model_files(instance) == []


def test_a_report_batch_removes_the_half_written_pdfs_of_a_killed_batch(tmp_path):
    from hiring.reports.batch import render_batch

    out = tmp_path / "out"
    out.mkdir()
    (out / "3-fit.pdf.k1l2.part").write_bytes(b"%PDF half")
    (out / "4-fit.pdf").write_bytes(b"%PDF done")
    with files.locked_temporary(out / "5-fit.pdf") as (_handle, writing):
        render_batch([], out)  # another batch writing into the same folder keeps its file
        assert writing.exists()
    assert sorted(p.name for p in out.iterdir()) == ["4-fit.pdf"]
