"""Candidate forms: consent, the questionnaire pages built from its definition, self-ID.

A questionnaire page form is a class made at run time with one ``RadioField`` per item
(the CTFd pattern), so the YAML file alone decides what a candidate sees.
"""

from functools import cache

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from hiring.assessment.answers import answer_value
from hiring.candidates.self_identification import SelfIdQuestions

FIELD_PREFIX = "a_"


class ConsentForm(FlaskForm):
    """Agree to take the assessment after reading how the answers are used."""

    consent = BooleanField(
        "I have read how my answers are used and kept, and I agree to take the assessment.",
        validators=[InputRequired(message="Tick the box to agree before you start.")],
    )


class StopRemindersForm(FlaskForm):
    """Stop reminder e-mails about an unfinished assessment (only the CSRF token)."""


class QuestionPage(FlaskForm):
    """Base of every questionnaire page: the signed time the page was shown."""

    shown = HiddenField()
    next = SubmitField("Next")
    back = SubmitField("Back")

    def answer_fields(self) -> list:
        """Return the item fields in page order."""
        return [field for field in self if field.name.startswith(FIELD_PREFIX)]

    def answers(self, only_valid: bool = False) -> dict[str, int]:
        """Return the chosen answers by item id; ``only_valid`` keeps those in range.

        Going Back saves what was answered without asking for the rest, so there the
        answers are read field by field instead of after ``validate()``.
        """
        chosen = {}
        for field in self.answer_fields():
            if field.process_errors:
                continue  # what was sent is not an answer: keep what was saved before
            value = field.data
            in_range = isinstance(value, int) and 1 <= value <= len(field.choices)
            if isinstance(value, int) and (in_range or not only_valid):
                chosen[field.name.removeprefix(FIELD_PREFIX)] = value
        return chosen


def answer_choice(value: object) -> int:
    """Read a posted answer: only the documented values "1".."n" (``int()`` takes "٣", " 3")."""
    answer = answer_value(value)
    if answer is None:
        raise ValueError("not an answer")
    return answer


def _likert_field(questionnaire, item, number: int) -> RadioField:
    labels = questionnaire.response_scale.labels
    return RadioField(
        item.text,
        choices=[SelectChoice(str(i + 1), label) for i, label in enumerate(labels)],
        coerce=answer_choice,
        validators=[InputRequired(message=f"Choose an answer for statement {number}.")],
        invalid_value_message=f"Choose one of the answers shown for statement {number}.",
        description="likert",
    )


def _sjt_field(item, number: int) -> RadioField:
    return RadioField(
        item.prompt,
        choices=[SelectChoice(str(i + 1), o.text) for i, o in enumerate(item.options)],
        coerce=answer_choice,
        validators=[InputRequired(message="Choose what you would most likely do.")],
        invalid_value_message="Choose one of the options shown.",
        description="sjt",
    )


_classes: dict[tuple, type[QuestionPage]] = {}
MAX_FORM_CLASSES = 4096


def page_form_class(questionnaire, page) -> type[QuestionPage]:
    """Return the form class of one questionnaire page (built once per published content).

    An adaptive page's statements differ between candidates, so they are part of the key.
    """
    key = (
        questionnaire.id,
        questionnaire.version,
        questionnaire.content_hash,
        page.id,
        page.item_ids,
    )
    if key not in _classes:
        if len(_classes) >= MAX_FORM_CLASSES:
            _classes.clear()  # adaptive pages vary; keep the cache bounded
        _classes[key] = _build_page_form(questionnaire, page)
    return _classes[key]


def _build_page_form(questionnaire, page) -> type[QuestionPage]:
    fields = {}
    for number, item_id in enumerate(page.item_ids, start=1):
        if item_id in questionnaire.sjt_by_id:
            fields[FIELD_PREFIX + item_id] = _sjt_field(questionnaire.sjt_by_id[item_id], number)
        else:
            item = questionnaire.likert_by_id[item_id]
            fields[FIELD_PREFIX + item_id] = _likert_field(questionnaire, item, number)
    return type(f"Page_{page.id}", (QuestionPage,), fields)


class SelfIdForm(FlaskForm):
    """Voluntary self-identification; every question may be left at "Prefer not to say"."""

    questions: SelfIdQuestions  # set on each class built by ``self_id_form_class``
    send = SubmitField("Send my assessment")
    skip = SubmitField("Skip these questions and send")

    def self_id_fields(self) -> list:
        """Return the question fields in the order they are asked."""
        return [self[q.id] for q in self.questions.questions]

    def values(self) -> dict[str, str]:
        """Return the answers by characteristic."""
        prefer_not = self.questions.prefer_not
        return {q.id: self[q.id].data or prefer_not for q in self.questions.questions}


@cache
def self_id_form_class(questions: SelfIdQuestions) -> type[SelfIdForm]:
    """Return the form asking the deployment's self-identification questions (built once)."""
    fields = {
        q.id: RadioField(
            q.question,
            choices=[SelectChoice(c) for c in questions.choices(q.id)],
            default=questions.prefer_not,
            validators=[Optional()],
        )
        for q in questions.questions
    }
    return type("SelfIdForm", (SelfIdForm,), {"questions": questions, **fields})


class SubmitForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post."""


class LinkRequestForm(FlaskForm):
    """A submitted candidate asks for a fresh link to be sent to their e-mail address."""

    email = StringField(
        "The e-mail address your invitation was sent to",
        validators=[InputRequired(), Length(max=254)],
    )
