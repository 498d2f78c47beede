"""Test data for the staff workspace: roles, and candidates made through the real use cases."""

import random

import pytest
from argon2 import PasswordHasher
from sqlite_utils import Database

from hiring.accounts import passwords
from hiring.accounts.audit import now_iso
from hiring.candidates import invites, journey, submission
from hiring.roles import services as roles
from hiring.workspace import cohorts


def make_role(db: Database, title: str = "Service Agent", manager_id: int | None = None) -> dict:
    """Open a role with the shipped questionnaire and profile."""
    role = roles.create_role(db, title=title, location="Leeds", actor="test")
    if manager_id is not None:
        cohorts.assign_manager(db, role["id"], manager_id, actor="test")
    return roles.get_role(db, role["id"])


def answers_for(questionnaire, level: int, rng: random.Random) -> list[dict[str, int]]:
    """Answers page by page: Likert answers near ``level`` (1..points), attention checks passed."""
    points = questionnaire.response_scale.points
    pages = []
    for page in questionnaire.pages:
        answers = {}
        for item_id in page.item_ids:
            if item_id in questionnaire.sjt_by_id:
                options = questionnaire.sjt_by_id[item_id].options
                best = max(range(len(options)), key=lambda i: options[i].effectiveness)
                answers[item_id] = best + 1 if level >= 4 else rng.randrange(len(options)) + 1
                continue
            item = questionnaire.likert_by_id[item_id]
            if item.kind == "attention":
                answers[item_id] = item.expected[0]
            else:
                value = min(points, max(1, level + rng.choice((-1, 0, 0, 1))))
                answers[item_id] = value if item.keyed >= 0 else points + 1 - value
        pages.append(answers)
    return pages


def completed_candidate(
    app, db: Database, role: dict, name: str, email: str, level: int = 4, seed: int = 0
) -> dict:
    """Invite, answer every page (60 s each) and submit, as a candidate would."""
    invite = invites.invite_candidate(
        db, role_slug=role["slug"], name=name, email=email, days=14, actor="test"
    )
    journey.give_consent(db, invite.candidate_id)
    questionnaire = roles.role_questionnaire(role)
    for index, answers in enumerate(answers_for(questionnaire, level, random.Random(seed))):
        journey.save_page(db, invite.candidate_id, index, answers, seconds=60.0)
    submission.submit_assessment(db, invite.candidate_id, instance_path=app.config["INSTANCE_PATH"])
    return db["candidates"].get(invite.candidate_id)


def invited_candidate(db: Database, role: dict, name: str, email: str) -> dict:
    """Invite a candidate who has not started."""
    invite = invites.invite_candidate(
        db, role_slug=role["slug"], name=name, email=email, days=14, actor="test"
    )
    return db["candidates"].get(invite.candidate_id)


def bare_candidate(db: Database, role_id: int, number: int, **columns) -> dict:
    """Insert a list row directly (for list tests that need exact fits, bands and dates)."""
    row = {
        "role_id": role_id,
        "name": f"Person {number:04d}",
        "email": f"person{number:04d}@example.test",
        "token_hash": f"hash-{role_id}-{number}",
        "status": "completed",
        "invited_at": now_iso(),
        "flag_count": 0,
        **columns,
    }
    row["id"] = db["candidates"].insert(row).last_pk
    return row


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheap argon2id parameters for tests that sign in often (import this into a test module)."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
