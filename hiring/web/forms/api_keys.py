"""Forms of the admin's integration pages: API keys and webhook subscriptions."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from hiring.accounts.api_keys import SCOPES
from hiring.webhooks.subscriptions import EVENTS


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


class WebhookAddForm(FlaskForm):
    """A URL and the events it is sent."""

    url = StringField("URL", validators=[DataRequired(), Length(max=2000)])
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(name, name) for name in EVENTS],
        validators=[DataRequired(message="Choose at least one event.")],
        validate_choice=True,
    )


class ButtonForm(FlaskForm):
    """A button that changes one thing named in its URL (remove, replay)."""
