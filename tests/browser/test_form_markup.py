"""The form macros' markup (templates/_form.html), without a browser: each field names in
aria-describedby exactly its help and its errors, by ids that the page has, and says
aria-invalid only when refused; a refused form's summary is an alert that can take the
focus and links to each field in error. The browser tests (test_keyboard.py) check the
same in Chromium, on the plan's own forms."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import render_template_string
from wtforms import BooleanField, Form, IntegerField, StringField
from wtforms.validators import DataRequired

PAGE = """{% from "_form.html" import field, form_errors %}
{{ form_errors(form) }}
{% for f in form %}{{ field(f) }}{% endfor %}"""


class Sample(Form):
    name = StringField("Name", [DataRequired("Give it a name.")],
                       description="As the team calls it.")
    count = IntegerField("Count", [DataRequired("Give a count.")])
    note = StringField("Note")
    urgent = BooleanField("Urgent")
    public = BooleanField("Public", description="Shown to every team.")


class Elements(HTMLParser):
    """Each element's attributes and text, by id; and every element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.all: list[dict] = []
        self.open: list[dict] = []

    def handle_starttag(self, tag, attrs) -> None:
        element = {"tag": tag, **dict(attrs), "text": ""}
        self.all.append(element)
        if "id" in element:
            self.by_id[element["id"]] = element
        if tag not in ("input", "br", "img"):
            self.open.append(element)

    def handle_endtag(self, tag) -> None:
        if self.open and self.open[-1]["tag"] == tag:
            self.open.pop()

    def handle_data(self, data) -> None:
        for element in self.open:
            element["text"] += data


def rendered(app, form) -> Elements:
    with app.test_request_context():
        html = render_template_string(PAGE, form=form)
    elements = Elements()
    elements.feed(html)
    return elements


def described(elements: Elements, field_id: str) -> list[str]:
    """The texts that a field's aria-describedby names (an id the page lacks fails)."""
    ids = (elements.by_id[field_id].get("aria-describedby") or "").split()
    assert all(name in elements.by_id for name in ids), ids
    return [elements.by_id[name]["text"].strip() for name in ids]


def test_a_field_names_its_help_only_when_it_has_one(app):
    elements = rendered(app, Sample())
    assert described(elements, "name") == ["As the team calls it."]
    assert described(elements, "public") == ["Shown to every team."]
    for bare in ("count", "note", "urgent"):  # no help, no error: nothing named
        assert "aria-describedby" not in elements.by_id[bare]
    assert not [e for e in elements.all if "aria-invalid" in e]
    assert not [e for e in elements.all if e.get("role") == "alert"]  # nothing refused


def test_a_refused_field_names_its_errors_and_the_summary_links_to_it(app):
    form = Sample(data={"note": "kept"})
    assert not form.validate()
    elements = rendered(app, form)
    assert described(elements, "name") == ["As the team calls it.", "Give it a name."]
    assert described(elements, "count") == ["Give a count."]
    invalid = {e["id"] for e in elements.all if e.get("aria-invalid") == "true"}
    assert invalid == {"name", "count"}
    [summary] = [e for e in elements.all if "error-summary" in e.get("class", "")]
    assert (summary["role"], summary["tabindex"]) == ("alert", "-1")
    assert "nothing was saved" in summary["text"]
    links = [e["href"] for e in elements.all if e["tag"] == "a"]
    assert links == ["#name", "#count"]
