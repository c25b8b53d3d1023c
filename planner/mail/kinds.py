"""The kinds of mail the planner sends, each a checkbox on a person's account page: what
the box says, by kind (a person turns a kind off there, kept in User.mail_off)."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "decision": "A decision is published that changes your team's initiatives",
    "appeal-answered": "Your appeal is answered",
    "proposals": "Proposals open in a plan of yours, and two days before they close",
    "appeal-received": "An appeal arrives in a plan you lead",
}
