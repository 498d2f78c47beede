"""Forms for signing in and changing a password."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from hiring.accounts.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Sign in with a user name and password."""

    username = StringField("User name", validators=[InputRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    """Change one's own password, proving the current one first."""

    current = PasswordField("Current password", validators=[InputRequired()])
    new = PasswordField(
        "New password", validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("new", message="The two new passwords differ.")],
    )


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[InputRequired(), Length(max=20)],
    )


class TwoFactorOffForm(FlaskForm):
    """Turn the second factor off: the password and a code prove it is the owner."""

    password = PasswordField("Your password", validators=[InputRequired(), Length(max=200)])
    code = StringField(
        "A code from your app, or a recovery code", validators=[InputRequired(), Length(max=20)]
    )
