"""Forms of the staff workspace: roles, list filters, decisions, notes, cohorts and users."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from hiring.accounts.passwords import MIN_PASSWORD_LENGTH
from hiring.accounts.users import ROLES
from hiring.workspace.decisions import ADVANCING, DECISION_STATUSES, MAX_NOTE, MAX_REASON
from hiring.workspace.ranking import SORTS, STATUSES

BANDS = ("strong", "good", "moderate", "low", "knock-out", "not calibrated")


def choices(pairs) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into select options (a value of None becomes "")."""
    return [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


def _int_or_none(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[call-overload]


class GetForm(FlaskForm):
    """A form read from the query string: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False


class ListFilterForm(GetForm):
    """Narrow and order a role's ranked candidates."""

    status = SelectField(
        "Status",
        choices=choices([("", "Any status"), *((s, s.title()) for s in STATUSES)]),
        default="",
    )
    band = SelectField(
        "Band",
        choices=choices([("", "Any band"), *((b, b.capitalize()) for b in BANDS)]),
        default="",
    )
    flags = SelectField(
        "Response quality",
        choices=choices([("", "Any"), ("flagged", "With quality flags"), ("clean", "No flags")]),
        default="",
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    q = SearchField(
        "Name or e-mail",
        validators=[Optional(), Length(max=100, message="A search is at most 100 characters.")],
    )
    sort = SelectField(
        "Sort by", choices=choices((key, s.label) for key, s in SORTS.items()), default="fit"
    )


class IdsForm(GetForm):
    """Candidates picked by check box (compare, cohort)."""

    c = SelectMultipleField("Candidates", coerce=int, validate_choice=False)


class BulkForm(FlaskForm):
    """Act on the candidates picked by check box in a role's list: one decision for all,
    new links, a CSV, or compare."""

    c = SelectMultipleField("Candidates", coerce=int, validate_choice=False)
    action = SelectField(
        "Action",
        choices=choices(
            [("decide", "Decide"), ("resend", "Re-send invitations"), ("export", "Export"),
             ("compare", "Compare")]
        ),
    )  # fmt: skip
    status = SelectField(
        "Move the selected candidates to",
        choices=choices((s, s.title()) for s in (*ADVANCING, "rejected")),
        default=ADVANCING[0],
        id="bulk-status",  # the filter form above has its own "status"
    )
    override = BooleanField("This decision goes against the fit score", id="bulk-override")
    reason = TextAreaField(
        "One reason for all of them (required for a rejection or an override)",
        validators=[Optional(), Length(max=MAX_REASON)],
        id="bulk-reason",
    )


class RoleForm(FlaskForm):
    """Open a job role."""

    title = StringField("Job title", validators=[InputRequired(), Length(max=120)])
    location = StringField("Location", validators=[Optional(), Length(max=120)])
    questionnaire = SelectField("Questionnaire", validators=[InputRequired()])
    profile = SelectField("Hiring profile", validators=[InputRequired()])
    hiring_manager = SelectField("Hiring manager", coerce=_int_or_none, validate_choice=True)


class ManagerForm(FlaskForm):
    """Change a role's hiring manager."""

    hiring_manager = SelectField("Hiring manager", coerce=_int_or_none, validate_choice=True)


class AssessmentFormForm(FlaskForm):
    """Choose the full questionnaire or the adaptive short form for a role's new candidates."""

    form = SelectField(
        "Form new candidates take",
        choices=[
            SelectChoice("full", "Full questionnaire: every statement"),
            SelectChoice(
                "adaptive", "Adaptive short form: only the statements needed for a precise score"
            ),
        ],
        validators=[InputRequired(message="Choose a form.")],
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class StatusForm(FlaskForm):
    """Move a candidate along the pipeline."""

    status = SelectField("New status", choices=choices((s, s.title()) for s in DECISION_STATUSES))
    override = BooleanField("This decision goes against the fit score")
    reason = TextAreaField(
        "Reason (required for a rejection or an override)",
        validators=[Optional(), Length(max=MAX_REASON)],
    )


class NoteForm(FlaskForm):
    """Add a note to a candidate."""

    body = TextAreaField("Note", validators=[InputRequired(), Length(max=MAX_NOTE)])


class UserAddForm(FlaskForm):
    """Create a staff account."""

    username = StringField("User name", validators=[InputRequired(), Length(max=80)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=choices((r, r.title()) for r in ROLES))
    password = PasswordField(
        "Password (leave empty to generate one)",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )


class UserUpdateForm(FlaskForm):
    """Change a staff account's role or switch it on or off."""

    role = SelectField("Role", choices=choices((r, r.title()) for r in ROLES))
    active = BooleanField("Account active")


class PasswordResetForm(FlaskForm):
    """Set a new password for someone else's account."""

    password = PasswordField(
        "New password (leave empty to generate one)",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )


class TwoFactorPolicyForm(FlaskForm):
    """The roles whose members must sign in with a second factor."""

    roles = SelectMultipleField(
        "Require a second factor for", choices=choices((r, r) for r in ROLES), validate_choice=True
    )
