"""Forms of the oversight pages: fairness band cut, audit-log filters, candidate erasure."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hiring.fairness.monitoring import BAND_ORDER, DEFAULT_BAND_CUT


class _QueryForm(FlaskForm):
    """A form read from the query string: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False


class BandCutForm(_QueryForm):
    """Which fit band counts as passing at the band decision point."""

    cut = SelectField(
        "Fit band at or above",
        choices=[SelectChoice(band, band) for band in reversed(BAND_ORDER)],
        default=DEFAULT_BAND_CUT,
    )


class AuditFilterForm(_QueryForm):
    """Narrow the audit log by who, what, which record and when."""

    actor = StringField("Who", validators=[Optional(), Length(max=120)])
    action = SelectField("What", choices=[SelectChoice("", "Any action")], validate_choice=False)
    target_type = StringField("Record type", validators=[Optional(), Length(max=40)])
    target_id = StringField("Record id", validators=[Optional(), Length(max=80)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To (inclusive)", validators=[Optional()])
    before = IntegerField("Older than event", validators=[Optional(), NumberRange(min=1)])


class EraseForm(FlaskForm):
    """Confirm an erasure by typing the candidate's number."""

    confirm_id = IntegerField(
        "Type the candidate's number to confirm",
        validators=[InputRequired(message="Type the number shown above.")],
    )
    understood = BooleanField(
        "I understand that everything about this candidate is deleted and cannot be restored.",
        validators=[InputRequired(message="Tick the box to confirm.")],
    )
    redact_mentions = BooleanField(
        "Also replace their name and e-mail in the notes on other candidates listed above "
        "with “[erased candidate]”."
    )
