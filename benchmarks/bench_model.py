"""Benchmark the fit model against the oracle and a unit-weighted sum score.

For n = 300 and n = 2,000 synthetic incumbents (feature-level: the truth is a function of the
features the model sees, so the gap to the oracle is estimation loss, not measurement error),
fit :func:`hiring.modeling.model.calibrate`, then score a fresh held-out sample of 20,000 people:

* held-out AUC as a ratio to the oracle's AUC (the true probability) on the same people
  (target >= 0.95 at n = 2,000);
* held-out ECE (target <= 0.05);
* the same for a unit-weighted sum of z-scored features (what a spreadsheet user would do),
  turned into probabilities by a one-feature logistic fit on the same incumbents; the model
  must match it (AUC ratio at most .01 below) or beat it.

Each figure is the mean over three training samples. Exit status 1 when a target is missed.
Run: ``python benchmarks/bench_model.py`` (about 15 seconds on two cores).
"""

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents  # noqa: E402
from hiring.modeling.model import calibrate  # noqa: E402
from hiring.modeling.validation import expected_calibration_error, roc_auc  # noqa: E402

HELD_OUT = 20_000
SIZES = (300, 2000)
SEEDS = (1, 2, 3)


def unit_weighted(train_x, train_y, test_x):
    """Sum of z-scores (incumbent means/SDs), calibrated with a one-feature logistic fit."""
    mean, sd = train_x.mean(axis=0), train_x.std(axis=0)
    fit = LogisticRegression().fit(((train_x - mean) / sd).sum(axis=1, keepdims=True), train_y)
    return fit.predict_proba(((test_x - mean) / sd).sum(axis=1, keepdims=True))[:, 1]


def run(n, seed, test):
    """Return (model AUC ratio, model ECE, sum AUC ratio, sum ECE, seconds) for one sample."""
    train = simulate_incumbents(n, random_state=seed)
    start = time.perf_counter()
    calibration = calibrate(train.features, train.y, FEATURE_IDS, random_state=seed)
    seconds = time.perf_counter() - start
    oracle = roc_auc(test.y, test.p_true)
    model_p = calibration.predict(test.features)
    sum_p = unit_weighted(train.features, train.y, test.features)
    return (
        roc_auc(test.y, model_p) / oracle,
        expected_calibration_error(test.y, model_p)[0],
        roc_auc(test.y, sum_p) / oracle,
        expected_calibration_error(test.y, sum_p)[0],
        seconds,
    )


def main():
    test = simulate_incumbents(HELD_OUT, random_state=999)
    print(f"held-out people: {HELD_OUT}, oracle AUC {roc_auc(test.y, test.p_true):.3f}")
    print(f"{'n':>6} {'model AUC/oracle':>17} {'model ECE':>10} {'sum AUC/oracle':>15} "
          f"{'sum ECE':>8} {'model/sum AUC':>14} {'calibrate s':>12}")  # fmt: skip
    failures = []
    for n in SIZES:
        rows = np.array([run(n, seed, test) for seed in SEEDS])
        m_ratio, m_ece, s_ratio, s_ece, seconds = rows.mean(axis=0)
        print(f"{n:>6} {m_ratio:>17.3f} {m_ece:>10.3f} {s_ratio:>15.3f} {s_ece:>8.3f} "
              f"{m_ratio / s_ratio:>14.3f} {seconds:>12.2f}")  # fmt: skip
        if n >= 2000 and m_ratio < 0.95:
            failures.append(f"n={n}: AUC ratio {m_ratio:.3f} < 0.95")
        if n >= 2000 and m_ece > 0.05:
            failures.append(f"n={n}: ECE {m_ece:.3f} > 0.05")
        if m_ratio < s_ratio - 0.01:
            failures.append(f"n={n}: model AUC below the sum score's")
    print(f"(means over seeds {SEEDS})")
    print("targets met" if not failures else "TARGETS MISSED: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
