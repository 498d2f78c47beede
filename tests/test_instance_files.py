"""Instance files are owner-only whatever the umask; looser ones are reported at start."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hiring.store.instance import loose_paths, permission_warning


def hiring(*args, umask=0o022, cwd=None):
    """Run ``python -m hiring`` in a child process under ``umask``."""
    return subprocess.run(
        [sys.executable, "-m", "hiring", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        preexec_fn=lambda: os.umask(umask),  # noqa: PLW1509 - the child's own umask
    )


def modes(folder):
    found = {}
    for path in [folder, *folder.rglob("*")]:
        try:  # SQLite removes its -wal and -shm files when the last connection closes
            found[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_every_file_the_app_writes_is_owner_only(tmp_path, umask):
    folder = tmp_path / "demo"
    built = hiring("demo", "--folder", str(folder), "--no-serve", umask=umask)
    assert built.returncode == 0, built.stderr
    candidate = (
        sqlite3.connect(folder / "hiring.sqlite3")
        .execute("SELECT c.id FROM candidates c JOIN results r ON r.candidate_id = c.id LIMIT 1")
        .fetchone()[0]
    )
    report = hiring(
        "--instance", str(folder), "report", str(candidate), "-o", str(tmp_path / "r.pdf"),
        umask=umask,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    written = modes(folder)
    assert any(name.startswith("models/") for name in written)
    assert any(name.startswith("reports/") for name in written)
    assert {"hiring.sqlite3", "secret_key", "demo-accounts.txt"} <= set(written)
    assert loose_paths(folder) == [], written
    assert "Warning" not in report.stderr


def test_wal_and_shm_files_follow_the_owner_only_database(app, db):
    db["probe"].insert({"x": 1})
    folder = app.instance_path
    for suffix in ("", "-wal", "-shm"):
        path = app.config["DATABASE"] + suffix
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_looser_permissions_are_warned_about_in_one_line_at_start(tmp_path):
    folder = tmp_path / "inst"
    assert hiring("--instance", str(folder), "init").returncode == 0
    os.chmod(folder / "hiring.sqlite3", 0o644)
    listed = hiring("--instance", str(folder), "users", "list")
    assert listed.returncode == 0
    assert listed.stderr.splitlines() == [
        f"Warning: hiring.sqlite3 (mode 0644) in the instance folder {folder} can be read by "
        f"other local users; make them owner-only with: chmod -R go-rwx {folder}"
    ]
    os.chmod(folder / "hiring.sqlite3", 0o600)
    assert hiring("--instance", str(folder), "users", "list").stderr == ""


def test_the_warning_counts_every_loose_path(tmp_path):
    folder = tmp_path / "inst"
    (folder / "models").mkdir(parents=True)
    os.chmod(folder, 0o700)
    for name in ("models/a.skops", "models/b.skops"):
        (folder / name).write_text("x")
        os.chmod(folder / name, 0o640)
    os.chmod(folder / "models", 0o750)
    warning = permission_warning(folder)
    assert warning.startswith("Warning: models (mode 0750) and 2 more in the instance folder")


def test_a_models_folder_made_by_the_first_calibration_is_owner_only(app, db):
    from calibration_data import calibrated_role

    instance = Path(app.config["INSTANCE_PATH"])
    assert not (instance / "models").exists()
    old = os.umask(0o022)
    try:
        calibrated_role(app, db)
    finally:
        os.umask(old)
    assert oct(stat.S_IMODE((instance / "models").stat().st_mode)) == "0o700"
    assert loose_paths(instance) == []
