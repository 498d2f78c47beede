"""Simulate plausible answers to any questionnaire and derive its synthetic norm table.

Run ``python benchmarks/simulate_norms.py questionnaires/wetco-service-v1.yaml`` to print the
norms block, or add ``--write`` to replace the block at the end of that file. The model is
stated in docs/questionnaire-format.md ("How the shipped norms were produced").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import score_matrix

NORMS_SEED = 20240601
NORMS_N = 5000
NORMS_LABEL = (
    "Synthetic reference sample: 5,000 simulated applicants (not real people), produced by "
    "benchmarks/simulate_norms.py; replace with your own incumbents' scores"
)
TRAIT_CORRELATION = 0.3  # between any two latent traits
NOISE_SD = 0.9  # item-specific noise on the latent response scale
SJT_STRENGTH = 2.0  # how strongly an average respondent prefers more effective options
THRESHOLDS = np.array([-1.9, -0.9, -0.1, 1.0])  # latent cut points between answer categories


def _latent(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    corr = np.full((k, k), TRAIT_CORRELATION) + (1 - TRAIT_CORRELATION) * np.eye(k)
    return rng.multivariate_normal(np.zeros(k), corr, size=n)


def _ordinal(latent: np.ndarray, points: int) -> np.ndarray:
    """Cut a latent response into 1..points categories (thresholds stretched to the points)."""
    cuts = np.interp(np.linspace(0, 1, points - 1), np.linspace(0, 1, len(THRESHOLDS)), THRESHOLDS)
    return 1.0 + (latent[..., None] > cuts).sum(axis=-1)


def simulate_responses(
    q: Questionnaire, n: int, seed: int = 0, careless_share: float = 0.0
) -> np.ndarray:
    """Simulate an (n, len(q.item_ids)) response matrix from a simple latent-trait model.

    Each respondent has correlated latent traits, a judgement level for the scenarios and a
    tendency to describe themselves favourably. A Likert answer is the keyed trait plus that
    tendency plus noise, cut into categories; a scenario choice favours more effective options
    more strongly the better the judgement. ``careless_share`` of respondents answer at random.
    """
    rng = np.random.default_rng(seed)
    points = q.response_scale.points
    theta = _latent(rng, n, max(len(q.scales), 1))
    judgement = 0.5 * theta.mean(axis=1) + np.sqrt(0.75) * rng.standard_normal(n)
    favourable = rng.standard_normal(n)
    scale_index = {s.id: k for k, s in enumerate(q.scales)}
    twin = {b: a for a, b in q.synonym_pairs}  # a synonym shares part of its partner's noise
    noises: dict[str, np.ndarray] = {}
    out = np.empty((n, len(q.item_ids)))
    for j, item_id in enumerate(q.item_ids):
        noise = rng.normal(0.0, NOISE_SD, n)
        if item_id in twin and twin[item_id] in noises:
            noise = 0.7 * noises[twin[item_id]] + np.sqrt(0.51) * noise
        noises[item_id] = noise
        if item_id in q.sjt_by_id:
            keys = np.array([o.effectiveness for o in q.sjt_by_id[item_id].options], float)
            spread = (keys - keys.mean()) / (keys.max() - keys.min())
            strength = SJT_STRENGTH * (1.0 + 0.6 * judgement)[:, None]
            utility = strength * spread + rng.gumbel(size=(n, len(keys)))
            out[:, j] = 1 + utility.argmax(axis=1)
            continue
        item = q.likert_by_id[item_id]
        if item.kind == "attention":
            wrong = rng.random(n) < 0.03
            out[:, j] = np.where(
                wrong, rng.integers(1, points + 1, n), rng.choice(item.expected, n)
            )
        elif item.kind == "impression":
            out[:, j] = _ordinal(item.keyed * (0.7 * favourable - 0.4) + noise, points)
        else:
            trait = theta[:, scale_index[item.scale]]  # type: ignore[index]
            out[:, j] = _ordinal(
                item.keyed * (0.8 * trait + 0.25 * favourable + 0.5) + noise, points
            )
    careless = rng.random(n) < careless_share
    for j, item_id in enumerate(q.item_ids):
        high = len(q.sjt_by_id[item_id].options) if item_id in q.sjt_by_id else points
        out[careless, j] = rng.integers(1, high + 1, careless.sum())
    return out


def simulated_norms(q: Questionnaire, n: int = NORMS_N, seed: int = NORMS_SEED) -> dict:
    """Mean, sd and n of every feature in a simulated sample, rounded as shipped."""
    table = score_matrix(q, simulate_responses(q, n, seed))
    norms = {}
    for j, feature in enumerate(q.feature_ids):
        column = table.features[:, j]
        column = column[~np.isnan(column)]
        digits = 2 if j < len(q.scales) else 1
        norms[feature] = {
            "mean": round(float(column.mean()), digits),
            "sd": round(float(column.std(ddof=1)), digits),
            "n": int(column.size),
        }
    return norms


def norms_block(q: Questionnaire) -> str:
    """The YAML text of the norms section."""
    lines = [
        "# Synthetic norms: recompute with `python benchmarks/simulate_norms.py FILE --write`.",
        f'norms_label: "{NORMS_LABEL}"',
        "norms:",
    ]
    for feature, entry in simulated_norms(q).items():
        lines.append(f"  {feature}: {{mean: {entry['mean']}, sd: {entry['sd']}, n: {entry['n']}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--write", action="store_true", help="replace the norms block in FILE")
    args = parser.parse_args(argv)
    q = load_questionnaire(args.file)
    block = norms_block(q)
    if not args.write:
        sys.stdout.write(block)
        return 0
    text = args.file.read_text(encoding="utf-8")
    marker = "# Norms are filled in"
    head = text[: text.index(marker)] if marker in text else text
    start = head.find("# Synthetic norms:")
    head = head[:start] if start >= 0 else head
    args.file.write_text(head.rstrip() + "\n\n" + block, encoding="utf-8")
    print(f"wrote the norms of {q.label} to {args.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
