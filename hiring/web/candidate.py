"""The candidate's pages: open the invite link, consent, answer, self-identify, submit.

The link ``/a/<token>`` is hit once per visit and answered with a redirect to
``/assessment/``; the token never appears in another URL, in a Referer header
(``Referrer-Policy: no-referrer``) or in the app's logs. The session remembers the
candidate plus a stamp derived from the current token hash, so re-issuing a link ends
every session opened with the old one. Staff pages look at ``g.user`` only, which a
candidate session never sets.
"""

import functools
import hmac
import logging
import re
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from hiring.assessment.questionnaire import QuestionnaireError
from hiring.candidates import invites, journey, reminders
from hiring.candidates.records import (
    ACCOMMODATION_PAGE,
    AlreadySubmitted,
    LinkExpired,
    LinkUnknown,
    is_submitted,
)
from hiring.candidates.submission import submit_assessment, time_saved
from hiring.errors import HiringError
from hiring.roles.services import RoleError, get_role
from hiring.web.database import db
from hiring.web.errors import STORAGE_ERRORS, storage_failed
from hiring.web.forms.candidate import ConsentForm, StopRemindersForm, self_id_form_class
from hiring.web.journey_pages import JourneySpec, add_question_pages

bp = Blueprint("candidate", __name__)
TOKEN_IN_PATH = re.compile(r"(/a/|/reminders/stop/)[A-Za-z0-9_-]+")
log = logging.getLogger("hiring")


class RedactInviteTokens(logging.Filter):
    """Blank out invite tokens in request lines (Werkzeug's development server logs them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/a/" in message or "/reminders/stop/" in message:
            record.msg, record.args = TOKEN_IN_PATH.sub(r"\1[redacted]", message), ()
        return True


@bp.record_once
def _redact_request_logs(state) -> None:
    """Waitress writes no access log; for the development server, filter Werkzeug's."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactInviteTokens) for f in logger.filters):
        logger.addFilter(RedactInviteTokens())


def _stamp(candidate: dict) -> str:
    """Tie a session to the candidate's current link without putting the hash in the cookie."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, candidate["token_hash"].encode(), "sha256").hexdigest()[:32]


def _link_problem(code: int) -> tuple[str, int]:
    return render_template("candidate/link_problem.html", code=code), code


@bp.errorhandler(journey.QuestionnaireChanged)
@bp.errorhandler(QuestionnaireError)
@bp.errorhandler(RoleError)
def assessment_unavailable(error: HiringError) -> tuple[str, int]:
    """Tell the candidate plainly that the assessment cannot go on; staff find why in the log.

    The questionnaire file was changed under a published version, or is missing: answers
    saved so far stay as they are, and nothing is scored against other questions.
    """
    log.error("Assessment unavailable to a candidate: %s", error.message)
    return render_template("candidate/unavailable.html"), 503


def candidate_required(view: Callable) -> Callable:
    """Let through a visitor whose session came from the candidate's current, valid link."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        candidate_id = session.get("candidate_id")
        rows = list(db()["candidates"].rows_where("id = ?", [candidate_id or 0]))
        if not rows or not hmac.compare_digest(
            str(session.get("candidate_stamp", "")), _stamp(rows[0])
        ):
            session.pop("candidate_id", None)
            return _link_problem(403)
        g.candidate = rows[0]
        days = current_app.config["SUBMITTED_LINK_DAYS"]
        if invites.link_expired(rows[0], submitted_days=days):
            return _link_problem(410)
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def no_store(response: Response) -> Response:
    """Keep answers out of shared caches and the browser's back-forward cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/a/<token>")
def open_invite(token: str):
    """Exchange the link's token for a candidate session and drop it from the address."""
    try:
        candidate = invites.open_link(
            db(), token, submitted_days=current_app.config["SUBMITTED_LINK_DAYS"]
        )
    except LinkExpired:
        return _link_problem(410)
    except LinkUnknown:
        return _link_problem(404)
    session.clear()
    session["candidate_id"] = candidate["id"]
    session["candidate_stamp"] = _stamp(candidate)
    return redirect(url_for("candidate.landing"))


def _plan(candidate: dict, questionnaire) -> Any:
    """The candidate's pages: the questionnaire's, or those of their adaptive form so far."""
    adaptive = candidate.get("form") == "adaptive"
    saved = journey.saved_answers(db(), candidate["id"]) if adaptive else {}
    return journey.form_plan(db(), candidate, questionnaire, saved)


def _context(**extra: Any) -> dict[str, Any]:
    candidate = g.candidate
    questionnaire = journey.candidate_questionnaire(db(), candidate)
    return {
        "candidate": candidate,
        "role": get_role(db(), candidate["role_id"]),
        "questionnaire": questionnaire,
        "total_steps": len(_plan(candidate, questionnaire).pages) + 1,
        **extra,
    }


def _where_to_resume() -> Any:
    candidate = g.candidate
    if is_submitted(candidate):
        return redirect(url_for("candidate.done"))
    if candidate["status"] == "invited":
        return redirect(url_for("candidate.landing"))
    questionnaire = journey.candidate_questionnaire(db(), candidate)
    saved = journey.saved_answers(db(), candidate["id"])
    plan = journey.form_plan(db(), candidate, questionnaire, saved)
    index = journey.resume_page(plan, saved)
    if index >= len(plan.pages):
        return redirect(url_for("candidate.about_you"))
    return redirect(url_for("candidate.page", number=index + 1))


@bp.route("/assessment/", methods=["GET", "POST"])
@candidate_required
def landing():
    """Explain the assessment and ask for consent; later visits resume where they stopped."""
    if g.candidate["status"] != "invited":
        return _where_to_resume()
    form = ConsentForm()
    not_saved = False
    if form.validate_on_submit():
        try:
            journey.give_consent(db(), g.candidate["id"])
            return redirect(url_for("candidate.page", number=1))
        except STORAGE_ERRORS as error:
            if not storage_failed(error):
                raise
            not_saved = True
    contact = current_app.config.get("ACCOMMODATION_CONTACT") or ACCOMMODATION_PAGE
    html = render_template(
        "candidate/landing.html",
        form=form,
        retention_days=current_app.config["RETENTION_DAYS"],
        accommodation=contact,
        not_saved=not_saved,
        **_context(),
    )
    return html, 503 if not_saved else 200


add_question_pages(
    bp,
    JourneySpec(
        journey.CANDIDATES, candidate_required, lambda: g.candidate, _where_to_resume, _context
    ),
    "/assessment",
)


@bp.route("/assessment/about-you", methods=["GET", "POST"])
@candidate_required
def about_you():
    """Offer the voluntary self-identification questions, then submit the assessment."""
    candidate = g.candidate
    if is_submitted(candidate) or candidate["status"] == "invited":
        return _where_to_resume()
    questionnaire = journey.candidate_questionnaire(db(), candidate)
    saved = journey.saved_answers(db(), candidate["id"])
    plan = journey.form_plan(db(), candidate, questionnaire, saved)
    if journey.resume_page(plan, saved) < len(plan.pages):
        flash("A few questions still need an answer before you can send the assessment.", "info")
        return _where_to_resume()
    questions = current_app.config["SELF_ID"]
    form = self_id_form_class(questions)()
    not_saved = False
    if form.validate_on_submit():
        try:
            if not form.skip.data:
                journey.save_self_identification(db(), candidate["id"], form.values(), questions)
            submit_assessment(
                db(), candidate["id"], instance_path=current_app.config["INSTANCE_PATH"]
            )
        except AlreadySubmitted:
            pass  # the same form sent twice: the first one counted
        except STORAGE_ERRORS as error:
            if not storage_failed(error):
                raise
            not_saved = True
        if not not_saved:
            return redirect(url_for("candidate.done"))
    html = render_template("candidate/about_you.html", form=form, not_saved=not_saved, **_context())
    return html, 503 if not_saved else 200


@bp.route("/assessment/done")
@candidate_required
def done():
    """Thank the candidate; the link leads here from now on."""
    if not is_submitted(g.candidate):
        return _where_to_resume()
    # no questionnaire needed: the thank-you page stays reachable whatever happens to the file
    role = get_role(db(), g.candidate["role_id"])
    saved_time = time_saved(db(), g.candidate["id"])
    return render_template(
        "candidate/done.html", candidate=g.candidate, role=role, saved_time=saved_time
    )


@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
def stop_reminders(token: str):
    """Stop reminder e-mails from a reminder's link, with no sign-in (the invitation stays)."""
    form = StopRemindersForm()
    try:
        if request.method == "POST" and form.validate():
            holder = reminders.opt_out(db(), token)
        else:  # a mail scanner opening the link changes nothing: stopping takes the button
            holder = reminders.opt_out_holder(db(), token)
    except reminders.ReminderError:
        return _link_problem(404)
    return render_template("candidate/stop_reminders.html", form=form, holder=holder)
