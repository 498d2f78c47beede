"""Forms of the report pages: a batch of a role's PDF reports."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

VARIANT_CHOICES = [
    SelectChoice("fit", "Fit reports (for recruiters)"),
    SelectChoice("onboarding", "Onboarding plans (30/60/90 days, for managers)"),
]


class ReportBatchForm(FlaskForm):
    """Make the PDF report of every assessed candidate of a role, in one zip."""

    variant = SelectField("Which report", choices=VARIANT_CHOICES, default="fit")
