"""Test data for calibration tests: synthetic incumbent CSVs and a role with a calibrated model."""

import csv
import io

from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion
from hiring.roles import services as roles


def scores_csv(n=120, *, seed=1, validity=0.7, extra=None) -> str:
    """Synthetic incumbents as a score CSV; ``extra`` maps a column name to a value per row."""
    sample = simulate_incumbents(n, validity=validity, random_state=seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_id", *FEATURE_IDS, "high_performer", "csat", *(extra or {})])
    for i, person in enumerate(sample.ids):
        scales = [f"{v:.2f}" for v in sample.features[i]]
        outcome = "yes" if sample.high_performer[i] else "no"
        writer.writerow(
            [
                person,
                *scales,
                outcome,
                f"{sample.kpi[i]:.1f}",
                *(f(i) for f in (extra or {}).values()),
            ]
        )
    return out.getvalue()


def make_role(db, title="Phone agent"):
    """Open a role on the shipped questionnaire and profile."""
    return roles.create_role(db, title=title, location="Leeds", actor="test")


def calibrated_role(app, db, *, n=120, seed=1, validity=0.7, activate=True, override=None):
    """A role with imported synthetic incumbents and one calibrated (and active) version.

    The defaults give evidence that is not weak; ``override`` is the reason to activate a
    version whose evidence is weak.
    """
    role = make_role(db)
    calibration.import_incumbents(
        db, role["id"], scores_csv(n, seed=seed, validity=validity), Criterion("high_performer"),
        actor="test", synthetic=True,
    )  # fmt: skip
    instance = app.config["INSTANCE_PATH"]
    version = calibration.calibrate_role(db, instance, role["id"], actor="test", repeats=1)
    if activate:
        version = calibration.activate_version(
            db, instance, version.id, actor="test", override_reason=override
        )
    return roles.get_role(db, role["id"]), version
