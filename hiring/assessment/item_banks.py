"""Calibrated item banks in the database: save a new version, find the one to use, list them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from hiring.accounts import audit
from hiring.assessment.cat import ItemBank
from hiring.assessment.irt import GRMFit, GRMItem, fit_grm
from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.scoring import keyed_trait_items, trait_item_ids
from hiring.errors import HiringError
from hiring.store.db import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database


class CalibrationError(HiringError):
    """Response data that cannot calibrate an item bank."""


def calibrate_questionnaire(questionnaire: Questionnaire, responses: np.ndarray) -> GRMFit:
    """Fit the graded response model to the trait items of a response matrix (``item_ids`` order).

    Minus-keyed items are reversed first, so every item is fitted on its keyed answers, as
    categories ``0..points-1``; each scale is fitted on its own.
    """
    if len(responses) == 0:
        raise CalibrationError("The responses file has no respondents to calibrate on.")
    keyed = keyed_trait_items(questionnaire, responses) - 1
    ids = trait_item_ids(questionnaire)
    scales = [str(questionnaire.likert_by_id[i].scale) for i in ids]
    empty = [i for j, i in enumerate(ids) if np.all(np.isnan(keyed[:, j]))]
    if empty:
        raise CalibrationError(f"No answers to calibrate {', '.join(empty)} on.")
    return fit_grm(keyed, ids, scales, questionnaire.response_scale.points)


def _item_row(item: GRMItem) -> dict[str, Any]:
    return {
        "id": item.id, "scale": item.scale, "a": item.a, "b": list(item.b),
        "a_se": item.a_se, "b_se": list(item.b_se) if item.b_se is not None else None,
    }  # fmt: skip


def _bank(row: dict) -> ItemBank:
    items = tuple(
        GRMItem(
            d["id"],
            d["scale"],
            float(d["a"]),
            tuple(d["b"]),
            d["a_se"],
            tuple(d["b_se"]) if d["b_se"] is not None else None,
        )  # fmt: skip
        for d in json.loads(row["items"])
    )
    return ItemBank(int(row["version"]), row["questionnaire_hash"], items)


def save_item_bank(db: Database, questionnaire: Questionnaire, fit: GRMFit, by: str) -> ItemBank:
    """Store the calibrated items as the questionnaire's next bank version (audited)."""
    summary = {
        "respondents": fit.respondents, "item_fit": fit.item_fit, "warnings": list(fit.warnings),
        "converged": fit.converged,
    }  # fmt: skip
    with write_transaction(db):
        newest = db.execute(
            "SELECT MAX(version) FROM item_banks WHERE questionnaire_id = ?", [questionnaire.id]
        ).fetchone()[0]
        version = (newest or 0) + 1
        bank_id = db["item_banks"].insert(
            {
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "questionnaire_hash": questionnaire.content_hash, "version": version,
                "items": json.dumps([_item_row(i) for i in fit.items]),
                "summary": json.dumps(summary), "created_at": audit.now_iso(), "created_by": by,
            }
        ).last_pk  # fmt: skip
        audit.record(
            db, by, "item_bank.save", "item_bank", bank_id, questionnaire=questionnaire.label,
            questionnaire_hash=questionnaire.content_hash, version=version,
            items=len(fit.items), warnings=len(fit.warnings),
        )  # fmt: skip
    return _bank(db["item_banks"].get(bank_id))


def item_bank_for(db: Database, questionnaire: Questionnaire) -> ItemBank | None:
    """Return the newest bank calibrated on exactly this questionnaire content, or None."""
    rows = db["item_banks"].rows_where(
        "questionnaire_id = ? AND questionnaire_hash = ?",
        [questionnaire.id, questionnaire.content_hash],
        order_by="version DESC",
        limit=1,
    )
    row = next(iter(rows), None)
    return _bank(row) if row is not None else None


def list_item_banks(db: Database, questionnaire_id: str) -> list[ItemBank]:
    """Return every bank version of a questionnaire id, newest first."""
    rows = db["item_banks"].rows_where(
        "questionnaire_id = ?", [questionnaire_id], order_by="version DESC"
    )
    return [_bank(row) for row in rows]


def item_bank_rows(db: Database, questionnaire_id: str) -> list[dict[str, Any]]:
    """Return each bank version's listing: version, content, when, by whom, size, warnings."""
    rows = db["item_banks"].rows_where(
        "questionnaire_id = ?", [questionnaire_id], order_by="version DESC"
    )
    return [
        {
            "version": row["version"],
            "questionnaire_version": row["questionnaire_version"],
            "questionnaire_hash": row["questionnaire_hash"],
            "created_at": row["created_at"],
            "created_by": row["created_by"],
            "items": len(json.loads(row["items"])),
            "warnings": len(json.loads(row["summary"])["warnings"]),
        }  # fmt: skip
        for row in rows
    ]
