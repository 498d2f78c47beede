"""Item banks in the database: versions per questionnaire, tied to its exact content, audited."""

import dataclasses
from pathlib import Path

import numpy as np

from hiring.assessment.item_banks import (
    calibrate_questionnaire,
    item_bank_for,
    list_item_banks,
    save_item_bank,
)
from hiring.assessment.questionnaires import load_questionnaire
from hiring.demo.synthetic import simulate_responses

WETCO = Path(__file__).resolve().parents[1] / "questionnaires" / "wetco-service-v1.yaml"


def test_the_newest_bank_for_the_exact_content_is_used_and_saving_is_audited(db):
    q = load_questionnaire(WETCO)
    rng = np.random.default_rng(3)
    answers = simulate_responses(
        q, rng.standard_normal((150, len(q.feature_ids))), random_state=rng
    )
    fit = calibrate_questionnaire(q, answers)
    assert item_bank_for(db, q) is None
    first = save_item_bank(db, q, fit, by="alice")
    second = save_item_bank(db, q, fit, by="bob")
    assert (first.version, second.version) == (1, 2)
    assert item_bank_for(db, q) == second
    assert second.items == fit.items and second.questionnaire_hash == q.content_hash
    assert [b.version for b in list_item_banks(db, q.id)] == [2, 1]
    edited = dataclasses.replace(q, content_hash="sha256:other")
    assert item_bank_for(db, edited) is None
    events = list(db["audit_log"].rows_where("action = 'item_bank.save'", order_by="id"))
    assert [e["actor"] for e in events] == ["alice", "bob"]
