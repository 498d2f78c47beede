"""Find the shipped data folders both in a checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = (
    Path(__file__).resolve().parent.parent
)  # hiring/, this file being hiring/store/paths.py
DATA_FOLDERS = ("questionnaires", "profiles", "templates", "docs")
MODELS_FOLDER = "models"  # <instance>/models: the model files of calibrated versions


def models_dir(instance_path: str | Path) -> Path:
    """Return the folder of an instance's model files."""
    return Path(instance_path) / MODELS_FOLDER


def data_dir(name: str) -> Path:
    """Return the folder holding shipped ``questionnaires``, ``profiles``, ``templates`` or ``docs``.

    A wheel carries them inside the package (``hiring/_data``); a checkout keeps them
    beside the package, which is also what an editable install points at.
    """
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}")
    bundled = PACKAGE_DIR / "_data" / name
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / name


def static_dir() -> Path:
    """Return the folder of the web app's stylesheet, script and icons."""
    return PACKAGE_DIR / "web" / "static"
