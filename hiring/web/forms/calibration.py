"""Forms of the Validity page: incumbent upload with its success criterion, calibrate, suspend."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hiring.modeling.model import METHODS
from hiring.modeling.versions import MAX_REASON

RULE_CHOICES = [
    SelectChoice("binary", "Yes/no column (high performer or not)"),
    SelectChoice("threshold", "Numeric KPI: success at or beyond a threshold"),
    SelectChoice("top_share", "Numeric KPI: the best share of incumbents"),
]


class IncumbentUploadForm(FlaskForm):
    """Upload an incumbent CSV and say who counts as a high performer."""

    file = FileField(
        "Incumbent CSV file", validators=[FileRequired(message="Choose a CSV file to upload.")]
    )
    outcome = StringField(
        "Success column",
        default="high_performer",
        validators=[InputRequired(message="Name the column holding the outcome."), Length(max=100)],
    )
    rule = SelectField("Who counts as a high performer", choices=RULE_CHOICES, default="binary")
    threshold = FloatField("Threshold (for the threshold rule)", validators=[Optional()])
    share = FloatField(
        "Share (for the top-share rule, e.g. 0.3 for the best 30%)",
        validators=[Optional(), NumberRange(min=0.01, max=0.99)],
    )
    lower_is_better = BooleanField("Lower KPI values are better (e.g. handle time)")
    synthetic = BooleanField("These are synthetic (demo or test) incumbents")


class CalibrateForm(FlaskForm):
    """Calibrate a new model version on the role's incumbents."""

    method = SelectField(
        "Model",
        choices=[SelectChoice(m, m.title()) for m in METHODS],
        default="logistic",
    )


class ActivateForm(FlaskForm):
    """Activate a model version; one with weak evidence needs the reason for the override."""

    override_reason = TextAreaField(
        "Its evidence is weak: why activate it anyway?",
        validators=[Optional(), Length(max=MAX_REASON)],
    )


class SuspendForm(FlaskForm):
    """Suspend a model version for good, with the reason."""

    reason = TextAreaField(
        "Reason for suspending",
        validators=[InputRequired(message="Say why."), Length(max=MAX_REASON)],
    )


class OutcomeUploadForm(FlaskForm):
    """Upload hires' later job performance (KPIs, rating, retention)."""

    file = FileField(
        "Outcome CSV file", validators=[FileRequired(message="Choose a CSV file to upload.")]
    )


def _reliability(label: str) -> FloatField:
    return FloatField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0.01, max=1, message="A reliability is above 0 and at most 1."),
        ],
    )


class ReliabilityForm(FlaskForm):
    """The outcomes' reliabilities, to correct for them too (read from the query string)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    csat = _reliability("Reliability of CSAT")
    qa = _reliability("Reliability of the QA score")
    handle_time = _reliability("Reliability of handle time")
    rating = _reliability("Reliability of the manager rating (e.g. 0.52 for one rater)")


class HiresCalibrationForm(FlaskForm):
    """Calibrate a new version on the incumbents and the hires, with one outcome as success."""

    outcome = SelectField(
        "Hires' success is",
        choices=[
            SelectChoice("retained_90", "still employed at 90 days"),
            SelectChoice("retained_180", "still employed at 180 days"),
            SelectChoice("csat", "CSAT at or above the threshold"),
            SelectChoice("qa", "QA score at or above the threshold"),
            SelectChoice("rating", "manager rating at or above the threshold"),
            SelectChoice("handle_time", "handle time at or below the threshold"),
        ],
        default="retained_90",
    )
    threshold = FloatField("Threshold (for a KPI)", validators=[Optional()])
    method = SelectField(
        "Model", choices=[SelectChoice(m, m.title()) for m in METHODS], default="logistic"
    )


class MoneyUtilityForm(FlaskForm):
    """The inputs of the Brogden-Cronbach-Gleser utility (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    salary = FloatField(
        "Annual salary of the role",
        validators=[InputRequired(message="Give the annual salary."), NumberRange(min=1, max=1e8)],
    )
    sdy = FloatField(
        "SDy: how much a year's performance varies in money (blank: 40% of the salary)",
        validators=[Optional(), NumberRange(min=0, max=1e8)],
    )
    cost = FloatField(
        "Cost of assessing one applicant",
        default=0,
        validators=[InputRequired(message="Give the cost per applicant (0 if none)."),
                    NumberRange(min=0, max=1e6)],
    )  # fmt: skip
    hires = IntegerField(
        "Hires per year",
        validators=[InputRequired(message="Give the hires per year."), NumberRange(min=1, max=1e6)],
    )
    tenure = FloatField(
        "Average years a hire stays",
        default=1.5,
        validators=[InputRequired(message="Give the average tenure in years."),
                    NumberRange(min=0.1, max=50)],
    )  # fmt: skip
    share = FloatField(
        "Share of applicants hired (selection ratio, e.g. 0.2)",
        default=0.2,
        validators=[InputRequired(message="Give the share of applicants hired."),
                    NumberRange(min=0.01, max=1, message="Give a share between 0.01 and 1.")],
    )  # fmt: skip
