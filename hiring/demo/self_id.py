"""Demo step: synthetic self-identification for the demo's synthetic candidates and incumbents.

Only rows marked ``synthetic`` get any, so real people's data is never invented; the
Fairness page then has groups to compare and says how many candidates are synthetic.
"""

import random

from hiring.accounts.audit import now_iso
from hiring.store.db import write_transaction
from hiring.store.plurals import plural

SEXES = (("Woman", 46), ("Man", 44), ("Non-binary", 2), ("Prefer not to say", 8))
RACES = (
    ("White", 50),
    ("Black or African American", 16),
    ("Hispanic or Latino", 14),
    ("Asian", 10),
    ("Two or more groups", 3),
    ("Prefer not to say", 7),
)
AGE_BANDS = (
    ("Under 25", 30),
    ("25 to 39", 38),
    ("40 to 54", 18),
    ("55 or over", 6),
    ("Prefer not to say", 8),
)
DISABILITY = (("Yes", 9), ("No", 81), ("Prefer not to say", 10))


def _pick(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    labels, weights = zip(*options, strict=True)
    return rng.choices(labels, weights=weights)[0]


def add_synthetic_self_identification(ctx) -> None:
    """Give synthetic demo candidates who finished, and incumbents, a synthetic self-identification."""
    rng = random.Random(20240611)  # noqa: S311 (demo data, not security)
    db, stamp = ctx.db, now_iso()
    candidates = db.query(
        "SELECT c.id FROM candidates c LEFT JOIN self_identification s ON s.candidate_id = c.id "
        "WHERE c.synthetic = 1 AND s.candidate_id IS NULL "
        "AND c.status NOT IN ('invited', 'started') ORDER BY c.id"  # the form comes at the end
    )
    rows = [
        {
            "candidate_id": row["id"],
            "sex": _pick(rng, SEXES),
            "race_ethnicity": _pick(rng, RACES),
            "age_band": _pick(rng, AGE_BANDS),
            "disability": _pick(rng, DISABILITY),
            "recorded_at": stamp,
        }
        for row in candidates
    ]
    incumbents = db.query(
        "SELECT role_id, employee_id FROM incumbents WHERE synthetic = 1 ORDER BY id"
    )
    staff = [
        {**row, "sex": _pick(rng, SEXES), "race_ethnicity": _pick(rng, RACES), "recorded_at": stamp}
        for row in incumbents
    ]
    with write_transaction(db):
        db["self_identification"].insert_all(rows, pk="candidate_id")
        db["incumbent_self_identification"].upsert_all(staff, pk=("role_id", "employee_id"))
    ctx.lines.append(
        "Fairness: synthetic self-identification (clearly synthetic demo data) for "
        f"{plural(len(rows), 'candidate')} and {plural(len(staff), 'incumbent')}; "
        "see Fairness in the admin menu."
    )
