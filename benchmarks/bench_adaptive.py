"""The adaptive short form against the full form, on respondents simulated from the item bank.

Run:  python benchmarks/bench_adaptive.py [--calibration 1500] [--respondents 500] [--seed 1]
          [--target-se 0.4] [--min-items 2] [--max-items 0]

Calibrates the WETCO questionnaire's item bank (graded response model, ``fit_grm``) on a
synthetic sample from ``demo/synthetic.py``, then simulates new respondents from the
calibrated parameters (θ ~ N(0, 1) per scale) and scores each one twice: the full form (EAP
from every statement of the scale) and the CAT (``next_items`` until it stops, EAP from the
statements asked). The full form is the baseline measured in the same run: every figure is
printed beside the full form's and as a ratio to it. Targets (issue #16): at most 60% of the
statements, r >= .95 with full-form θ, marginal reliability within .03 of the full form's.
"""

import argparse
from pathlib import Path

import numpy as np

from hiring.assessment.cat import CatSettings, ItemBank, next_items
from hiring.assessment.irt import category_probabilities, eap
from hiring.assessment.item_banks import calibrate_questionnaire
from hiring.assessment.questionnaires import load_questionnaire
from hiring.demo.synthetic import simulate_responses

WETCO = Path(__file__).resolve().parents[1] / "questionnaires" / "wetco-service-v1.yaml"


def marginal_reliability(theta_hat: np.ndarray, se: np.ndarray) -> float:
    """1 - mean error variance / variance of the estimates plus error (EAP's usual form)."""
    error = np.mean(se**2)
    return float(1 - error / (np.var(theta_hat) + error))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibration", type=int, default=1500)
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-se", type=float, default=CatSettings().target_se)
    parser.add_argument("--min-items", type=int, default=CatSettings().min_items_per_scale)
    parser.add_argument("--max-items", type=int, default=0, help="0: no maximum per scale")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    q = load_questionnaire(WETCO)
    latent = rng.standard_normal((args.calibration, len(q.feature_ids)))
    fit = calibrate_questionnaire(q, simulate_responses(q, latent, random_state=rng))
    bank = ItemBank(1, q.content_hash, fit.items)
    settings = CatSettings(
        target_se=args.target_se,
        min_items_per_scale=args.min_items,
        max_items_per_scale=args.max_items or None,
    )
    scales = list(bank.by_scale())
    n = args.respondents
    true = rng.standard_normal((n, len(scales)))
    full, full_se, cat, cat_se = (np.zeros((n, len(scales))) for _ in range(4))
    used, exposure = np.zeros(n), dict.fromkeys((i.id for i in bank.items), 0)
    for person in range(n):
        answers = {}
        for s, scale in enumerate(scales):
            for item in bank.by_scale()[scale]:
                p = category_probabilities(item, np.array([true[person, s]]))[0]
                answers[item.id] = int(rng.choice(item.categories, p=p))
        asked: dict[str, int] = {}
        while page := next_items(bank, asked, settings, seed=person):
            asked |= {i: answers[i] for i in page}
        used[person] = len(asked) / len(bank.items)
        for item_id in asked:
            exposure[item_id] += 1
        for s, scale in enumerate(scales):
            items = bank.by_scale()[scale]
            full[person, s], full_se[person, s] = eap(items, [answers[i.id] for i in items])
            mine = [i for i in items if i.id in asked]
            cat[person, s], cat_se[person, s] = eap(mine, [asked[i.id] for i in mine])
    r_full = np.mean([np.corrcoef(cat[:, s], full[:, s])[0, 1] for s in range(len(scales))])
    r_true_cat = np.mean([np.corrcoef(cat[:, s], true[:, s])[0, 1] for s in range(len(scales))])
    r_true_full = np.mean([np.corrcoef(full[:, s], true[:, s])[0, 1] for s in range(len(scales))])
    rel_cat = np.mean([marginal_reliability(cat[:, s], cat_se[:, s]) for s in range(len(scales))])
    rel_full = np.mean(
        [marginal_reliability(full[:, s], full_se[:, s]) for s in range(len(scales))]
    )
    top = max(exposure.values()) / n
    print(
        f"item bank: {len(bank.items)} statements in {len(scales)} scales, calibrated on "
        f"{args.calibration} synthetic respondents; {n} simulated respondents"
    )
    print(
        f"stopping rule: target SE {settings.target_se}, at least "
        f"{settings.min_items_per_scale} per scale, at most "
        f"{settings.max_items_per_scale or 'all'}; randomesque {settings.randomesque}"
    )
    print(f"{'figure':<44}{'CAT':>8}{'full form':>11}{'ratio':>8}")
    rows = [
        ("mean share of statements used", used.mean(), 1.0),
        ("r with full-form θ (mean over scales)", r_full, 1.0),
        ("r with true θ (mean over scales)", r_true_cat, r_true_full),
        ("marginal reliability (mean over scales)", rel_cat, rel_full),
        ("exposure rate of the most-used statement", top, 1.0),
    ]
    for label, mine, base in rows:
        print(f"{label:<44}{mine:>8.3f}{base:>11.3f}{mine / base:>8.3f}")
    print(f"reliability difference (full - CAT): {rel_full - rel_cat:.3f}")
    verdict = used.mean() <= 0.60 and r_full >= 0.95 and rel_full - rel_cat <= 0.03
    print(
        "targets (<= 60% used, r >= .95, reliability within .03):", "met" if verdict else "NOT met"
    )


if __name__ == "__main__":
    main()
