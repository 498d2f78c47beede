"""Job roles: create, list and close them, and pin the questionnaire version each one uses."""

import re
import unicodedata
from pathlib import Path

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.roles.pipeline import STATUSES, StatusCounts, went_further
from hiring.store.db import write_transaction
from hiring.store.paths import data_dir

DEFAULT_QUESTIONNAIRE = ("wetco-service", "1")
DEFAULT_PROFILE = "contact-center-rep"
MAX_TITLE = 120
FORMS = ("full", "adaptive")  # the whole questionnaire, or the adaptive short form (#16)


class RoleError(HiringError):
    """A job-role request that cannot be done as asked."""


def _bank_signature(directory: Path) -> tuple:
    return tuple(
        sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.glob("*.y*ml"))
    )


_bank_cache: dict[tuple, dict] = {}


def questionnaire_bank() -> dict:
    """Return the shipped questionnaires, re-read only when a file changes.

    Every candidate page needs its questionnaire; parsing YAML on each request would
    dominate the response time.
    """
    from hiring.assessment.questionnaires import load_bank

    directory = data_dir("questionnaires")
    key = (str(directory), _bank_signature(directory))
    if key not in _bank_cache:
        _bank_cache.clear()
        _bank_cache[key] = load_bank(directory)
    return _bank_cache[key]


def role_questionnaire(role: dict):
    """Return the questionnaire a role's candidates answer."""
    key = (role["questionnaire_id"], role["questionnaire_version"])
    bank = questionnaire_bank()
    if key not in bank:
        raise RoleError(
            f"Questionnaire {key[0]} version {key[1]} is not installed; "
            f"installed: {', '.join(f'{i} v{v}' for i, v in sorted(bank)) or 'none'}."
        )
    return bank[key]


def publish_questionnaire(db: Database, questionnaire) -> None:
    """Record (id, version, content hash) once; refuse a changed file under a published version.

    Answers are only comparable when everyone saw the same items, so editing a published
    file without raising its version is an error (``QuestionnaireError``), not a silent change.
    """
    from hiring.assessment.questionnaires import check_published

    q = questionnaire
    with write_transaction(db):
        rows = list(
            db["questionnaire_versions"].rows_where(
                "questionnaire_id = ? and version = ?", [q.id, q.version]
            )
        )
        if not rows:
            db["questionnaire_versions"].insert(
                {
                    "questionnaire_id": q.id,
                    "version": q.version,
                    "content_hash": q.content_hash,
                    "published_at": audit.now_iso(),
                }
            )
    check_published(q, {(r["questionnaire_id"], r["version"]): r["content_hash"] for r in rows})


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "role"


def _free_slug(db: Database, base: str) -> str:
    slug, number = base, 1
    while db["job_roles"].count_where("slug = ?", [slug]):
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_profile(profile_id: str) -> None:
    from hiring.assessment.profiles import load_profiles

    known = {getattr(p, "id", p) for p in _profiles_list(load_profiles())}
    if profile_id not in known:
        raise RoleError(
            f"Unknown hiring profile {profile_id!r}; installed: {', '.join(sorted(known)) or 'none'}."
        )


def _profiles_list(profiles) -> list:
    return list(profiles.values()) if isinstance(profiles, dict) else list(profiles)


def create_role(
    db: Database,
    *,
    title: str,
    location: str = "",
    questionnaire_id: str = DEFAULT_QUESTIONNAIRE[0],
    questionnaire_version: str = DEFAULT_QUESTIONNAIRE[1],
    profile_id: str = DEFAULT_PROFILE,
    actor: str = "cli",
    created_by: int | None = None,
    form: str = "full",
) -> dict:
    """Open a job role that candidates can be invited to; return its row.

    ``form`` is ``full`` or ``adaptive`` (refused, with nothing stored, while no item bank
    is calibrated for the questionnaire).
    """
    title, location = " ".join(title.split()), " ".join(location.split())
    if not title:
        raise RoleError("A role needs a title.")
    if len(title) > MAX_TITLE or len(location) > MAX_TITLE:
        raise RoleError(f"Title and location are at most {MAX_TITLE} characters each.")
    questionnaire = role_questionnaire(
        {"questionnaire_id": questionnaire_id, "questionnaire_version": str(questionnaire_version)}
    )
    _check_profile(profile_id)
    if form not in FORMS:
        raise RoleError(f"Unknown form {form!r}; choose {' or '.join(FORMS)}.")
    if form == "adaptive":
        adaptive_bank(
            db,
            {"questionnaire_id": questionnaire.id, "questionnaire_version": questionnaire.version},
        )
    publish_questionnaire(db, questionnaire)
    with write_transaction(db):
        slug = _free_slug(db, _slugify(f"{title} {location}"))
        role_id = (
            db["job_roles"]
            .insert(
                {
                    "slug": slug,
                    "title": title,
                    "location": location,
                    "questionnaire_id": questionnaire.id,
                    "questionnaire_version": questionnaire.version,
                    "profile_id": profile_id,
                    "form": form,
                    "status": "open",
                    "created_at": audit.now_iso(),
                    "created_by": created_by,
                }
            )
            .last_pk
        )
        audit.record(db, actor, "role.create", "role", role_id, slug=slug, title=title, form=form)
    return get_role(db, role_id)


def get_role(db: Database, role_id: int) -> dict:
    """Return one role by id."""
    rows = list(db.query("SELECT * FROM job_roles WHERE id = ?", [role_id]))
    if not rows:
        raise RoleError(f"No role with id {role_id}.")
    return rows[0]


def get_role_by_slug(db: Database, slug: str) -> dict:
    """Return one role by its short name (as used in CSV files and on the command line)."""
    rows = list(db["job_roles"].rows_where("slug = ?", [slug.strip().lower()]))
    if not rows:
        raise RoleError(f"No role named {slug!r}; see `hiring roles list`.")
    return rows[0]


def list_roles(db: Database, include_closed: bool = False) -> list[dict]:
    """Return roles, open ones first, newest first within each status."""
    where = None if include_closed else "status = 'open'"
    return list(db["job_roles"].rows_where(where, order_by="status desc, id desc"))


def close_role(db: Database, role_id: int, *, actor: str = "cli") -> dict:
    """Close a role: no new invites; candidates already invited can still finish."""
    with write_transaction(db):
        role = get_role(db, role_id)
        if role["status"] != "closed":
            db["job_roles"].update(role_id, {"status": "closed", "closed_at": audit.now_iso()})
            audit.record(db, actor, "role.close", "role", role_id, slug=role["slug"])
    return get_role(db, role_id)


def adaptive_bank(db: Database, role: dict):
    """Return the item bank the role's adaptive form uses, or raise :class:`RoleError`.

    The bank must be calibrated for the exact content (hash) of the role's questionnaire, so
    an edited questionnaire never runs on parameters estimated for other statements.
    """
    from hiring.assessment.item_banks import item_bank_for

    questionnaire = role_questionnaire(role)
    bank = item_bank_for(db, questionnaire)
    if bank is None:
        raise RoleError(
            f"No item bank is calibrated for {questionnaire.label} (content "
            f"{questionnaire.content_hash[:19]}…), so the adaptive form cannot be used; "
            "calibrate one first with `hiring irt calibrate`."
        )
    return bank


def set_role_form(db: Database, role_id: int, form: str, *, actor: str = "cli") -> dict:
    """Choose the full questionnaire or the adaptive short form for the role's new candidates.

    Candidates who have already started keep the form they started. The adaptive form is
    refused while no item bank is calibrated for the role's questionnaire content.
    """
    if form not in FORMS:
        raise RoleError(f"Unknown form {form!r}; choose {' or '.join(FORMS)}.")
    role = get_role(db, role_id)
    if form == "adaptive":
        adaptive_bank(db, role)
    with write_transaction(db):
        role = get_role(db, role_id)
        if role["form"] != form:
            db["job_roles"].update(role_id, {"form": form})
            audit.record(
                db, actor, "role.form", "role", role_id, slug=role["slug"],
                before=role["form"], after=form,
            )  # fmt: skip
    return get_role(db, role_id)


def funnel(db: Database, role_id: int) -> StatusCounts:
    """Count a role's candidates in each status (every status present, zeros included).

    The counts come from ``candidate_status_counts``, which triggers keep in step. Who had
    reached a later stage before their status now (shortlisted, then rejected) is read from
    the status history only if asked for, by ``ranking.funnel_stages``.
    """
    counts = dict.fromkeys(STATUSES, 0)
    for row in db["candidate_status_counts"].rows_where("role_id = ?", [role_id]):
        counts[row["status"]] = row["n"]
    return StatusCounts(counts, lambda: went_further(db, role_id, sum(counts.values())))
