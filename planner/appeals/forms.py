"""The appeal form: a new figure for every input the explanation of a rejection names (its
cost, in total or per period, where it is over a budget or outranked; its uplift on each
moment, which the break-even uplift names; its use of each resource, where a capacity is in
the way; its confidence), each field saying what the figure is now."""

from __future__ import annotations

from typing import Any

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from optimizer.planfile.ranges import CAPACITY, MONEY, SHARE, UPLIFT
from planner import number_kinds as kinds
from planner.appeals.effect import KINDS, Figures, now_of, total_of
from planner.forms import Above, AtLeast, Form, Longest, Number
from planner.web import money, number


class AppealForm(Form):
    cost = Number("New total cost", [Optional(), AtLeast.of(MONEY)],
                  description="Empty: as it is. Each period keeps its share.")
    confidence = Number("New confidence", [Optional(), Above(0, maximum=SHARE.high)],
                        percent=True, description="Empty: as it is. Such as 90%.")
    note = TextAreaField("The new evidence", [DataRequired(), Longest(2000)],
                         description="What changed: a quote, a pilot's result, a saving.")
    # (kind, key in the plan, field name) of each per-input field, in the form's order
    inputs: list[tuple[str, str, str]] = []

    def figures(self) -> Figures | None:
        """The new figures given; None, with the fields' errors said, when they are none or
        clash (a new total and new costs per period)."""
        changes: dict[str, dict[str, float]] = {}
        for kind, key, name in self.inputs:
            if self[name].data is not None:
                changes.setdefault(kind, {})[key] = self[name].data
        found = Figures(cost=self.cost.data, confidence=self.confidence.data, changes=changes)
        if found.empty:
            self.cost.errors = [
                "Give a new figure for at least one input: the cost or a period's cost, an "
                "uplift, a resource's use, or the confidence."]
            return None
        if found.cost is not None and changes.get("costs"):
            self.cost.errors = ["Give a new total cost or new costs per period, not both: "
                                "a new total keeps each period's share."]
            return None
        return found

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The per-input fields by kind, headed, for the page."""
        heads = {"costs": "Cost per period", "effects": "Uplift per moment",
                 "uses": "Resources it uses"}
        return [(heads[kind], [self[name] for k, _, name in self.inputs if k == kind])
                for kind in KINDS if any(k == kind for k, _, _ in self.inputs)]


class AnswerForm(Form):
    """The CX lead's answer to an appeal: its reason, which the team reads."""

    answer = StringField("Reason", [Longest(1000)])


def appeal_form(inputs: dict[str, Any], key: str, **kwargs: Any) -> AppealForm:
    """The form for an appeal on initiative `key` of the decision whose plan document is
    `inputs`: one field per period it has a cost in (when the plan has periods), per moment
    it is tagged to and per resource it uses, each saying the figure now."""
    entry = next(i for i in inputs["initiatives"] if i["id"] == key)
    currency = inputs.get("currency", "EUR")
    moments = {m["id"]: m.get("name") or m["id"] for m in inputs.get("moments", [])}
    resources = {r["id"]: r for r in inputs.get("resources", [])}
    now = now_of(entry)
    fields: dict[str, Any] = {}
    listed: list[tuple[str, str, str]] = []
    periods = [p["id"] for p in inputs.get("periods", [])]
    for position, period in enumerate(periods):
        fields[f"costs_{position}"] = Number(
            f"New cost in {period}", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY,
            description=f"Now {money(now['costs'].get(period, 0), currency)}.")
        listed.append(("costs", period, f"costs_{position}"))
    for position, (moment, uplift) in enumerate(now["effects"].items()):
        fields[f"effects_{position}"] = Number(
            f"New uplift on {moments.get(moment, moment)}", [Optional(), AtLeast.of(UPLIFT)],
            kind=kinds.POINTS, description=f"Now {number(uplift)} points.")
        listed.append(("effects", moment, f"effects_{position}"))
    for position, (resource, amount) in enumerate(now["uses"].items()):
        found = resources.get(resource, {})
        unit = found.get("unit", "")
        fields[f"uses_{position}"] = Number(
            f"New use of {found.get('name') or resource}", [Optional(), AtLeast.of(CAPACITY)],
            kind=kinds.MONTHS, unit=unit or None,
            description=f"Now {number(amount)}{' ' + unit if unit else ''}.")
        listed.append(("uses", resource, f"uses_{position}"))
    fields["inputs"] = listed
    form_class = type("InitiativeAppealForm", (AppealForm,), fields)
    form = form_class(**kwargs)
    form.cost.description = (f"Now {money(total_of(entry), currency)}. Empty: as it is. "
                             "Each period keeps its share.")
    return form
