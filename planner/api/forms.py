"""A write through the API is checked by the page's own form: the JSON body is given to the
form as if typed into it (each value as text, so the one number reader reads "75,000 EUR"
as the page does), the form's own rules decide, and a refusal names each field in a
problem document (422) with the form's own words. Nothing is possible through the API that
the page refuses, and nothing is worded twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_smorest import abort
from werkzeug.datastructures import MultiDict


def as_typed(value: Any) -> list[str]:
    """A JSON value as the text(s) a person would have typed for it."""
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["y"] if value else []
    if isinstance(value, list):
        return [text for item in value for text in as_typed(item)]
    return [str(value)]


def typed(data: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> MultiDict:
    """The form data of a body: `base` (the row as its form shows it now, for a change
    that sends only some fields) with the body's fields over it."""
    merged = {**(base or {}), **data}
    found = MultiDict()
    for name, value in merged.items():
        texts = as_typed(value)
        if texts:
            found.setlist(name, texts)
    return found


def shown(form: Any) -> dict[str, Any]:
    """A form's fields as it shows them (its values as text): the base of a change, and of
    a new row its page's empty form. A select shows its value, and with none its first
    choice, as a browser sends it untouched."""
    found = {}
    for field in form:
        if field.type == "SelectField":
            first = next(iter(field.iter_choices()), (None,))[0]
            found[field.name] = first if field.data is None else field.data
        elif field.type in ("BooleanField", "SelectMultipleField"):
            found[field.name] = field.data
        elif field.type != "CSRFTokenField":
            found[field.name] = field._value()
    return found


def filled(form_class: type, data: Mapping[str, Any], *,
           base: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None,
           **options: Any) -> Any:
    """The page's form filled from the body and validated, or a 422 problem naming each
    refused field by its API name (`names`: the form's field name -> the API's, where they
    differ)."""
    form = form_class(formdata=typed(data, base), meta={"csrf": False}, **options)
    if not form.validate():
        refuse(form, names)
    return form


def refuse(form: Any, names: Mapping[str, str] | None = None) -> None:
    """422 with each of the form's errors, one per field and word."""
    names = names or {}
    errors = [{"field": names.get(name, name), "detail": str(word)}
              for name, words in form.errors.items() if name is not None
              for word in _flat(words)]
    errors += [{"field": "(body)", "detail": str(word)}
               for word in getattr(form, "form_errors", [])]
    abort(422, errors=errors or [{"field": "(body)", "detail": "Refused."}])


def _flat(words: Any) -> list[Any]:
    if isinstance(words, dict):
        return [w for inner in words.values() for w in _flat(inner)]
    if isinstance(words, list | tuple):
        return [w for inner in words for w in _flat(inner)]
    return [words]
