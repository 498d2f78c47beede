"""Forms for inviting candidates: one by name and address, or many from a CSV file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from hiring.candidates.invites import MAX_CSV_ROWS, MAX_NAME


class InviteForm(FlaskForm):
    """Invite one candidate to an open role (the address is checked by the use case)."""

    role = SelectField("Role", validators=[InputRequired(message="Choose a role.")])
    name = StringField(
        "Candidate's name",
        validators=[InputRequired(message="Enter the candidate's name."), Length(max=MAX_NAME)],
    )
    email = EmailField(
        "E-mail address",
        validators=[
            InputRequired(message="Enter the candidate's e-mail address."),
            Length(max=254),
        ],
    )


class UploadForm(FlaskForm):
    """Invite many candidates from a CSV file with the columns name, email and role."""

    role = SelectField("Role for rows without one")
    file = FileField(
        f"CSV file (columns name, email, role; up to {MAX_CSV_ROWS:,} rows)",
        validators=[FileRequired(message="Choose a CSV file to upload.")],
    )


class ReissueForm(FlaskForm):
    """Confirm making a new link for a candidate (the old one stops working)."""
