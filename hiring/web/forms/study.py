"""Forms of the incumbent study pages: open a study, invite employees, KPIs, the calibration set."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, FloatField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hiring.team.kpis import KPI_COLUMNS


class OpenStudyForm(FlaskForm):
    """Open a study for a role."""

    role = SelectField("Role", validators=[InputRequired(message="Choose a role.")])


class EmployeeForm(FlaskForm):
    """Invite one employee to a study."""

    employee_id = StringField(
        "Employee id", validators=[InputRequired(message="Enter the employee id."), Length(max=64)]
    )
    name = StringField(
        "Name", validators=[InputRequired(message="Enter the employee's name."), Length(max=120)]
    )
    email = EmailField(
        "E-mail address",
        validators=[InputRequired(message="Enter the e-mail address."), Length(max=254)],
    )
    team = StringField("Team", validators=[Length(max=80)])
    manager = SelectField("Manager", validators=[Optional()])


class FileForm(FlaskForm):
    """Upload a CSV file (employees or KPIs)."""

    file = FileField("CSV file", validators=[FileRequired(message="Choose a CSV file to upload.")])


class ActionForm(FlaskForm):
    """Confirm an action that takes no input (remind, next round, close)."""


class CalibrationSetForm(FlaskForm):
    """Choose the KPI and the rule that says who counts as a high performer."""

    column = SelectField(
        "Success KPI",
        choices=[SelectChoice(c, f"{words} ({c})") for c, (words, _) in KPI_COLUMNS.items()],
    )
    rule = SelectField(
        "Who counts as a high performer",
        choices=[SelectChoice("top_share", "The best share of employees on the KPI"),
                 SelectChoice("threshold", "Employees at or beyond a threshold")],
        default="top_share",
    )  # fmt: skip
    share = FloatField(
        "Share (e.g. 0.3 for the best 30%)",
        default=0.3,
        validators=[Optional(), NumberRange(min=0.01, max=0.99)],
    )
    threshold = FloatField("Threshold (for the threshold rule)", validators=[Optional()])
