"""Incumbents' voluntary self-identification: import it apart from their scores, compare groups.

The incumbent file used for calibration never carries demographic columns (they are refused
there); this separate file links ``employee_id`` to sex, race/ethnicity and optionally age band
and disability, so that standardized mean differences per scale can be checked before a model
version goes live.
"""

import json
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.accounts.audit import now_iso, record
from hiring.candidates.self_identification import SelfIdQuestions
from hiring.errors import HiringError
from hiring.fairness import (
    MIN_GROUP_SIZE,
    UNKNOWN_LABELS,
    EffectSizeTable,
    cohens_d_table,
    intersect,
)
from hiring.fairness.groups import group_labels
from hiring.roles.profiles import feature_names
from hiring.roles.services import role_questionnaire
from hiring.store.csv_input import parse_csv
from hiring.store.db import write_transaction
from hiring.store.text_input import InputFileError

COLUMNS = ("employee_id", "sex", "race_ethnicity")
OPTIONAL_COLUMNS = ("age_band", "disability")  # blank or absent: unknown
MAX_ROWS = 50_000


class IdentityFileError(HiringError):
    """The self-identification file cannot be read as given."""


def parse_identity_csv(text: str, source: str = "The file") -> list[dict[str, str]]:
    """Read ``employee_id,sex,race_ethnicity[,age_band][,disability]`` rows.

    Blank answers, and the optional columns when absent, mean "prefer not to say".

    The text is read by :func:`hiring.store.csv_input.parse_csv` (comma, semicolon or tab);
    a row with more fields than the header is refused.
    """
    try:
        table = parse_csv(text, source, max_rows=MAX_ROWS)
    except InputFileError as error:
        raise IdentityFileError(error.message) from None
    header = [name.lower() for name in table.header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise IdentityFileError(
            f"The file needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)} "
            f"({table.describe_header()})."
        )
    rows, seen = [], set()
    for row in table.rows:
        line = row.number
        if row.too_long:
            raise IdentityFileError(
                f"Line {line}: has {row.fields} fields, the header has {len(header)}."
            )
        raw = dict(zip(header, row.cells, strict=True))
        employee = raw["employee_id"].strip()
        if not employee:
            raise IdentityFileError(f"Line {line}: employee_id is empty.")
        if employee in seen:
            raise IdentityFileError(f"Line {line}: employee_id {employee!r} appears twice.")
        seen.add(employee)
        answers = {c: (raw.get(c) or "").strip()[:80] for c in COLUMNS[1:] + OPTIONAL_COLUMNS}
        rows.append({"employee_id": employee, **answers})
    return rows


def import_identity(db: Database, role_id: int, rows: list[dict[str, str]], *, actor: str) -> int:
    """Store (replace) the self-identification of a role's incumbents; return how many."""
    stamp = now_iso()
    with write_transaction(db):
        db["incumbent_self_identification"].upsert_all(
            [{"role_id": role_id, **row, "recorded_at": stamp} for row in rows],
            pk=("role_id", "employee_id"),
        )
        record(db, actor, "incumbents.self_id_import", "role", role_id, rows=len(rows))
    return len(rows)


def _feature_values(raw: str | None, feature_ids: tuple[str, ...]) -> list[float]:
    """Read an incumbent's stored features (a JSON object by id, or a list in feature order)."""
    data: Any = json.loads(raw) if raw else {}
    if isinstance(data, list):
        data = dict(zip(feature_ids, data, strict=False))
    values = []
    for fid in feature_ids:
        value = data.get(fid) if isinstance(data, dict) else None
        values.append(math.nan if value is None else float(value))
    return values


def incumbent_effect_sizes(
    db: Database,
    role: dict,
    questions: SelfIdQuestions,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    unknown_labels: Iterable[str] = UNKNOWN_LABELS,
    suppress_below: int = 0,
) -> dict[str, EffectSizeTable]:
    """Cohen's d per feature for each characteristic asked that incumbents disclosed.

    Empty when no incumbent of the role has self-identification on file; a characteristic
    no incumbent answered (such as one the import file had no column for) has no table.
    """
    rows = list(
        db.query(
            "SELECT i.features, s.* FROM incumbents i "
            "JOIN incumbent_self_identification s "
            "ON s.role_id = i.role_id AND s.employee_id = i.employee_id "
            "WHERE i.role_id = ? ORDER BY i.id",
            [role["id"]],
        )
    )
    if not rows:
        return {}
    feature_ids = tuple(role_questionnaire(role).feature_ids)
    matrix = np.array([_feature_values(r["features"], feature_ids) for r in rows], dtype=float)
    unknown = frozenset(unknown_labels)
    columns = {q: [r.get(q) for r in rows] for q in questions.ids}
    if "sex" in columns and "race_ethnicity" in columns:
        columns["intersection"] = intersect(
            columns["sex"], columns["race_ethnicity"], unknown_labels=unknown
        )
    disclosed = {
        name: labels for name, labels in columns.items() if any(group_labels(labels, unknown))
    }
    return {
        name: cohens_d_table(
            labels,
            matrix,
            feature_ids,
            min_group_size=min_group_size,
            unknown_labels=unknown,
            suppress_below=suppress_below,
            feature_names=feature_names(role),
        )  # fmt: skip
        for name, labels in disclosed.items()
    }
