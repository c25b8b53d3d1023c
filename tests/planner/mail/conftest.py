"""The SMTP server of the mail tests (smtp.py), one per test module."""

from tests.planner.mail.smtp import mailbox, smtp_server  # noqa: F401
