"""Forms of the admin's API keys page: create a key, revoke one."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from hiring.accounts.api_keys import SCOPES


class ApiKeyAddForm(FlaskForm):
    """A new key's name and scopes."""

    name = StringField("Name", validators=[DataRequired(), Length(max=40)])
    scopes = SelectMultipleField(
        "Scopes",
        choices=[SelectChoice(name, f"{name}: {text}") for name, text in SCOPES.items()],
        validators=[DataRequired(message="Choose at least one scope.")],
        validate_choice=True,
    )


class ApiKeyRevokeForm(FlaskForm):
    """Revoke one key (its name is in the URL)."""
