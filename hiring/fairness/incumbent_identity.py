"""Incumbents' voluntary self-identification: import it apart from their scores, compare groups.

The incumbent file used for calibration never carries demographic columns (they are refused
there); this separate file links ``employee_id`` to sex and race/ethnicity so that standardized
mean differences per scale can be checked before a model version goes live.
"""

import json
import math
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.accounts.audit import now_iso, record
from hiring.errors import HiringError
from hiring.fairness import MIN_GROUP_SIZE, EffectSizeTable, cohens_d_table, intersect
from hiring.roles.services import role_questionnaire
from hiring.store.csv_input import parse_csv
from hiring.store.db import write_transaction
from hiring.store.text_input import InputFileError

COLUMNS = ("employee_id", "sex", "race_ethnicity")
MAX_ROWS = 50_000


class IdentityFileError(HiringError):
    """The self-identification file cannot be read as given."""


def parse_identity_csv(text: str, source: str = "The file") -> list[dict[str, str]]:
    """Read ``employee_id,sex,race_ethnicity`` rows; blank answers mean "prefer not to say".

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
        rows.append(
            {
                "employee_id": employee,
                "sex": raw["sex"].strip()[:80],
                "race_ethnicity": raw["race_ethnicity"].strip()[:80],
            }
        )
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
    db: Database, role: dict, *, min_group_size: int = MIN_GROUP_SIZE
) -> dict[str, EffectSizeTable]:
    """Cohen's d per feature by sex, race/ethnicity and both, for incumbents who self-identified.

    Empty when no incumbent of the role has self-identification on file.
    """
    rows = list(
        db.query(
            "SELECT i.features, s.sex, s.race_ethnicity FROM incumbents i "
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
    sex = [r["sex"] for r in rows]
    race = [r["race_ethnicity"] for r in rows]
    groups = {"sex": sex, "race_ethnicity": race, "intersection": intersect(sex, race)}
    return {
        name: cohens_d_table(labels, matrix, feature_ids, min_group_size=min_group_size)
        for name, labels in groups.items()
    }
