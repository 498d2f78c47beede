"""Incumbent studies: open one for a role, invite employees, remind, run it again, follow it.

A study's employees answer through their own links (only the SHA-256 of a token is stored,
as for candidates). Everything about employees lives in the tables of migration 0025, apart
from candidates' (see ``docs/architecture.md``).
"""

import hmac
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.invites import _expiry, _new_token, hash_token, link_expired
from hiring.candidates.records import LinkExpired, LinkUnknown, is_submitted
from hiring.errors import HiringError
from hiring.modeling.model import MIN_INCUMBENTS, MIN_SMALLER_CLASS
from hiring.roles.services import RoleError, get_role, get_role_by_slug
from hiring.store.db import write_transaction
from hiring.team.roster import EmployeeRow, RosterError, read_roster, row_problems
from hiring.workspace.candidate_view import NotFound


class StudyError(HiringError):
    """A request about a study that cannot be done as asked."""


@dataclass(frozen=True)
class StudyInvite:
    """A fresh link for one employee in one study; the token exists only here."""

    participant_id: int
    employee_id: str
    name: str
    email: str
    study_id: int
    role_title: str
    token: str
    expires_at: str

    def link(self, base_url: str) -> str:
        """Return the address the employee opens."""
        return f"{base_url.rstrip('/')}/s/{self.token}"


def get_study(db: Database, study_id: int) -> dict:
    """Return one study with its role's title and slug; :class:`NotFound` when there is none."""
    rows = list(
        db.query(
            "SELECT s.*, r.title AS role_title, r.slug AS role_slug FROM studies s "
            "JOIN job_roles r ON r.id = s.role_id WHERE s.id = ?",
            [study_id],
        )
    )
    if not rows:
        raise NotFound(f"No study with id {study_id}.")
    return rows[0]


def list_studies(db: Database) -> list[dict]:
    """Return every study, newest first, with its counts."""
    return list(
        db.query(
            "SELECT s.*, r.title AS role_title, r.slug AS role_slug, "
            "(SELECT count(*) FROM study_participants p WHERE p.study_id = s.id) AS invited, "
            "(SELECT count(*) FROM study_participants p WHERE p.study_id = s.id "
            "AND p.status = 'completed') AS completed "
            "FROM studies s JOIN job_roles r ON r.id = s.role_id ORDER BY s.id DESC"
        )
    )


def open_study(db: Database, role_slug: str, *, actor: str, synthetic: bool = False) -> dict:
    """Open round 1 of a study for an open role; refused while one of the role's is open."""
    try:
        role = get_role_by_slug(db, role_slug.strip().lower())
    except RoleError:
        raise StudyError(f"There is no role {role_slug!r}; see `hiring roles list`.") from None
    if role["status"] != "open":
        raise StudyError(f"Role {role['slug']} is closed.")
    with write_transaction(db):
        _no_open_study(db, role)
        study_id = db["studies"].insert(
            {"role_id": role["id"], "round": 1, "opened_at": audit.now_iso(), "opened_by": actor,
             "synthetic": int(synthetic)}
        ).last_pk  # fmt: skip
        audit.record(db, actor, "study.open", "study", study_id, role=role["slug"], round=1)
    return get_study(db, study_id)


def _no_open_study(db: Database, role: dict) -> None:
    rows = list(db["studies"].rows_where("role_id = ? AND closed_at IS NULL", [role["id"]]))
    if rows:
        raise StudyError(
            f"Study {rows[0]['id']} of {role['slug']} is still open; close it or run its next "
            "round instead."
        )


def _managers(db: Database) -> dict[str, int]:
    rows = db["users"].rows_where("active = 1 AND role IN ('manager', 'admin')")
    return {row["username"].lower(): row["id"] for row in rows}


def _check_rows(
    db: Database, study: dict, rows: list[EmployeeRow], source: str = "", own: bool = True
) -> list[str]:
    """Every problem of the rows (``own``: their own too), each naming row and column."""
    managers, problems = _managers(db), []
    for row in rows:
        where = f"{source}: row {row.row}" if source else f"row {row.row}"
        if own:
            problems.extend(f"{where}: {p}" for p in row_problems(row))
        if row.manager and row.manager.lower() not in managers:
            problems.append(
                f"{where}: column manager: {row.manager!r} is no active manager account"
            )
        other = list(
            db["employees"].rows_where(
                "lower(email) = lower(?) AND employee_id != ?", [row.email, row.employee_id]
            )
        )
        if other:
            problems.append(
                f"{where}: column email: {row.email} belongs to employee {other[0]['employee_id']}"
            )
        if db.execute(
            "SELECT 1 FROM study_participants p JOIN employees e ON e.id = p.employee_pk "
            "WHERE p.study_id = ? AND e.employee_id = ?", [study["id"], row.employee_id]
        ).fetchone():  # fmt: skip
            problems.append(
                f"{where}: column employee_id: {row.employee_id} is already in this study"
            )
    return problems


def invite_employees(
    db: Database, study_id: int, rows: list[EmployeeRow], *, days: int, actor: str,
    synthetic: bool = False,
) -> list[StudyInvite]:  # fmt: skip
    """Add employees to a study and make each a link; nothing is stored if any row has a problem.

    Raises :class:`hiring.team.roster.RosterError` naming every row and column at fault. An
    employee already known (by ``employee_id``) gets their name, e-mail, team and manager updated.
    """
    study = get_study(db, study_id)
    if study["closed_at"]:
        raise StudyError(f"Study {study_id} is closed; run its next round to invite again.")
    with write_transaction(db):
        problems = _check_rows(db, study, rows)
        if problems:
            raise RosterError(problems)
        managers = _managers(db)
        made = []
        for row in rows:
            employee = {
                "employee_id": row.employee_id, "name": row.name, "email": row.email,
                "team": row.team, "manager_id": managers.get(row.manager.lower()),
            }  # fmt: skip
            known = list(db["employees"].rows_where("employee_id = ?", [row.employee_id]))
            if known:
                if not row.manager:
                    employee["manager_id"] = known[0]["manager_id"]
                db["employees"].update(known[0]["id"], employee)
                employee_pk = known[0]["id"]
            else:
                employee_pk = (
                    db["employees"]
                    .insert({**employee, "added_at": audit.now_iso(), "synthetic": int(synthetic)})
                    .last_pk
                )
            made.append(_add_participant(db, study, employee_pk, days, actor))
    return made


def invite_file(
    db: Database, study_id: int, text: str, *, source: str, days: int, actor: str
) -> list[StudyInvite]:
    """Invite everyone in an employees file; every problem of every row is reported at once.

    The file's own problems and those against the database (an unknown manager, an e-mail of
    another employee, someone already in the study) come together in one
    :class:`hiring.team.roster.RosterError`, and nobody is invited until there are none.
    """
    rows, problems = read_roster(text, source)
    problems += _check_rows(db, get_study(db, study_id), rows, source, own=False)
    if problems:
        key = {p: i for i, p in enumerate(problems)}
        raise RosterError(sorted(problems, key=lambda p: (_row_number(p), key[p])))
    return invite_employees(db, study_id, rows, days=days, actor=actor)


def _row_number(problem: str) -> int:
    found = problem.split(": row ", 1)
    return int(found[1].split(":")[0]) if len(found) > 1 and found[1].split(":")[0].isdigit() else 0


def _add_participant(
    db: Database, study: dict, employee_pk: int, days: int, actor: str
) -> StudyInvite:
    token, token_hash = _new_token()
    expires = _expiry(days)
    participant_id = db["study_participants"].insert(
        {"study_id": study["id"], "employee_pk": employee_pk, "role_id": study["role_id"],
         "token_hash": token_hash, "token_expires_at": expires, "status": "invited",
         "invited_at": audit.now_iso(), "invited_by": actor}
    ).last_pk  # fmt: skip
    audit.record(db, actor, "study.invite", "participant", participant_id, study=study["id"])
    employee = db["employees"].get(employee_pk)
    return StudyInvite(
        participant_id, employee["employee_id"], employee["name"], employee["email"],
        study["id"], study["role_title"], token, expires,
    )  # fmt: skip


def unfinished(db: Database, study_id: int) -> list[dict]:
    """Return the study's employees who have not sent their answers yet, by team and name."""
    return list(
        db.query(
            "SELECT p.*, e.employee_id, e.name, e.email, e.team FROM study_participants p "
            "JOIN employees e ON e.id = p.employee_pk WHERE p.study_id = ? "
            "AND p.status IN ('invited', 'started') ORDER BY e.team, e.name",
            [study_id],
        )
    )


def remind(db: Database, study_id: int, *, days: int, actor: str) -> list[StudyInvite]:
    """Make a new link for everyone who has not finished (the old links stop working)."""
    study = get_study(db, study_id)
    if study["closed_at"]:
        raise StudyError(f"Study {study_id} is closed; nobody can answer it any more.")
    made = []
    with write_transaction(db):
        for person in unfinished(db, study_id):
            token, token_hash = _new_token()
            expires = _expiry(days)
            db["study_participants"].update(
                person["id"],
                {
                    "token_hash": token_hash,
                    "token_expires_at": expires,
                    "reminded_at": audit.now_iso(),
                },
            )
            audit.record(db, actor, "study.remind", "participant", person["id"], study=study_id)
            made.append(StudyInvite(
                person["id"], person["employee_id"], person["name"], person["email"], study_id,
                study["role_title"], token, expires,
            ))  # fmt: skip
    return made


def next_round(
    db: Database, study_id: int, *, days: int, actor: str
) -> tuple[dict, list[StudyInvite]]:
    """Close a study and open its next round, inviting everyone who completed this one."""
    study = get_study(db, study_id)
    if study["closed_at"]:
        raise StudyError(
            f"Study {study_id} is already closed; run the next round of its latest round."
        )
    with write_transaction(db):
        now = audit.now_iso()
        db["studies"].update(study_id, {"closed_at": now})
        new_id = db["studies"].insert(
            {"role_id": study["role_id"], "round": study["round"] + 1, "follows_id": study_id,
             "opened_at": now, "opened_by": actor, "synthetic": study["synthetic"]}
        ).last_pk  # fmt: skip
        audit.record(db, actor, "study.next_round", "study", new_id, follows=study_id,
                     round=study["round"] + 1)  # fmt: skip
        new = get_study(db, new_id)
        done = db["study_participants"].rows_where(
            "study_id = ? AND status = 'completed'", [study_id], order_by="id"
        )
        made = [_add_participant(db, new, row["employee_pk"], days, actor) for row in list(done)]
    return new, made


def close_study(db: Database, study_id: int, *, actor: str) -> None:
    """Close a study: its links stop taking answers; what was collected stays."""
    study = get_study(db, study_id)
    if study["closed_at"]:
        return
    with write_transaction(db):
        db["studies"].update(study_id, {"closed_at": audit.now_iso()})
        audit.record(db, actor, "study.close", "study", study_id)


def open_link(db: Database, token: str, submitted_days: int) -> dict:
    """Return the participant a study link belongs to; raise LinkUnknown or LinkExpired."""
    if not token or len(token) > 100:
        raise LinkUnknown("This link is not valid.")
    token_hash = hash_token(token)
    rows = list(db["study_participants"].rows_where("token_hash = ?", [token_hash]))
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], token_hash):
        raise LinkUnknown("This link is not valid.")
    if link_expired(rows[0], submitted_days=submitted_days):
        raise LinkExpired("This link has expired.")
    return rows[0]


def study_closed(db: Database, participant: dict) -> bool:
    """Tell whether the participant's study no longer takes answers."""
    return bool(db["studies"].get(participant["study_id"])["closed_at"]) and not is_submitted(
        participant
    )


def progress(db: Database, study_id: int) -> dict:
    """Count the study's employees by team and state, and say whether it can calibrate yet.

    The sample rule is the fit model's: at least ``MIN_INCUMBENTS`` employees with answers and
    a KPI, of whom at least ``MIN_SMALLER_CLASS`` in each group once a success rule splits them.
    """
    teams = list(
        db.query(
            "SELECT e.team AS team, count(*) AS invited, "
            "sum(p.status = 'started') AS started, sum(p.status = 'completed') AS completed "
            "FROM study_participants p JOIN employees e ON e.id = p.employee_pk "
            "WHERE p.study_id = ? GROUP BY e.team ORDER BY e.team",
            [study_id],
        )
    )
    completed = sum(t["completed"] for t in teams)
    with_kpis = db.execute(
        "SELECT count(*) FROM study_participants p JOIN employee_kpis k "
        "ON k.study_id = p.study_id AND k.employee_pk = p.employee_pk "
        "WHERE p.study_id = ? AND p.status = 'completed'",
        [study_id],
    ).fetchone()[0]
    return {
        "teams": teams,
        "invited": sum(t["invited"] for t in teams),
        "completed": completed,
        "with_kpis": with_kpis,
        "needed": MIN_INCUMBENTS,
        "per_group": MIN_SMALLER_CLASS,
        "large_enough": with_kpis >= MIN_INCUMBENTS,
        "role": get_role(db, get_study(db, study_id)["role_id"]),
    }
