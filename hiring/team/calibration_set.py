"""A study's KPIs, and the calibration set made from its answers and KPIs.

KPIs are imported per study, keyed by employee id, with the incumbent file's rules. The
calibration set is an incumbents import built from the study (its row marked with the
study), through the same checks as an uploaded incumbent file; calibrating then runs as it
always does (``hiring calibrate`` or the Validity page). Employees without a value in the
chosen KPI are left out and counted; nothing is filled in.
"""

import csv
import io
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from hiring.accounts import audit
from hiring.modeling.calibration import ImportResult, import_incumbents
from hiring.modeling.incumbents import Criterion
from hiring.modeling.model import InsufficientDataError, check_sample
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction
from hiring.store.plurals import plural
from hiring.team.kpis import KPI_COLUMNS, KpiFileError, parse_kpis
from hiring.team.studies import StudyError, get_study


@dataclass(frozen=True)
class KpiImport:
    """What a KPI import stored."""

    n: int
    columns: tuple[str, ...]
    notices: tuple[str, ...]
    replaced: int


def import_kpis(db: Database, study_id: int, text: str, *, filename: str, actor: str) -> KpiImport:
    """Replace a study's KPIs with a file's; raise ``KpiFileError`` naming every problem.

    Every employee id must be one of the study's employees; nothing is stored otherwise.
    """
    study = get_study(db, study_id)
    data = parse_kpis(text, filename)
    members = {
        row["employee_id"]: row["id"]
        for row in db.query(
            "SELECT e.employee_id, e.id FROM employees e JOIN study_participants p "
            "ON p.employee_pk = e.id WHERE p.study_id = ?",
            [study_id],
        )
    }
    unknown = [
        f"{filename}: line {row.line} (employee_id {row.employee_id}): column employee_id: "
        f"not an employee of study {study_id}"
        for row in data.rows
        if row.employee_id not in members
    ]
    if unknown:
        raise KpiFileError(unknown)
    now = audit.now_iso()
    with write_transaction(db):
        replaced = db["employee_kpis"].count_where("study_id = ?", [study_id])
        db.execute("DELETE FROM employee_kpis WHERE study_id = ?", [study_id])
        db["employee_kpis"].insert_all(
            {"study_id": study_id, "employee_pk": members[row.employee_id], **row.values,
             "file_name": filename, "imported_at": now, "imported_by": actor}
            for row in data.rows
        )  # fmt: skip
        audit.record(db, actor, "study.kpis", "study", study["id"], file=filename,
                     rows=len(data.rows), columns=list(data.columns), replaced=replaced)  # fmt: skip
    return KpiImport(len(data.rows), data.columns, data.notices, replaced)


def criterion_for(column: str, rule: str = "top_share", threshold=None, share=None) -> Criterion:
    """Return the success criterion on one KPI; handle time counts lower as better."""
    if column not in KPI_COLUMNS:
        raise StudyError(f"{column!r} is not a KPI; choose one of {', '.join(KPI_COLUMNS)}.")
    if rule == "binary":
        raise StudyError("A KPI is a number: choose the threshold or the top-share rule.")
    criterion = Criterion(column, rule, threshold, share, not KPI_COLUMNS[column][1])
    criterion.check()
    return criterion


def _collected(db: Database, study_id: int, column: str) -> tuple[list[dict], int]:
    """Completed employees with their answers and KPI value; and how many lack the value."""
    rows = list(
        db.query(
            "SELECT p.id, e.employee_id, k.csat, k.qa, k.handle_time, k.rating, k.tenure "
            "FROM study_participants p JOIN employees e ON e.id = p.employee_pk "
            "LEFT JOIN employee_kpis k ON k.study_id = p.study_id AND k.employee_pk = p.employee_pk "
            "WHERE p.study_id = ? AND p.status = 'completed' ORDER BY e.employee_id",
            [study_id],
        )
    )
    kept = [row for row in rows if row[column] is not None]
    return kept, len(rows) - len(kept)


def sample_check(db: Database, study_id: int, criterion: Criterion) -> tuple[str | None, list[str]]:
    """Say why the study's set is too small to calibrate on (None: it is not), and any warnings.

    The rules are the fit model's own (:func:`hiring.modeling.model.check_sample`).
    """
    from hiring.modeling.incumbents import _success

    kept, _missing = _collected(db, study_id, criterion.column)
    values = np.array([row[criterion.column] for row in kept], dtype=float)
    outcome = _success(values, criterion) if values.size else values.astype(int)
    try:
        return None, check_sample(outcome)
    except InsufficientDataError as error:
        return error.message, []


def build_calibration_set(
    db: Database, study_id: int, criterion: Criterion, *, actor: str
) -> tuple[ImportResult, int]:
    """Replace the role's incumbents with the study's answers and KPI; return it and the left-out count.

    Raises ``IncumbentFileError`` (every problem named) as an uploaded file would.
    """
    study = get_study(db, study_id)
    role = get_role(db, study["role_id"])
    questionnaire = role_questionnaire(role)
    kept, missing = _collected(db, study_id, criterion.column)
    if not kept:
        raise StudyError(
            f"No employee of study {study_id} has both sent answers and a {criterion.column} value yet."
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    items = list(questionnaire.item_ids)
    writer.writerow(["employee_id", *items, criterion.column])
    for row in kept:
        answers = {
            a["item_id"]: a["value"]
            for a in db["study_answers"].rows_where("participant_id = ?", [row["id"]])
        }
        writer.writerow(
            [
                row["employee_id"],
                *(answers.get(i, "") for i in items),
                f"{float(row[criterion.column]):.6f}",
            ]
        )
    name = f"study {study_id}, round {study['round']}"
    result = import_incumbents(
        db, role["id"], buffer.getvalue(), criterion, filename=name, actor=actor,
        synthetic=bool(study["synthetic"]), study_id=study_id,
    )  # fmt: skip
    if missing:
        note = (f"{plural(missing, 'employee')} who sent answers but have no {criterion.column} "
                "value were left out; nothing was filled in for them.")  # fmt: skip
        result = ImportResult(**{**result.__dict__, "notices": (*result.notices, note)})
    return result, missing
