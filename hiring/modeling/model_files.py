"""Save and load fitted models safely (skops, explicit allowlist, SHA-256) and describe them.

Models are never pickled: :func:`save_model` writes a skops file and returns its SHA-256;
:func:`load_model` refuses a file whose hash differs, whose scikit-learn version differs from
the installed one, or which holds any type outside :data:`TRUSTED_TYPES` (skops' own safe
defaults plus these few, never ``trusted=True``).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from hiring.errors import HiringError

# skops, scikit-learn and SciPy are imported by the functions that need them, so that the
# processes that never load a model (the CLI's light commands) start without them.

TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.model_selection._split.StratifiedKFold",
]


class ModelFileError(HiringError):
    """A model file is missing, altered, unsafe or from another scikit-learn version."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(estimator: Any, path: str | Path) -> str:
    """Write ``estimator`` to ``path`` with skops and return the file's SHA-256 (hex)."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner-only, whatever the umask
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        sio.dump(estimator, handle)
    return _sha256(path)


def _saved_sklearn_versions(path: Path) -> set[str]:
    """Read every ``_sklearn_version`` recorded in the skops schema, without loading objects."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            version = node.get("_sklearn_version")
            if isinstance(version, dict) and "content" in version:
                found.add(str(json.loads(version["content"])))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def load_model(path: str | Path, sha256: str) -> Any:
    """Load a model saved by :func:`save_model` after checking hash, version and types."""
    import sklearn
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"Model file {path.name} is missing.")
    if _sha256(path) != sha256:
        raise ModelFileError(f"Model file {path.name} has changed since it was saved; refit it.")
    try:
        versions = _saved_sklearn_versions(path)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ModelFileError(f"Model file {path.name} is not a skops file.") from error
    if versions != {sklearn.__version__}:
        raise ModelFileError(
            f"Model file {path.name} was saved with scikit-learn {', '.join(sorted(versions))} "
            f"but {sklearn.__version__} is installed; recalibrate the model."
        )
    unexpected = sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelFileError(
            f"Model file {path.name} holds unexpected types: {', '.join(unexpected)}."
        )
    return sio.load(path, trusted=TRUSTED_TYPES)


def data_hash(x: np.ndarray, y: np.ndarray, ids: Any = ()) -> str:
    """Return a SHA-256 identifying the training data (features, outcome, ids)."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(np.asarray(x, dtype=float)).tobytes())
    digest.update(np.ascontiguousarray(np.asarray(y, dtype=float)).tobytes())
    digest.update("\n".join(map(str, ids)).encode())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Return the versions that determine whether a saved model can be reused."""
    import scipy
    import sklearn
    import skops

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
    }


def model_metadata(
    calibration: Any,
    *,
    questionnaire: Any = None,
    data_sha256: str = "",
    model_sha256: str = "",
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """Return the JSON-able record of one model version (what, when, on which data)."""
    report = calibration.report
    return {
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "n": report.n,
        "n_positive": report.n_positive,
        "base_rate": report.base_rate,
        "method": report.method,
        "calibration_method": report.calibration_method,
        "feature_ids": list(calibration.feature_ids),
        "metrics": {
            "auc": report.auc,
            "auc_ci": list(report.auc_ci),
            "brier": report.brier,
            "brier_skill": report.brier_skill,
            "ece": report.ece,
            "calibration_slope": report.calibration_slope,
            "validity": report.validity,
            "evidence_sufficient": report.evidence_sufficient,
        },
        "questionnaire": None
        if questionnaire is None
        else {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
        },
        "data_sha256": data_sha256,
        "model_sha256": model_sha256,
        "libraries": library_versions(),
    }
