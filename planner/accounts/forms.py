"""The sign-in form and the first admin's set-up form."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from planner.accounts.passwords import LONGEST, password_problem
from planner.forms import Form, Longest


class SignInForm(Form):
    email = EmailField("Email", [DataRequired(), Longest(254)])
    password = PasswordField("Password", [DataRequired(), Longest(LONGEST)])


class SetupForm(Form):
    name = StringField("Your name", [DataRequired(), Longest(120)])
    email = EmailField("Email", [DataRequired(), Longest(254)])
    password = PasswordField("Password", [DataRequired()],
                             description="At least 12 characters; a few words make a good "
                                         "one.")
    confirm = PasswordField("The password again", [EqualTo("password", "The two differ.")])

    def validate_password(self, field: Any) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class PasswordForm(Form):
    current = PasswordField("Your password now", [DataRequired()])
    password = PasswordField("New password", [DataRequired()],
                             description="At least 12 characters; a few words make a good "
                                         "one.")
    confirm = PasswordField("The new password again",
                            [EqualTo("password", "The two differ.")])

    def validate_password(self, field: Any) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
