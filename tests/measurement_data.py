"""Test data for measurement and fairness-of-prediction tests: applicants' answers, incumbents."""

import json

import numpy as np
from calibration_data import scores_csv
from candidate_records import insert_candidate

from benchmarks.simulate_norms import simulate_responses
from hiring.fairness.incumbent_identity import import_identity, parse_identity_csv
from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion
from hiring.roles.services import role_questionnaire


def insert_applicants(db, role, n, *, seed=0, dif_item=None, shift=-2):
    """Scored applicants with simulated answers, half women, half men (self-identified).

    ``dif_item`` gets answers ``shift`` points lower (clipped to the scale) for the women:
    uniform DIF planted in one item.
    """
    q = role_questionnaire(role)
    responses = simulate_responses(q, n, seed=seed)
    column = {item_id: j for j, item_id in enumerate(q.item_ids)}
    answers = []
    for i in range(n):
        sex = "Woman" if i % 2 else "Man"
        if dif_item is not None and sex == "Woman":
            top = q.response_scale.points
            responses[i, column[dif_item]] = np.clip(responses[i, column[dif_item]] + shift, 1, top)
        candidate_id = insert_candidate(db, role["id"], sex=sex, race="White", name=f"A{i}")
        db["results"].insert({"candidate_id": candidate_id, "scores": "{}"})
        answers += [
            {"candidate_id": candidate_id, "item_id": item_id, "value": int(responses[i, j])}
            for item_id, j in column.items()
            if np.isfinite(responses[i, j])
        ]
    db["answers"].insert_all(answers)
    return responses


def incumbents_with_identity(db, role, n=200, *, seed=1, validity=0.5):
    """Import synthetic incumbents and their self-identification (alternately F and M)."""
    calibration.import_incumbents(
        db, role["id"], scores_csv(n, seed=seed, validity=validity),
        Criterion("high_performer"), actor="test", synthetic=True,
    )  # fmt: skip
    ids = [row["employee_id"] for row in db["incumbents"].rows_where("role_id = ?", [role["id"]])]
    lines = ["employee_id,sex,race_ethnicity"] + [
        f"{e},{'F' if k % 2 else 'M'}," for k, e in enumerate(ids)
    ]
    import_identity(db, role["id"], parse_identity_csv("\n".join(lines)), actor="test")
    return ids


def incumbent_outcomes(db, role):
    """Each incumbent's id and outcome, as stored."""
    rows = db["incumbents"].rows_where("role_id = ?", [role["id"]], order_by="id")
    return {row["employee_id"]: (row["outcome"], json.loads(row["features"])) for row in rows}
