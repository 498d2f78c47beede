"""Sweep the models folder: finish a killed calibration's rename, remove files no version owns.

``calibrate_role`` writes a model under a locked temporary name, commits its version row and
only then renames the file (``hiring.store.files``). A calibration killed before its commit
leaves an unlocked temporary file that no row names: it is removed. One killed between the
commit and the rename leaves a temporary file whose final name a row does name, with the
hash recorded there: it is renamed into place. A file under a final name that no row names
(left by a version of the app before this order of steps) is removed too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from hiring.store.files import abandoned, final_path, is_temporary, publish
from hiring.store.paths import models_dir

MODEL_SUFFIX = ".skops"


@dataclass(frozen=True)
class ModelSweep:
    """What a sweep of the models folder did."""

    removed: int = 0
    completed: int = 0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sweep_model_files(db: Database, instance_path: str | Path) -> ModelSweep:
    """Finish interrupted renames and remove orphaned model files; say what was done."""
    folder = models_dir(instance_path)
    if not folder.is_dir():
        return ModelSweep()
    found = sorted(p for p in folder.iterdir() if p.is_file())
    rows = {
        row["file_name"]: row["sha256"]
        for row in db.query("SELECT file_name, sha256 FROM model_versions")
    }
    removed = completed = 0
    for path in found:
        if is_temporary(path):
            target = final_path(path)
            with abandoned(path) as orphan:
                if not orphan:
                    continue  # a calibration is writing it right now
                if (
                    target.name in rows
                    and not target.exists()
                    and _sha256(path) == rows[target.name]
                ):
                    publish(path, target)
                    completed += 1
                else:
                    path.unlink(missing_ok=True)
                    removed += 1
        elif path.name.endswith(MODEL_SUFFIX) and path.name not in rows:
            path.unlink(missing_ok=True)
            removed += 1
    return ModelSweep(removed, completed)
