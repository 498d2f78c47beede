"""Keep rendered candidate reports under ``<instance>/reports/``, keyed by all they depend on.

A report is stored as ``{candidate_id}-{variant}-{key}.pdf``, the naming that
``hiring.candidates.erasure`` recognises as the candidate's. The key hashes the report content (less
its date), the stored record's state (status, scoring, model version), the page size and a
fingerprint of the report templates, stylesheets and chart code, so any change to one of
them gives a fresh render; the candidate's older files of that variant are then removed.
Files are written to a temporary name and renamed, so a reader never sees half a PDF.
"""

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlite_utils import Database

from hiring.candidates.erasure import REPORTS_DIR
from hiring.reports import ReportData, render_report
from hiring.reports.candidate_reports import CandidateReport, build_report
from hiring.store.paths import data_dir
from hiring.workspace.candidate_view import CandidateDetail

KEY_CHARS = 24
REPORTS_PACKAGE = Path(__file__).resolve().parent
# Code whose output ends up in the PDF, besides the templates and the bundled assets.
RENDER_CODE = ("charts.py", "render.py", "pdf.py")
_fingerprints: dict[tuple, str] = {}


@dataclass(frozen=True)
class CachedReport:
    """A report's PDF, where it is kept, and whether it was already there."""

    path: Path
    pdf: bytes
    hit: bool


def _design_files() -> list[Path]:
    templates = sorted((data_dir("templates") / "reports").rglob("*"))
    assets = sorted((REPORTS_PACKAGE / "assets").rglob("*"))
    return [p for p in (*templates, *assets) if p.is_file()] + [
        REPORTS_PACKAGE / name for name in RENDER_CODE
    ]


def design_fingerprint() -> str:
    """Hash the report templates, stylesheets, chart code and WeasyPrint's version.

    Re-hashed only when a file's size or modification time changes.
    """
    files = _design_files()
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if signature not in _fingerprints:
        from importlib.metadata import version

        digest = hashlib.sha256(f"weasyprint {version('weasyprint')}\n".encode())
        for path in files:
            digest.update(f"{path.name}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        _fingerprints.clear()
        _fingerprints[signature] = digest.hexdigest()
    return _fingerprints[signature]


def content_json(data: ReportData) -> str:
    """Return the report content as canonical JSON, less the date it was generated on."""
    content = asdict(data)
    content.pop("generated_on")
    return json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))


def report_key(report: CandidateReport) -> str:
    """Return the cache key of one report: a hash of everything its PDF depends on."""
    material = json.dumps(
        {
            "variant": report.variant,
            "page_size": report.data.page_size,
            "content": content_json(report.data),
            "state": report.state,
            "design": design_fingerprint(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:KEY_CHARS]


def write_atomic(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # mkstemp files are 0600
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_stale(folder: Path, report: CandidateReport, keep: Path) -> None:
    for path in folder.glob(f"{report.candidate_id}-{report.variant}-*.pdf"):
        if path != keep:
            path.unlink(missing_ok=True)


def cached_report(
    db: Database,
    instance: str | Path,
    detail: CandidateDetail,
    variant: str,
    *,
    page_size: str = "A4",
    render: Callable[[ReportData, str], bytes] | None = None,
) -> CachedReport:
    """Return the candidate's report PDF from the cache, rendering and storing it when needed.

    ``detail`` comes from ``candidate_detail`` (or a face's permission-checked version of it).
    ``render`` defaults to ``render_report`` (the time-limited renderer). Raises
    ``ReportUnavailable`` before scoring and ``ReportError`` when rendering fails.
    """
    report = build_report(db, detail, variant, page_size=page_size)
    folder = Path(instance) / REPORTS_DIR
    path = folder / f"{report.candidate_id}-{variant}-{report_key(report)}.pdf"
    try:
        return CachedReport(path, path.read_bytes(), hit=True)
    except FileNotFoundError:
        pass
    pdf = (render or render_report)(report.data, variant)
    write_atomic(path, pdf)
    _remove_stale(folder, report, path)
    return CachedReport(path, pdf, hit=False)
