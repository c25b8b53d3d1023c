"""The form behind every "are you sure?" page: a CSRF token and a button."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    pass
