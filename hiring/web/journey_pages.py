"""The questionnaire pages shared by every respondent's journey: one page, and its autosave.

Candidates (``web/candidate.py``) and employees in an incumbent study (``web/study_journey.py``)
answer the same pages with the same form, autosave and layout; each blueprint adds them with
:func:`add_question_pages`, saying who its respondent is and how it resumes.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    get_template_attribute,
    redirect,
    render_template,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from hiring.candidates import journey
from hiring.candidates.records import AlreadySubmitted, is_submitted
from hiring.web.database import db
from hiring.web.errors import STORAGE_ERRORS, storage_failed
from hiring.web.forms.candidate import page_form_class
from hiring.web.fragments import fragment


@dataclass(frozen=True)
class JourneySpec:
    """How one blueprint's respondent takes the questionnaire pages."""

    who: journey.Respondents
    required: Callable[[Callable], Callable]  # the decorator that sets the respondent
    current: Callable[[], dict]  # the signed-in respondent's row
    resume: Callable[[], Any]  # the redirect to where they stopped
    context: Callable[..., dict]  # the template context of every journey page


def _shown_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="page-shown")


def _seconds_on_page(signed: str | None, person_id: int, page_id: str) -> float | None:
    """Return the seconds since the page was shown, from the signed stamp in the form."""
    try:
        payload, shown = _shown_serializer().loads(signed or "", return_timestamp=True)
    except BadSignature:
        return None
    if payload != [person_id, page_id]:
        return None
    return max(time.time() - shown.timestamp(), 0.0)


def _questions(form: Any, questionnaire: Any, page_id: str) -> Markup:
    """A page's questions as HTML, kept per process for each page and set of answers."""
    state = tuple((f.name, f.data, tuple(f.errors)) for f in form.answer_fields())
    key = (questionnaire.id, questionnaire.version, questionnaire.content_hash, page_id, state)
    macro = get_template_attribute("candidate/_questions.html", "questions")
    return fragment("questions", key, lambda: macro(form, questionnaire))


def add_question_pages(bp: Blueprint, spec: JourneySpec, prefix: str) -> None:
    """Add ``page`` and ``autosave`` to ``bp`` under ``prefix`` (``/assessment``)."""
    name = bp.name

    def _save(number: int, answers: dict[str, int], seconds: float | None, advance: bool) -> None:
        try:
            journey.save_page(
                db(), spec.current()["id"], number - 1, answers, seconds=seconds,
                advance=advance, who=spec.who,
            )  # fmt: skip
        except AlreadySubmitted:
            pass  # a late autosave or a second tab: the submitted answers stand

    def _page_count() -> int:
        """The number of pages now (an adaptive form's grows as its answers come in)."""
        person = spec.current()
        questionnaire = journey.candidate_questionnaire(db(), person)
        if person.get("form") != "adaptive":
            return len(questionnaire.pages)
        saved = journey.saved_answers(db(), person["id"], spec.who)
        return len(journey.form_plan(db(), person, questionnaire, saved, spec.who).pages)

    def _submit_page(form: Any, number: int, page_id: str) -> Any:
        """Save a sent page; return where to go next, or None to show it with its errors."""
        seconds = _seconds_on_page(form.shown.data, spec.current()["id"], page_id)
        if form.back.data:
            _save(number, form.answers(only_valid=True), seconds, advance=False)
            return redirect(url_for(f"{name}.page", number=max(number - 1, 1)))
        if form.validate():
            _save(number, form.answers(), seconds, advance=True)
            if number >= _page_count():
                return redirect(url_for(f"{name}.about_you"))
            return redirect(url_for(f"{name}.page", number=number + 1))
        _save(number, form.answers(only_valid=True), seconds, advance=False)
        return None

    @bp.route(f"{prefix}/page/<int:number>", methods=["GET", "POST"])
    @spec.required
    def page(number: int):
        """Show one questionnaire page; Next validates and saves, Back saves what is answered."""
        person = spec.current()
        if is_submitted(person) or person["status"] == "invited":
            return spec.resume()
        questionnaire = journey.candidate_questionnaire(db(), person)
        saved = journey.saved_answers(db(), person["id"], spec.who)
        plan = journey.form_plan(db(), person, questionnaire, saved, spec.who)
        if not 1 <= number <= len(plan.pages):
            if plan.adaptive and number > 1:
                return spec.resume()  # an adaptive page not chosen yet
            abort(404)
        if number - 1 > journey.resume_page(plan, saved):
            return spec.resume()  # no skipping ahead past unanswered pages
        this_page = plan.pages[number - 1]
        form = page_form_class(questionnaire, this_page)(
            data={f"a_{k}": v for k, v in saved.items() if k in this_page.item_ids}
        )
        not_saved = False
        if form.is_submitted():
            try:
                moved = _submit_page(form, number, this_page.id)
            except STORAGE_ERRORS as error:
                if not storage_failed(error):
                    raise
                moved, not_saved = None, True  # the form keeps what was sent, to send again
            if moved is not None:
                return moved
        form.shown.data = _shown_serializer().dumps([person["id"], this_page.id])
        html = render_template(
            "candidate/page.html", form=form,
            questions=_questions(form, questionnaire, this_page.id), page=this_page,
            number=number, not_saved=not_saved, plan=plan, **spec.context(),
        )  # fmt: skip
        return html, 503 if not_saved else 200

    @bp.route(f"{prefix}/page/<int:number>/autosave", methods=["POST"])
    @spec.required
    def autosave(number: int):
        """Save the answers given so far on a page (sent by autosave.js when one changes)."""
        person = spec.current()
        if is_submitted(person) or person["status"] == "invited":
            return "", 409
        questionnaire = journey.candidate_questionnaire(db(), person)
        saved = journey.saved_answers(db(), person["id"], spec.who)
        plan = journey.form_plan(db(), person, questionnaire, saved, spec.who)
        if not 1 <= number <= len(plan.pages):
            abort(404)
        form = page_form_class(questionnaire, plan.pages[number - 1])()
        try:
            _save(number, form.answers(only_valid=True), None, advance=False)
        except STORAGE_ERRORS as error:
            if not storage_failed(error):
                raise
            return "", 503  # autosave.js says so; Next saves the page again
        return "", 204
