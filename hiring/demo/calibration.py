"""Demo step: synthetic incumbents for the demo role, a calibrated active model, fits re-scored.

The incumbents go through the real CSV import (item answers, a yes/no outcome) and the real
calibration, so the Validity page shows what an organisation's own data would produce.
"""

import csv
import io

import numpy as np

from hiring.demo.candidates import DEMO_ROLE
from hiring.demo.synthetic import simulate_incumbents
from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion
from hiring.roles import services as roles
from hiring.store.plurals import plural

INCUMBENTS = 300
REPEATS = 2  # cross-validation repeats: enough for the demo, and keeps it to a few seconds
# The synthetic traits' true validity: out-of-fold AUC about .69, typical of good composites,
# whose evidence at 300 incumbents is not weak (at .40 the Brier skill interval reaches 0).
VALIDITY = 0.5
OVERRIDE = "Synthetic demo data: activated so the demo shows a model's output."


def incumbent_csv(questionnaire, sample) -> str:
    """Write a synthetic sample as an incumbent CSV with item answers and KPI columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_id", *questionnaire.item_ids, "high_performer", "csat"])
    for i, person in enumerate(sample.ids):
        answers = ["" if np.isnan(v) else int(v) for v in sample.responses[i]]
        outcome = "yes" if sample.high_performer[i] else "no"
        writer.writerow([person, *answers, outcome, f"{sample.kpi[i]:.1f}"])
    return out.getvalue()


def add_demo_calibration(ctx) -> None:
    """Import synthetic incumbents, calibrate and activate a model, re-score the candidates."""
    db, instance = ctx.db, ctx.app.instance_path
    role = next((r for r in roles.list_roles(db) if r["title"] == DEMO_ROLE), None)
    if role is None:
        return
    questionnaire = roles.role_questionnaire(role)
    sample = simulate_incumbents(
        INCUMBENTS, questionnaire=questionnaire, validity=VALIDITY, random_state=7
    )
    calibration.import_incumbents(
        db, role["id"], incumbent_csv(questionnaire, sample), Criterion("high_performer"),
        filename="demo-incumbents.csv", actor="demo", synthetic=True,
    )  # fmt: skip
    version = calibration.calibrate_role(db, instance, role["id"], actor="demo", repeats=REPEATS)
    weak = bool(version.weak_evidence)  # never with these settings; said plainly if it were
    calibration.activate_version(
        db, instance, version.id, actor="demo", override_reason=OVERRIDE if weak else None
    )
    rescored = calibration.rescore_role(db, instance, role["id"], actor="demo")
    report = version.report
    ctx.lines.append(
        f"Validity: {plural(report.n, 'synthetic incumbent')} imported; model “{version.label}” "
        f"calibrated (out-of-fold AUC {report.auc:.2f}, 95% CI {report.auc_ci[0]:.2f} to "
        f"{report.auc_ci[1]:.2f}) and activated{' despite weak evidence' if weak else ''}; "
        f"{plural(rescored.n, 'candidate')} re-scored with it. "
        "See Validity in the admin menu."
    )
