"""Review a role's Likert items for DIF on its applicants' answers, per self-identified group.

Each group is compared with everyone else who answered the same question (unknown and
"prefer not to say" answers are left out), within each scale, on the applicants who answered
every item of that scale. Groups smaller than the small-cell rules allow, or than the method
needs, are named as not tested. Flagged items are listed for people to review; the scoring
never changes here.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.assessment.scoring import keyed_trait_items, trait_item_ids
from hiring.candidates.self_identification import SelfIdQuestions, default_self_id
from hiring.fairness.dif import MIN_DIF_GROUP, ItemDif, item_dif
from hiring.fairness.groups import group_label
from hiring.fairness.impact import MIN_GROUP_SIZE, MIN_SHARE
from hiring.fairness.monitoring import MIN_CELL, characteristics, group_columns, unknown_labels
from hiring.modeling.measurement import applicant_responses
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.plurals import plural


@dataclass
class GroupDif:
    """One characteristic's groups: the ones tested and why the others were not."""

    characteristic: str
    name: str
    tested: list[str] = field(default_factory=list)
    not_tested: dict[str, str] = field(default_factory=dict)  # group -> reason (counts only)
    rows: list[ItemDif] = field(default_factory=list)


@dataclass
class DifReview:
    """Every DIF test of a role, by characteristic, and the flagged items."""

    role: dict
    applicants: int
    items: int
    characteristics: list[GroupDif]

    @property
    def flagged(self) -> list[ItemDif]:
        """The item-group pairs to review, largest effect first."""
        rows = [r for c in self.characteristics for r in c.rows if r.flagged]
        return sorted(rows, key=lambda r: -r.delta_r2)

    def to_dict(self) -> dict[str, Any]:
        """Return the ``dif`` part of the validation summary's ``fairness`` object."""
        return {
            "applicants": self.applicants,
            "items": self.items,
            "characteristics": [
                {
                    "characteristic": c.characteristic,
                    "name": c.name,
                    "tested": c.tested,
                    "not_tested": c.not_tested,
                    "tests": [r.to_dict() for r in c.rows],
                }  # fmt: skip
                for c in self.characteristics
            ],
            "flagged": [r.to_dict() for r in self.flagged],
        }


def _reason(n: int, rest: int, total: int, smallest: int) -> str | None:
    if n < smallest:
        return f"fewer than {plural(smallest, 'person')}"
    if n / total < MIN_SHARE:
        return f"under {MIN_SHARE:.0%} of those who answered"
    if rest < MIN_DIF_GROUP:
        return f"fewer than {plural(MIN_DIF_GROUP, 'person')} in everyone else"
    return None


def _characteristic(
    name: str, title: str, labels: list[str | None], keyed: np.ndarray, scales: list, smallest: int
) -> GroupDif:
    known = np.array([label is not None for label in labels])
    result = GroupDif(name, title)
    counts: dict[str, int] = {}
    for label in labels:
        if label is not None:
            counts[label] = counts.get(label, 0) + 1
    total = int(known.sum())
    for label in sorted(counts):
        reason = _reason(counts[label], total - counts[label], total, smallest)
        if reason is not None:
            result.not_tested[label] = reason
            continue
        result.tested.append(label)
        in_group = np.array([value == label for value in labels])
        for ids, cols in scales:
            block = keyed[:, cols]
            use = known & ~np.isnan(block).any(axis=1)
            total_score = block[use].sum(axis=1)
            for j, item_id in enumerate(ids):
                answers = block[use, j].astype(int)
                if np.unique(answers).size > 1:  # an item everyone answered alike tells nothing
                    result.rows.append(
                        item_dif(answers, total_score, in_group[use], item_id, label)
                    )
    return result


def dif_review(
    db: Database,
    role_id: int,
    *,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> DifReview:
    """Test every trait item of the role for DIF per group of every characteristic asked.

    A group is tested when it has at least ``max(min_cell, MIN_GROUP_SIZE, MIN_DIF_GROUP)``
    people, at least ``MIN_SHARE`` of those who answered, and the rest has ``MIN_DIF_GROUP``.
    """
    role = get_role(db, role_id)
    q = role_questionnaire(role)
    questions = questions or default_self_id()
    ids, responses = applicant_responses(db, role_id, q)
    unknown = unknown_labels(questions)
    people = _identities(db, ids)
    columns = group_columns(people, questions)
    keyed = keyed_trait_items(q, responses) if ids else np.empty((0, 0))
    trait_ids = trait_item_ids(q)
    scales = []
    for scale in q.scales:
        cols = [j for j, i in enumerate(trait_ids) if q.likert_by_id[i].scale == scale.id]
        scales.append(([trait_ids[j] for j in cols], cols))
    smallest = max(min_cell, MIN_GROUP_SIZE, MIN_DIF_GROUP)
    names = characteristics(questions)
    tables = [
        _characteristic(
            name, names[name], [group_label(v, unknown) for v in labels], keyed, scales, smallest
        )
        for name, labels in columns.items()
    ] if ids else []  # fmt: skip
    return DifReview(role, len(ids), len(trait_ids), tables)


def _identities(db: Database, candidate_ids: list[int]) -> list[dict[str, Any]]:
    """Each candidate's self-identification row (all None when they gave none), in order."""
    keys = ("sex", "race_ethnicity", "age_band", "disability")
    found = {
        row["candidate_id"]: row
        for row in db.query(
            "SELECT s.* FROM self_identification s JOIN json_each(?) j ON j.value = s.candidate_id",
            [json.dumps(candidate_ids)],
        )
    }
    return [{k: found.get(c, {}).get(k) for k in keys} for c in candidate_ids]


def dif_summary(db: Database, role_id: int, **options: Any) -> dict[str, Any]:
    """The ``dif`` part of the validation summary's ``fairness`` object, as plain data."""
    return dif_review(db, role_id, **options).to_dict()
