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


@MIGRATIONS(name="0004_workspace")
def m0004_workspace(db: Database) -> None:
    """Hiring managers on roles; sort indexes, status counts and search for the ranked list.

    The sort keys are expressions that are never NULL so that keyset pagination compares
    plain values: by fit, candidates without a calibrated probability follow those with one,
    ordered by their profile band, and not-yet-scored candidates come last. Each has an
    index with and without a status prefix. Counts per role, status, band and flagged-or-not
    are kept by triggers so that the list's counts never count 100,000 rows. Search uses an
    FTS5 index over name and e-mail kept in step by triggers.
    """
    db["job_roles"].add_column("hiring_manager_id", int, fk="users", fk_col="id")
    db["job_roles"].create_index(["hiring_manager_id"])
    keys = {
        "fit": "CASE WHEN fit IS NULL THEN coalesce(band_rank, -1) - 10 ELSE fit END",
        "pct": "coalesce(percentile, -1)",
        "date": "coalesce(submitted_at, invited_at)",
        "name": "lower(name)",
    }
    for label, expression in keys.items():
        db.execute(
            f"CREATE INDEX idx_candidates_sort_{label} ON candidates (role_id, {expression}, id)"
        )
        db.execute(
            f"CREATE INDEX idx_candidates_status_sort_{label} "
            f"ON candidates (role_id, status, {expression}, id)"
        )
    db.execute(
        f"CREATE INDEX idx_candidates_band_fit ON candidates (role_id, band, {keys['fit']}, id)"
    )
    db["candidate_counts"].create(
        {"role_id": int, "status": str, "band": str, "flagged": int, "n": int},
        pk=("role_id", "status", "band", "flagged"),
    )
    for statement in _COUNT_TRIGGERS:
        db.execute(statement)
    db.execute(
        "INSERT INTO candidate_counts (role_id, status, band, flagged, n) "
        "SELECT role_id, status, coalesce(band, ''), coalesce(flag_count, 0) > 0, count(*) "
        "FROM candidates "
        "GROUP BY 1, 2, 3, 4"
    )
    db.create_view(
        "candidate_status_counts",
        "SELECT role_id, status, sum(n) AS n FROM candidate_counts GROUP BY role_id, status",
    )
    db.execute(
        "CREATE VIRTUAL TABLE candidates_fts USING fts5("
        "name, email, content='candidates', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    for statement in _SEARCH_TRIGGERS:
        db.execute(statement)
    db.execute("INSERT INTO candidates_fts (candidates_fts) VALUES ('rebuild')")


_COUNT_UP = """INSERT INTO candidate_counts (role_id, status, band, flagged, n)
        VALUES (new.role_id, new.status, coalesce(new.band, ''), coalesce(new.flag_count, 0) > 0, 1)
        ON CONFLICT (role_id, status, band, flagged) DO UPDATE SET n = n + 1;"""
_COUNT_DOWN = """UPDATE candidate_counts SET n = n - 1 WHERE role_id = old.role_id
        AND status = old.status AND band = coalesce(old.band, '') AND flagged = (coalesce(old.flag_count, 0) > 0);"""
_COUNT_TRIGGERS = (
    f"CREATE TRIGGER candidates_count_insert AFTER INSERT ON candidates BEGIN {_COUNT_UP} END",
    f"CREATE TRIGGER candidates_count_delete AFTER DELETE ON candidates BEGIN {_COUNT_DOWN} END",
    "CREATE TRIGGER candidates_count_update AFTER UPDATE OF role_id, status, band, flag_count "
    "ON candidates WHEN old.role_id IS NOT new.role_id OR old.status IS NOT new.status "
    "OR old.band IS NOT new.band "
    "OR (coalesce(old.flag_count, 0) > 0) IS NOT (coalesce(new.flag_count, 0) > 0) "
    f"BEGIN {_COUNT_DOWN} {_COUNT_UP} END",
)
_SEARCH_TRIGGERS = (
    """CREATE TRIGGER candidates_fts_insert AFTER INSERT ON candidates BEGIN
        INSERT INTO candidates_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
    END""",
    """CREATE TRIGGER candidates_fts_delete AFTER DELETE ON candidates BEGIN
        INSERT INTO candidates_fts (candidates_fts, rowid, name, email)
        VALUES ('delete', old.id, old.name, old.email);
    END""",
    """CREATE TRIGGER candidates_fts_update AFTER UPDATE OF name, email ON candidates BEGIN
        INSERT INTO candidates_fts (candidates_fts, rowid, name, email)
        VALUES ('delete', old.id, old.name, old.email);
        INSERT INTO candidates_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
    END""",
)


# The one value an audit row's detail may be overwritten with (by erasure); never change it,
# the trigger below compares with it.
AUDIT_REDACTION = '{"redacted": "personal details removed when the candidate was erased"}'
AUDIT_KEEP_DAYS = 183  # six months: the shortest time any audit row is kept


@MIGRATIONS(name="0005_audit_log_append_only")
def m0005_audit_log_append_only(db: Database) -> None:
    """Make the audit log append-only with triggers.

    No UPDATE, except one narrowly scoped change: the ``detail`` of a row may be replaced by
    :data:`AUDIT_REDACTION` (every other column unchanged), which is how erasing a candidate
    scrubs personal details from earlier events. No DELETE of a row younger than
    :data:`AUDIT_KEEP_DAYS` days (or with an unreadable time), so log-retention cleanup of
    old rows is the only way a row ever goes.
    """
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        f"WHEN NOT (new.detail IS '{AUDIT_REDACTION}' "
        "AND new.id IS old.id AND new.at IS old.at AND new.actor IS old.actor "
        "AND new.action IS old.action AND new.target_type IS old.target_type "
        "AND new.target_id IS old.target_id) "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_log_keep_six_months BEFORE DELETE ON audit_log "
        "WHEN julianday(old.at) IS NULL "
        f"OR julianday(old.at) > julianday('now', '-{AUDIT_KEEP_DAYS} days') "
        "BEGIN SELECT RAISE(ABORT, 'audit log rows are kept for at least six months'); END"
    )


@MIGRATIONS(name="0006_incumbent_self_identification")
def m0006_incumbent_self_identification(db: Database) -> None:
    """Incumbents' voluntary self-identification, kept apart from their scores.

    Keyed by role and employee id (not the incumbents row id) so that it survives a
    re-import of the incumbent file. Read only by the fairness report's effect sizes before
    a model goes live; never a model feature.
    """
    db["incumbent_self_identification"].create(
        {"role_id": int, "employee_id": str, "sex": str, "race_ethnicity": str, "recorded_at": str},
        pk=("role_id", "employee_id"),
        foreign_keys=[("role_id", "job_roles", "id")],
    )


@MIGRATIONS(name="0007_calibration_lifecycle")
def m0007_calibration_lifecycle(db: Database) -> None:
    """Incumbent imports (file, success criterion, notices) and model-version state changes.

    A model version is ``new`` when calibrated, ``active`` while a role uses it, ``retired``
    when another version replaced it and ``suspended`` (with who, when and why) when an admin
    stopped it; a suspended version is never used again.
    """
    db["incumbent_imports"].create(
        {
            "id": int,
            "role_id": int,
            "file_name": str,
            "source": str,
            "criterion": str,
            "n": int,
            "n_positive": int,
            "notices": str,
            "synthetic": int,
            "imported_at": str,
            "imported_by": str,
        },
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id")],
        defaults={"synthetic": 0},
    )
    db["incumbent_imports"].create_index(["role_id", "id"])
    for column in ("activated_at", "suspended_at", "suspended_by", "suspend_reason"):
        db["model_versions"].add_column(column, str)


@MIGRATIONS(name="0008_staff_sessions")
def m0008_staff_sessions(db: Database) -> None:
    """Server-side records of staff sign-ins, so that signing out ends a session for good.

    The session cookie is signed but would otherwise stay valid after sign-out if copied;
    each sign-in now has a row keyed by the SHA-256 of a random id kept in the cookie, and a
    request is signed in only while that row exists and has not ended.
    """
    db["staff_sessions"].create(
        {"id_hash": str, "user_id": int, "started_at": str, "ended_at": str},
        pk="id_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["staff_sessions"].create_index(["user_id"])


@MIGRATIONS(name="0009_calibration_jobs")
def m0009_calibration_jobs(db: Database) -> None:
    """Calibrations started from the web run in a child process; each run has a row here.

    The row outlives the request that started it, so the Validity page can say that a
    calibration is running, what it produced or why it failed, and notice one that a
    server restart interrupted (its ``pid`` is gone).
    """
    db["calibration_jobs"].create(
        {
            "id": int,
            "role_id": int,
            "method": str,
            "status": str,  # running, done or failed
            "message": str,
            "version_id": int,
            "requested_by": str,
            "pid": int,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id"), ("version_id", "model_versions", "id")],
    )
    db["calibration_jobs"].create_index(["role_id", "id"])


@MIGRATIONS(name="0012_attempt_limits_and_two_factor")
def m0012_attempt_limits_and_two_factor(db: Database) -> None:
    """Growing-delay attempt counters, the sources each account signs in from, and TOTP.

    ``attempt_counters`` replaces ``login_attempts`` (which locked an account outright):
    each key (an account with a source address, an account, an address, a candidate's
    link request) counts attempts and when the last one was. ``sign_in_sources`` remembers
    where an account signed in successfully, so that guesses from elsewhere cannot shut
    its owner out. A staff member's TOTP secret is kept with ``confirmed_at`` empty until
    a first code proves the authenticator app has it; recovery codes are stored as SHA-256
    hashes; a row in ``two_factor_required`` makes the second factor compulsory for a role.
    """
    db["login_attempts"].drop()
    db["attempt_counters"].create(
        {"key": str, "attempts": int, "last_at": float}, pk="key", not_null={"attempts"}
    )
    db["sign_in_sources"].create(
        {"username": str, "address": str, "last_success_at": float}, pk=("username", "address")
    )
    db["staff_two_factor"].create(
        {"user_id": int, "secret": str, "started_at": str, "confirmed_at": str, "last_step": int},
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"secret"},
    )
    db["staff_recovery_codes"].create(
        {"id": int, "user_id": int, "code_hash": str, "created_at": str, "used_at": str},
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["staff_recovery_codes"].create_index(["user_id"])
    db["two_factor_required"].create({"role": str, "since": str, "set_by": str}, pk="role")


@MIGRATIONS(name="0013_session_activity")
def m0013_session_activity(db: Database) -> None:
    """When each staff session was last used, and why it ended (signed out, idle, too old).

    A session unused for the idle timeout, or older than the absolute one, is ended on the
    server at its next request (``HIRING_SESSION_IDLE_MINUTES``, ``HIRING_SESSION_MAX_HOURS``).
    """
    db["staff_sessions"].add_column("last_seen_at", str)
    db["staff_sessions"].add_column("ended_reason", str)


@MIGRATIONS(name="0014_fresh_candidate_links")
def m0014_fresh_candidate_links(db: Database) -> None:
    """When a submitted candidate last asked for a fresh link to their own results.

    A submitted candidate's link stops working ``HIRING_SUBMITTED_LINK_DAYS`` after they
    submit; a fresh link, e-mailed to the address on file, works for
    ``HIRING_FRESH_LINK_HOURS`` and replaces the old one. Only a session opened from a
    fresh link downloads the self-identification answers.
    """
    db["candidates"].add_column("link_refreshed_at", str)


@MIGRATIONS(name="0015_weak_evidence_overrides")
def m0015_weak_evidence_overrides(db: Database) -> None:
    """Who activated a model version whose evidence is weak, and why (the override).

    A version whose out-of-fold AUC interval includes 0.5, or whose Brier skill interval
    reaches 0, is activated only with a stated reason; the row keeps it beside the audit log.
    """
    for column in ("override_reason", "override_by"):
        db["model_versions"].add_column(column, str)


@MIGRATIONS(name="0017_incumbent_age_band_and_disability")
def m0017_incumbent_age_band_and_disability(db: Database) -> None:
    """Incumbents' self-identification may also hold an age band and a disability answer.

    Candidates are asked these too, so the effect sizes before go-live can cover every
    characteristic collected; an import without the columns leaves them empty (unknown).
    """
    for column in ("age_band", "disability"):
        if column not in db["incumbent_self_identification"].columns_dict:
            db["incumbent_self_identification"].add_column(column, str)


@MIGRATIONS(name="0019_pending_file_deletions")
def m0019_pending_file_deletions(db: Database) -> None:
    """Files to delete once the transaction that recorded them has committed.

    Erasure deletes a candidate's rows and records their report files here in one
    transaction, then deletes the files and the records; a process killed in between leaves
    the records, which the next run carries out. Paths are relative to the instance folder
    and name no one (``reports/12-fit-….pdf``).
    """
    db["pending_file_deletions"].create(
        {"id": int, "path": str, "recorded_at": str}, pk="id", not_null={"path", "recorded_at"}
    )


@MIGRATIONS(name="0021_queued_jobs")
def m0021_queued_jobs(db: Database) -> None:
    """Calibrations run on the task queue: a job's row names the host whose worker has it.

    A worker's process id only says something on its own machine; with Redis, workers may
    run on several. ``scheduled_checks`` keeps the outcome of scheduled checks (the applicant-drift
    check) for the pages that show them.
    """
    db["calibration_jobs"].add_column("host", str)
    db["scheduled_checks"].create(
        {"id": int, "kind": str, "role_id": int, "ran_at": str, "outcome": str, "body": str},
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id")],
    )
    db["scheduled_checks"].create_index(["kind", "role_id", "id"])


@MIGRATIONS(name="0022_rescore_runs")
def m0022_rescore_runs(db: Database) -> None:
    """A re-score writes in short chunks; its run row says how far it got and whether it ended.

    A run killed midway stays ``running`` with its count so far, and the next re-score of the
    role with the same model picks up the candidates it had not reached.
    """
    db["rescore_runs"].create(
        {
            "id": int, "role_id": int, "model_version_id": int, "status": str, "done": int,
            "requested_by": str, "started_at": str, "finished_at": str, "message": str,
        },
        pk="id",
        foreign_keys=[("role_id", "job_roles", "id")],
    )  # fmt: skip
    db["rescore_runs"].create_index(["role_id", "id"])


@MIGRATIONS(name="0024_mail_deliveries_and_report_batches")
def m0024_mail_deliveries_and_report_batches(db: Database) -> None:
    """E-mails and report batches go out on the task queue; their rows say how far they got.

    A ``mail_deliveries`` row is one e-mail to a candidate: queued, sent, or failed after
    ``attempts`` tries with the last reason. It holds no link: the message waits in the task
    queue until it is sent. A ``report_batches`` row is one batch of a role's PDF reports:
    queued, running with ``done`` of ``total``, done with its zip file, or failed with why.
    ``host`` and ``pid`` name the worker that has it, as in ``calibration_jobs``. A
    ``report_batch_members`` row names each candidate in a finished zip, and the zip's file:
    erasing any of them deletes the zip too.
    """
    db["mail_deliveries"].create(
        {
            "id": int, "candidate_id": int, "batch": str, "kind": str, "recipient": str,
            "status": str, "attempts": int, "last_error": str, "queued_at": str,
            "updated_at": str, "host": str, "pid": int,
        },
        pk="id",
        not_null={"candidate_id", "kind", "status", "attempts", "queued_at"},
        foreign_keys=[("candidate_id", "candidates", "id")],
    )  # fmt: skip
    db["mail_deliveries"].create_index(["candidate_id"])
    db["mail_deliveries"].create_index(["batch"])
    db["report_batches"].create(
        {
            "id": int, "role_id": int, "variant": str, "page_size": str, "status": str,
            "total": int, "done": int, "failed": int, "message": str, "file_name": str,
            "requested_by": str, "started_at": str, "finished_at": str, "host": str, "pid": int,
        },
        pk="id",
        not_null={"role_id", "variant", "status", "requested_by", "started_at"},
        foreign_keys=[("role_id", "job_roles", "id")],
    )  # fmt: skip
    db["report_batches"].create_index(["role_id", "id"])
    db["report_batch_members"].create(
        {"batch_id": int, "candidate_id": int, "file_name": str},
        pk=("batch_id", "candidate_id"),
        foreign_keys=[("batch_id", "report_batches", "id"), ("candidate_id", "candidates", "id")],
    )
    db["report_batch_members"].create_index(["candidate_id"])


@MIGRATIONS(name="0025_incumbent_studies")
def m0025_incumbent_studies(db: Database) -> None:
    """Incumbent studies: employees, their study links, answers, scores and KPIs.

    Employees are kept in tables of their own, never in ``candidates``/``answers``/``results``:
    no candidate query (ranked list, search, counts, exports, erasure) can return one. A study
    belongs to a role and has a round; a re-assessment is a new study of the same role that
    ``follows`` the previous round. A participant is one employee in one study, with their own
    link (only its SHA-256 stored). ``incumbent_imports.study_id`` marks an incumbents import
    built from a study's collected answers and KPIs.
    """
    db["studies"].create(
        {
            "id": int, "role_id": int, "round": int, "follows_id": int, "opened_at": str,
            "opened_by": str, "closed_at": str, "synthetic": int,
        },
        pk="id",
        not_null={"role_id", "round", "opened_at"},
        defaults={"round": 1, "synthetic": 0},
        foreign_keys=[("role_id", "job_roles", "id"), ("follows_id", "studies", "id")],
    )  # fmt: skip
    db["studies"].create_index(["role_id", "round"])
    db["employees"].create(
        {
            "id": int, "employee_id": str, "name": str, "email": str, "team": str,
            "manager_id": int, "added_at": str, "synthetic": int,
        },
        pk="id",
        not_null={"employee_id", "name", "email", "added_at"},
        defaults={"team": "", "synthetic": 0},
        foreign_keys=[("manager_id", "users", "id")],
    )  # fmt: skip
    db["employees"].create_index(["employee_id"], unique=True)
    db["employees"].create_index(["manager_id"])
    db["study_participants"].create(
        {
            "id": int, "study_id": int, "employee_pk": int, "role_id": int, "token_hash": str,
            "token_expires_at": str, "status": str, "invited_at": str, "invited_by": str,
            "reminded_at": str, "consented_at": str, "started_at": str, "submitted_at": str,
            "current_page": int, "questionnaire_hash": str,
        },
        pk="id",
        not_null={"study_id", "employee_pk", "role_id", "token_hash", "status", "invited_at"},
        defaults={"current_page": 0, "status": "invited"},
        foreign_keys=[
            ("study_id", "studies", "id"), ("employee_pk", "employees", "id"),
            ("role_id", "job_roles", "id"),
        ],
    )  # fmt: skip
    db["study_participants"].create_index(["study_id", "employee_pk"], unique=True)
    db["study_participants"].create_index(["token_hash"], unique=True)
    db["study_participants"].create_index(["employee_pk"])
    db["study_answers"].create(
        {"participant_id": int, "item_id": str, "value": int, "answered_at": str},
        pk=("participant_id", "item_id"),
        foreign_keys=[("participant_id", "study_participants", "id")],
    )
    db["study_page_timings"].create(
        {"participant_id": int, "page_id": str, "seconds": float, "n_items": int},
        pk=("participant_id", "page_id"),
        foreign_keys=[("participant_id", "study_participants", "id")],
    )
    db["study_results"].create(
        {
            "participant_id": int, "scored_at": str, "questionnaire_id": str,
            "questionnaire_version": str, "questionnaire_hash": str, "input_hash": str,
            "scores": str,
        },
        pk="participant_id",
        foreign_keys=[("participant_id", "study_participants", "id")],
    )  # fmt: skip
    db["employee_kpis"].create(
        {
            "study_id": int, "employee_pk": int, "csat": float, "qa": float,
            "handle_time": float, "rating": float, "tenure": float, "file_name": str,
            "imported_at": str, "imported_by": str,
        },
        pk=("study_id", "employee_pk"),
        foreign_keys=[("study_id", "studies", "id"), ("employee_pk", "employees", "id")],
    )  # fmt: skip
    db["incumbent_imports"].add_column("study_id", int)


@MIGRATIONS(name="0028_api_keys")
def m0028_api_keys(db: Database) -> None:
    """API keys (stored as SHA-256 hashes), their per-minute call counts, and idempotent POSTs.

    ``api_key_calls`` counts each key's calls per minute in the database, so the limit holds
    across every server process. ``api_idempotency`` keeps, per key and ``Idempotency-Key``
    header, the hash of the request and the response it got, so that a retried POST is
    answered the same and does not act twice. A decision made through the API names its key
    in ``status_history.by_api_key``.
    """
    db["api_keys"].create(
        {
            "id": int, "name": str, "key_hash": str, "prefix": str, "scopes": str,
            "created_at": str, "created_by": str, "revoked_at": str, "revoked_by": str,
            "last_used_at": str,
        },
        pk="id",
        not_null={"name", "key_hash", "prefix", "scopes", "created_at"},
    )  # fmt: skip
    db["api_keys"].create_index(["name"], unique=True)
    db["api_keys"].create_index(["key_hash"], unique=True)
    db["api_key_calls"].create(
        {"key_id": int, "minute": int, "calls": int},
        pk=("key_id", "minute"),
        foreign_keys=[("key_id", "api_keys", "id")],
    )
    db["api_idempotency"].create(
        {
            "key_id": int, "idempotency_key": str, "request_hash": str, "status": int,
            "body": str, "headers": str, "created_at": str,
        },
        pk=("key_id", "idempotency_key"),
        foreign_keys=[("key_id", "api_keys", "id")],
    )  # fmt: skip
    db["status_history"].add_column("by_api_key", str)


@MIGRATIONS(name="0029_webhooks")
def m0029_webhooks(db: Database) -> None:
    """Webhook subscriptions, their deliveries (an outbox) and every delivery attempt.

    A change that raises an event writes one ``webhook_deliveries`` row per subscription in
    its own transaction, so an event is never announced for a change that rolled back, nor
    lost for one that committed; the queue then sends it. The subscription's secret signs
    each delivery (Standard Webhooks), so it is kept as written, like the SMTP password.
    """
    db["webhook_subscriptions"].create(
        {
            "id": int, "url": str, "events": str, "secret": str, "created_at": str,
            "created_by": str, "removed_at": str,
        },
        pk="id",
        not_null={"url", "events", "secret", "created_at"},
    )  # fmt: skip
    db["webhook_deliveries"].create(
        {
            "id": int, "subscription_id": int, "message_id": str, "event": str, "payload": str,
            "status": str, "attempts": int, "next_attempt_at": str, "created_at": str,
            "delivered_at": str, "last_error": str,
        },
        pk="id",
        not_null={"subscription_id", "message_id", "event", "payload", "status", "created_at"},
        defaults={"attempts": 0},
        foreign_keys=[("subscription_id", "webhook_subscriptions", "id")],
    )  # fmt: skip
    db["webhook_deliveries"].create_index(["subscription_id", "id"])
    db["webhook_attempts"].create(
        {
            "id": int, "delivery_id": int, "at": str, "status_code": int, "error": str,
            "milliseconds": int,
        },
        pk="id",
        foreign_keys=[("delivery_id", "webhook_deliveries", "id")],
    )  # fmt: skip
    db["webhook_attempts"].create_index(["delivery_id"])


@MIGRATIONS(name="0030_candidate_reminders")
def m0030_candidate_reminders(db: Database) -> None:
    """Reminders to candidates who have not finished, and the candidates who stopped them.

    A ``candidate_reminders`` row is one configured day (``HIRING_REMINDER_DAYS``) of one
    candidate: its reminder was queued (``delivery_id`` names the e-mail in
    ``mail_deliveries``), or skipped because a later day was already due when the queue got
    to it. The primary key makes each day's reminder go out at most once, whichever worker
    runs it and however often it restarts. ``token_hash`` is the SHA-256 of the opt-out link
    the reminder carried; a ``reminder_opt_outs`` row says the candidate followed one.
    """
    db["candidate_reminders"].create(
        {
            "candidate_id": int, "day": int, "status": str, "token_hash": str,
            "delivery_id": int, "at": str,
        },
        pk=("candidate_id", "day"),
        not_null={"status", "at"},
        foreign_keys=[("candidate_id", "candidates", "id")],
    )  # fmt: skip
    db["candidate_reminders"].create_index(["token_hash"], unique=True)
    db["reminder_opt_outs"].create(
        {"candidate_id": int, "at": str},
        pk="candidate_id",
        not_null={"at"},
        foreign_keys=[("candidate_id", "candidates", "id")],
    )


@MIGRATIONS(name="0032_hire_outcomes")
def m0032_hire_outcomes(db: Database) -> None:
    """Hires' later job performance, one row per hire and measurement date.

    The KPI columns are kept as given (NULL where the file left them blank: nothing is
    imputed); ``retained_90`` and ``retained_180`` are 1/0. A row belongs to its candidate,
    so erasing the candidate erases it.
    """
    db["hire_outcomes"].create(
        {
            "candidate_id": int, "role_id": int, "measured_on": str, "csat": float, "qa": float,
            "handle_time": float, "rating": float, "retained_90": int, "retained_180": int,
            "file_name": str, "imported_at": str, "imported_by": str,
        },
        pk=("candidate_id", "measured_on"),
        not_null={"role_id", "measured_on", "imported_at"},
        foreign_keys=[("candidate_id", "candidates", "id"), ("role_id", "job_roles", "id")],
    )  # fmt: skip
    db["hire_outcomes"].create_index(["role_id"])


@MIGRATIONS(name="0033_imported_candidates")
def m0033_imported_candidates(db: Database) -> None:
    """Mark candidates imported from past hiring (``source = 'imported'``; NULL: assessed here).

    ``external_id`` keeps the id the past applicant had in the file they came from.
    ``calibration_jobs.hires_criterion`` (JSON) says which hires' outcome a calibration
    "including hires" adds to the incumbents, and who counts as a success on it.
    """
    db["candidates"].add_column("source", str)
    db["candidates"].add_column("external_id", str)
    db["calibration_jobs"].add_column("hires_criterion", str)


@MIGRATIONS(name="0035_item_banks")
def m0035_item_banks(db: Database) -> None:
    """Calibrated item banks for the adaptive form: graded-response parameters, versioned.

    A bank belongs to one questionnaire content (``questionnaire_hash``); ``version`` counts up
    per questionnaire id. ``items`` is JSON (id, scale, a, b, a_se, b_se per item) and
    ``summary`` holds the calibration's respondents, item fit and warnings.
    """
    db["item_banks"].create(
        {
            "id": int, "questionnaire_id": str, "questionnaire_version": str,
            "questionnaire_hash": str, "version": int, "items": str, "summary": str,
            "created_at": str, "created_by": str,
        },
        pk="id",
        not_null={"questionnaire_id", "questionnaire_hash", "version", "items", "created_at"},
    )  # fmt: skip
    db["item_banks"].create_index(["questionnaire_id", "version"], unique=True)


@MIGRATIONS(name="0036_adaptive_form")
def m0036_adaptive_form(db: Database) -> None:
    """The adaptive short form: a role's choice, a candidate's pages, θ and SE in results.

    ``job_roles.form`` is ``full`` or ``adaptive``. A candidate is pinned at consent to the
    form and the item bank version they take (``candidates.form``, ``item_bank_version``) and
    gets a ``cat_seed``; ``adaptive_pages`` keeps the statements of each adaptive page once
    its first answer is saved, so reloading, going back or resuming shows the same page.
    ``results.thetas`` holds θ, its SE and the statements asked per scale (JSON).
    """
    db["job_roles"].add_column("form", str, not_null_default="full")
    db["candidates"].add_column("form", str)
    db["candidates"].add_column("item_bank_version", int)
    db["candidates"].add_column("cat_seed", int)
    db["adaptive_pages"].create(
        {"candidate_id": int, "number": int, "item_ids": str, "created_at": str},
        pk=("candidate_id", "number"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["results"].add_column("form", str)
    db["results"].add_column("item_bank_version", int)
    db["results"].add_column("thetas", str)
