"""Fairness of an incumbent study's participation, and of readiness reads, by self-identified group.

Participation: of the study's employees whose self-identification is on record for the role
(given in the study, or imported with ``hiring fairness import-self-id``), the share in each
group who sent their answers. Readiness: of those employees, the share whose readiness for a
next role was looked at. Both use the selection tables and the small-cell rule
(``HIRING_FAIRNESS_MIN_CELL``) of the Fairness page; employees without self-identification
are counted as unknown, never guessed.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from hiring.fairness.impact import ImpactTable, selection_table

CHARACTERISTICS = {
    "sex": "Sex",
    "race_ethnicity": "Race or ethnicity",
    "age_band": "Age band",
    "disability": "Disability",
}


@dataclass(frozen=True)
class Participation:
    """One table per characteristic: who took part, and whose readiness was read."""

    invited: int
    with_self_id: int
    taking_part: dict[str, ImpactTable]
    readiness: dict[str, ImpactTable]


def _rows(db: Database, study_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT p.status, e.employee_id, s.sex, s.race_ethnicity, s.age_band, s.disability, "
            "EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'employee.readiness' "
            "  AND a.target_type = 'employee' AND a.target_id = CAST(e.id AS TEXT)) AS readiness "
            "FROM study_participants p JOIN employees e ON e.id = p.employee_pk "
            "LEFT JOIN incumbent_self_identification s ON s.role_id = p.role_id "
            "AND s.employee_id = e.employee_id WHERE p.study_id = ?",
            [study_id],
        )
    )


def study_participation(db: Database, study_id: int, min_cell: int) -> Participation:
    """Tabulate participation and readiness reads of a study by group, small cells held back."""
    rows = _rows(db, study_id)
    took_part = [row["status"] == "completed" for row in rows]
    read = [bool(row["readiness"]) for row in rows]
    tables: dict[str, dict[str, ImpactTable]] = {"part": {}, "ready": {}}
    for column, name in CHARACTERISTICS.items():
        labels = [row[column] for row in rows]
        if not any(labels):
            continue
        tables["part"][name] = selection_table(labels, took_part, suppress_below=min_cell)
        if any(read):
            tables["ready"][name] = selection_table(labels, read, suppress_below=min_cell)
    with_self_id = sum(1 for row in rows if any(row[c] for c in CHARACTERISTICS))
    return Participation(len(rows), with_self_id, tables["part"], tables["ready"])
