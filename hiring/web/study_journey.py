"""An employee's pages in an incumbent study: open the link, consent, answer, send, their own results.

The same journey as a candidate's (``web/journey_pages.py``: the same questionnaire pages,
autosave and 375 px layout) on the study's own tables. The link ``/s/<token>`` is swapped for
a session at once, as a candidate's is; the session holds the participant and a stamp of
the current link, so a reminder (a new link) ends sessions of the old one. An employee only
ever sees themselves: every page reads the participant in their own session.
"""

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)  # fmt: skip

from hiring.accounts import audit
from hiring.candidates import journey
from hiring.candidates.records import AlreadySubmitted, LinkExpired, LinkUnknown, is_submitted
from hiring.reports import render_report
from hiring.reports.coaching import COACHING, READINESS, coaching_content, own_feedback_content
from hiring.roles.services import get_role
from hiring.team import answers, coaching, progress, readiness, studies
from hiring.web.database import db
from hiring.web.errors import STORAGE_ERRORS, storage_failed
from hiring.web.forms.candidate import ConsentForm, self_id_form_class
from hiring.web.journey_pages import JourneySpec, add_question_pages
from hiring.workspace.candidate_view import NotFound

bp = Blueprint("study_journey", __name__)


def _stamp(person: dict) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"study:" + person["token_hash"].encode(), "sha256").hexdigest()[:32]


def _link_problem(code: int) -> tuple[str, int]:
    return render_template("candidate/link_problem.html", code=code, study=True), code


def participant_required(view: Callable) -> Callable:
    """Let through a visitor whose session came from the participant's current, valid link."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        rows = list(
            db()["study_participants"].rows_where("id = ?", [session.get("participant_id") or 0])
        )
        if not rows or not hmac.compare_digest(
            str(session.get("participant_stamp", "")), _stamp(rows[0])
        ):
            session.pop("participant_id", None)
            return _link_problem(403)
        g.participant = rows[0]
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def no_store(response):
    """Keep answers out of shared caches and the browser's back-forward cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/s/<token>")
def open_link(token: str):
    """Exchange the study link's token for a session and drop it from the address."""
    try:
        person = studies.open_link(db(), token, current_app.config["SUBMITTED_LINK_DAYS"])
    except LinkExpired:
        return _link_problem(410)
    except LinkUnknown:
        return _link_problem(404)
    session.clear()
    session["participant_id"] = person["id"]
    session["participant_stamp"] = _stamp(person)
    return redirect(url_for("study_journey.landing"))


def _context(**extra: Any) -> dict[str, Any]:
    person = g.participant
    questionnaire = journey.candidate_questionnaire(db(), person)
    return {
        "candidate": {**person, "name": db()["employees"].get(person["employee_pk"])["name"]},
        "role": get_role(db(), person["role_id"]),
        "questionnaire": questionnaire,
        "total_steps": len(questionnaire.pages) + 1,
        "study": True,
        **extra,
    }


def _where_to_resume() -> Any:
    person = g.participant
    if is_submitted(person):
        return redirect(url_for("study_journey.done"))
    if person["status"] == "invited":
        return redirect(url_for("study_journey.landing"))
    questionnaire = journey.candidate_questionnaire(db(), person)
    index = journey.resume_page(
        questionnaire, journey.saved_answers(db(), person["id"], journey.EMPLOYEES)
    )
    if index >= len(questionnaire.pages):
        return redirect(url_for("study_journey.about_you"))
    return redirect(url_for("study_journey.page", number=index + 1))


def _closed() -> bool:
    return studies.study_closed(db(), g.participant)


@bp.route("/study/", methods=["GET", "POST"])
@participant_required
def landing():
    """Say what the study is (not a hiring decision) and ask for consent; later, resume."""
    if _closed():
        return render_template("study/closed.html", **_context())
    if g.participant["status"] != "invited":
        return _where_to_resume()
    form = ConsentForm()
    not_saved = False
    if form.validate_on_submit():
        try:
            journey.give_consent(db(), g.participant["id"], journey.EMPLOYEES)
            return redirect(url_for("study_journey.page", number=1))
        except STORAGE_ERRORS as error:
            if not storage_failed(error):
                raise
            not_saved = True
    html = render_template(
        "study/landing.html", form=form, not_saved=not_saved,
        retention_days=current_app.config["EMPLOYEE_RETENTION_DAYS"], **_context(),
    )  # fmt: skip
    return html, 503 if not_saved else 200


def _open_only(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if _closed():
            return redirect(url_for("study_journey.landing"))
        return view(*args, **kwargs)

    return wrapped


add_question_pages(
    bp,
    JourneySpec(
        journey.EMPLOYEES,
        lambda view: participant_required(_open_only(view)),
        lambda: g.participant,
        _where_to_resume,
        _context,
    ),
    "/study",
)


@bp.route("/study/about-you", methods=["GET", "POST"])
@participant_required
@_open_only
def about_you():
    """Offer the voluntary self-identification questions, then send the answers."""
    person = g.participant
    if is_submitted(person) or person["status"] == "invited":
        return _where_to_resume()
    questionnaire = journey.candidate_questionnaire(db(), person)
    if journey.resume_page(
        questionnaire, journey.saved_answers(db(), person["id"], journey.EMPLOYEES)
    ) < len(questionnaire.pages):
        flash("A few questions still need an answer before you can send them.", "info")
        return _where_to_resume()
    questions = current_app.config["SELF_ID"]
    form = self_id_form_class(questions)()
    not_saved = False
    if form.validate_on_submit():
        try:
            if not form.skip.data:
                answers.save_self_identification(db(), person["id"], form.values(), questions)
            answers.submit_answers(db(), person["id"])
        except AlreadySubmitted:
            pass
        except STORAGE_ERRORS as error:
            if not storage_failed(error):
                raise
            not_saved = True
        if not not_saved:
            return redirect(url_for("study_journey.done"))
    html = render_template("candidate/about_you.html", form=form, not_saved=not_saved, **_context())
    return html, 503 if not_saved else 200


@bp.route("/study/done")
@participant_required
def done():
    """Thank the employee and point to their own feedback."""
    if not is_submitted(g.participant):
        return _where_to_resume()
    role = get_role(db(), g.participant["role_id"])
    employee = db()["employees"].get(g.participant["employee_pk"])
    return render_template("study/done.html", employee=employee, role=role, person=g.participant)


def _mine(view: Callable) -> Callable:
    """Only after sending: the employee's own results, read from their own session."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_submitted(g.participant):
            return _where_to_resume()
        return view(*args, **kwargs)

    return wrapped


def _record(page: str, **detail: object) -> None:
    audit.record(db(), "participant", "employee.self_view", "employee",
                 g.participant["employee_pk"], page=page, **detail)  # fmt: skip


@bp.route("/study/me")
@participant_required
@_mine
def me():
    """Show the employee their own feedback, their change since the last round and next roles."""
    pid = g.participant["id"]
    employee = db()["employees"].get(g.participant["employee_pk"])
    _record("feedback")
    return render_template(
        "study/me.html",
        feedback=own_feedback_content(employee["name"], coaching.own_feedback(db(), pid)),
        change=progress.employee_progress(db(), pid),
        next_roles=readiness.next_role_profiles(db(), pid),
        employee=employee,
    )


@bp.route("/study/me/plan.pdf")
@participant_required
@_mine
def my_plan():
    """Download the employee's own coaching plan (the one their manager sees)."""
    found = coaching.assessed(db(), g.participant["id"])
    pdf = render_report(
        coaching_content(found, page_size=current_app.config["REPORT_PAGE_SIZE"]), COACHING
    )
    _record("coaching plan")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="my-coaching-plan.pdf"'})  # fmt: skip


@bp.route("/study/me/readiness/<profile_id>")
@participant_required
@_mine
def my_readiness(profile_id: str):
    """Read the employee's own results against a next role."""
    try:
        found = readiness.readiness(db(), g.participant["id"], profile_id)
    except NotFound:
        abort(404)
    audit.record(db(), "participant", "employee.readiness", "employee", g.participant["employee_pk"],
                 profile=profile_id, viewer="self")  # fmt: skip
    return render_template(
        "study/readiness.html", found=found, report=coaching_content(found, variant=READINESS)
    )
