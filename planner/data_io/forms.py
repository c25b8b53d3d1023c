"""Upload forms: a spreadsheet into a plan, and a plan file as a new plan."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from planner.data_io.columns import TABLE_BY_KEY
from planner.data_io.merge import IMPORTED
from planner.forms import Form, Longest, choices

# The extension is checked where the file is read, whose message names the file.
CHOOSE_FILE = "Choose a file to upload."


class ImportForm(Form):
    file = FileField("Spreadsheet (.xlsx or .csv)", [FileRequired(CHOOSE_FILE)],
                     description="An Excel workbook with sheets named Moments, Influences "
                                 "or Initiatives (the template's), or a CSV file of one of "
                                 "them.")
    table = SelectField("A CSV file holds", choices=choices(
        (key, TABLE_BY_KEY[key].sheet) for key in reversed(IMPORTED)), default="initiatives",
        description="Only for a CSV file: which list its rows are.")


class PlanFileForm(Form):
    file = FileField("Plan file (.json or .xlsx)", [FileRequired(CHOOSE_FILE)],
                     description="A plan file as the app and `planner export` write it: "
                                 "JSON, or a workbook with a Plan sheet and one sheet per list.")
    name = StringField("Name of the new plan", [Optional(), Longest(120)],
                       description="Leave empty to use the name in the file.")
