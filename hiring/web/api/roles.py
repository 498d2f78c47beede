"""API: job roles and the assessment ("test") each one uses."""

from flask_smorest import Blueprint

from hiring.roles.services import RoleError, get_role_by_slug, role_questionnaire
from hiring.web.api.keys import conditional, needs
from hiring.web.api.problems import problem
from hiring.web.api.schemas import SLUG, RoleQuery, RoleSchema, make_cursor, page_of
from hiring.web.database import db
from hiring.workspace.pages import roles_page

blp = Blueprint(
    "api_roles",
    __name__,
    url_prefix="/api/v1/roles",
    description="Job roles and their assessments.",
)
RolePage = page_of(RoleSchema, "RolePage")


def role_out(role: dict) -> dict:
    """Return a role as the API shows it, with its assessment."""
    q = role_questionnaire(role)
    assessment = {
        "id": q.id, "version": str(q.version), "title": q.title,
        "scales": [s.id for s in q.scales], "sjt_competencies": [c.id for c in q.competencies],
    }  # fmt: skip
    return {**role, "location": role.get("location") or "", "assessment": assessment}


def find_role(slug: str) -> dict | None:
    """Return the role with this slug, or None."""
    try:
        return get_role_by_slug(db(), slug)
    except RoleError:
        return None


@blp.route("")
@needs(blp, "candidates:read")
@conditional(blp)
@blp.arguments(RoleQuery, location="query", as_kwargs=True)
@blp.response(200, RolePage)
def list_roles(limit: int, cursor: int | None = None, status: str = ""):
    """List roles, oldest first (the "list tests" step of an ATS: each role is a test)."""
    page = roles_page(db(), status=status, after=cursor, size=limit)
    items = [role_out(role) for role in page.rows]
    return {"items": items, "next_cursor": make_cursor(page.last_id) if page.last_id else None}


@blp.route(f"/<{SLUG}:slug>")
@needs(blp, "candidates:read")
@conditional(blp)
@blp.response(200, RoleSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_role(slug: str):
    """Get one role and its assessment."""
    role = find_role(slug)
    if role is None:
        return problem(404, f"No role has the slug {slug!r}.")
    return role_out(role)
