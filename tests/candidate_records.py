"""Test data for fairness, erasure and data-rights tests: roles and candidates in the database."""

import random

from hiring.accounts.audit import now_iso
from hiring.candidates import invites, journey
from hiring.candidates.submission import submit_assessment
from hiring.roles import services as roles


def make_role(db, title: str = "Support agent", location: str = "Leeds") -> dict:
    """Open a role with the shipped questionnaire and profile."""
    return roles.create_role(db, title=title, location=location, actor="test")


def insert_candidate(
    db,
    role_id: int,
    *,
    status: str = "completed",
    sex: str | None = None,
    race: str | None = None,
    band: str | None = None,
    fit: float | None = None,
    history: tuple[str, ...] = (),
    override_to: tuple[str, ...] = (),
    decided_at: str | None = None,
    name: str = "",
) -> int:
    """Insert one assessed candidate directly (fast), with optional self-ID and history."""
    at = now_iso()
    candidate_id = (
        db["candidates"]
        .insert(
            {
                "role_id": role_id,
                "name": name or f"Person {random.random():.12f}",  # noqa: S311
                "email": f"p{random.random():.12f}@example.org",  # noqa: S311
                "status": status,
                "invited_at": at,
                "submitted_at": None if status in ("invited", "started") else at,
                "band": band,
                "fit": fit,
                "decided_at": decided_at,
            }
        )
        .last_pk
    )
    if sex is not None or race is not None:
        db["self_identification"].insert(
            {"candidate_id": candidate_id, "sex": sex, "race_ethnicity": race, "recorded_at": at}
        )
    for to_status in history:
        db["status_history"].insert(
            {
                "candidate_id": candidate_id,
                "from_status": "completed",
                "to_status": to_status,
                "reason": "test",
                "override": int(to_status in override_to),
                "at": at,
            }
        )
    return candidate_id


def answer_everything(db, candidate_id: int, seed: int = 0) -> dict[str, int]:
    """Give consent and answer every page with random valid answers."""
    rng = random.Random(seed)
    journey.give_consent(db, candidate_id)
    candidate = db["candidates"].get(candidate_id)
    questionnaire = journey.candidate_questionnaire(db, candidate)
    given = {}
    for index, page in enumerate(questionnaire.pages):
        answers = {}
        for item_id in page.item_ids:
            top = (
                len(questionnaire.sjt_by_id[item_id].options)
                if item_id in questionnaire.sjt_by_id
                else questionnaire.response_scale.points
            )
            answers[item_id] = rng.randint(1, top)
        journey.save_page(db, candidate_id, index, answers, seconds=40.0 + index)
        given.update(answers)
    return given


def assessed_candidate(
    app, db, role: dict, name: str, email: str, *, self_id: dict | None = None, seed: int = 0
) -> tuple[int, str]:
    """Invite, answer, self-identify and submit through the real use cases; return (id, token)."""
    invite = invites.invite_candidate(db, role_slug=role["slug"], name=name, email=email, days=14)
    answer_everything(db, invite.candidate_id, seed)
    if self_id is not None:
        journey.save_self_identification(db, invite.candidate_id, self_id)
    submit_assessment(db, invite.candidate_id, instance_path=app.config["INSTANCE_PATH"])
    return invite.candidate_id, invite.token
