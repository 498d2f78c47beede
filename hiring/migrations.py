"""The database schema as versioned migrations; append new ones at the end, never edit one."""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("hiring")


@MIGRATIONS(name="0001_accounts_and_audit")
def m0001_accounts_and_audit(db: Database) -> None:
    """Staff accounts, the shared login-attempt counter and the audit log."""
    db["users"].create(
        {
            "id": int,
            "username": str,
            "display_name": str,
            "role": str,
            "password_hash": str,
            "active": int,
            "created_at": str,
            "password_changed_at": str,
        },
        pk="id",
        not_null={"username", "role", "password_hash", "active", "created_at"},
        defaults={"active": 1},
    )
    db["users"].create_index(["username"], unique=True)
    db["login_attempts"].create(
        {"key": str, "failures": int, "window_start": float, "locked_until": float},
        pk="key",
    )
    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "target_type": str,
            "target_id": str,
            "detail": str,
        },
        pk="id",
        not_null={"at", "actor", "action"},
    )
    db["audit_log"].create_index(["at"])
    db["audit_log"].create_index(["target_type", "target_id"])


@MIGRATIONS(name="0002_assessment")
def m0002_assessment(db: Database) -> None:
    """Job roles, published questionnaires, candidates and their answers and results."""
    db["questionnaire_versions"].create(
        {"questionnaire_id": str, "version": str, "content_hash": str, "published_at": str},
        pk=("questionnaire_id", "version"),
    )
    db["job_roles"].create(
        {
            "id": int,
            "slug": str,
            "title": str,
            "location": str,
            "questionnaire_id": str,
            "questionnaire_version": str,
            "profile_id": str,
            "profile_version_id": int,
            "model_version_id": int,
            "status": str,
            "created_at": str,
            "created_by": int,
            "closed_at": str,
        },
        pk="id",
        not_null={"slug", "title", "questionnaire_id", "questionnaire_version", "status"},
        defaults={"status": "open", "location": ""},
    )
    db["job_roles"].create_index(["slug"], unique=True)
    db["candidates"].create(
        {
            "id": int,
            "role_id": int,
            "name": str,
            "email": str,
            "token_hash": str,
            "token_expires_at": str,
            "status": str,
            "invited_at": str,
            "invited_by": int,
            "consented_at": str,
            "started_at": str,
            "submitted_at": str,
            "current_page": int,
            "questionnaire_hash": str,
            "fit": float,
            "band": str,
            "band_rank": int,
            "percentile": float,
            "flag_count": int,
            "top_strength": str,
            "biggest_gap": str,
            "decided_at": str,
            "synthetic": int,
        },
        pk="id",
        not_null={"role_id", "name", "email", "status", "invited_at"},
        defaults={"current_page": 0, "flag_count": 0, "synthetic": 0},
        foreign_keys=[("role_id", "job_roles", "id")],
    )
    db["candidates"].create_index(["token_hash"], unique=True)
    db["candidates"].create_index(["role_id", "fit", "id"])
    db["candidates"].create_index(["role_id", "status", "fit", "id"])
    db["candidates"].create_index(["role_id", "submitted_at", "id"])
    db["answers"].create(
        {"candidate_id": int, "item_id": str, "value": int, "answered_at": str},
        pk=("candidate_id", "item_id"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["page_timings"].create(
        {"candidate_id": int, "page_id": str, "seconds": float, "n_items": int},
        pk=("candidate_id", "page_id"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["self_identification"].create(
        {
            "candidate_id": int,
            "sex": str,
            "race_ethnicity": str,
            "age_band": str,
            "disability": str,
            "recorded_at": str,
        },
        pk="candidate_id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["results"].create(
        {
            "candidate_id": int,
            "scored_at": str,
            "questionnaire_id": str,
            "questionnaire_version": str,
            "questionnaire_hash": str,
            "model_version_id": int,
            "input_hash": str,
            "scores": str,
            "fit": str,
        },
        pk="candidate_id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["status_history"].create(
        {
            "id": int,
            "candidate_id": int,
            "from_status": str,
            "to_status": str,
            "reason": str,
            "override": int,
            "by_user": int,
            "at": str,
        },
        pk="id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["status_history"].create_index(["candidate_id"])
    db["notes"].create(
        {"id": int, "candidate_id": int, "author": int, "body": str, "at": str},
        pk="id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["notes"].create_index(["candidate_id"])


@MIGRATIONS(name="0003_calibration")
def m0003_calibration(db: Database) -> None:
    """Incumbents, model versions and hiring-profile versions."""
    db["incumbents"].create(
        {
            "id": int,
            "role_id": int,
            "employee_id": str,
            "batch": str,
            "features": str,
            "answers": str,
            "outcome": int,
            "kpi": float,
            "imported_at": str,
            "synthetic": int,
        },
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id")],
        defaults={"synthetic": 0},
    )
    db["incumbents"].create_index(["role_id", "employee_id"], unique=True)
    db["model_versions"].create(
        {
            "id": int,
            "role_id": int,
            "label": str,
            "status": str,
            "created_at": str,
            "created_by": str,
            "file_name": str,
            "sha256": str,
            "sklearn_version": str,
            "questionnaire_id": str,
            "questionnaire_version": str,
            "questionnaire_hash": str,
            "data_hash": str,
            "metadata": str,
            "report": str,
        },
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id")],
    )
    db["model_versions"].create_index(["role_id", "status"])
    db["profile_versions"].create(
        {
            "id": int,
            "profile_id": str,
            "version": str,
            "source": str,
            "model_version_id": int,
            "body": str,
            "created_at": str,
        },
        pk="id",
    )
    db["profile_versions"].create_index(["profile_id", "version"], unique=True)
