"""The rules for text in a plan, the same on every way in: plan files, spreadsheet imports
and the web forms all ask these functions.

Text is stored and shown as typed, except what cannot be seen: control characters (a NUL,
which PostgreSQL cannot store; a line break inside a name) and the bidirectional controls
that make one name look like another in a list or an export (U+202E shows "exe.doc" as
"cod.exe"). Ids are what plans and spreadsheets cross-reference, so they are plain.
"""

from __future__ import annotations

import re
import unicodedata

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
ID_RULE = "letters, digits and - _ . : only, starting with a letter or digit"
# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates; in a
# note, tabs and line breaks are text.
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HIDDEN_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAMES = {"\x00": "a NUL", "\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


def text_problem(value: str, *, lines: bool = False) -> str | None:
    """What makes this text unfit to keep, in words, or None. `lines`: a note, where line
    breaks and tabs belong."""
    found = (HIDDEN_IN_LINES if lines else HIDDEN).search(value)
    if found is None:
        return None
    char = found.group()
    name = NAMES.get(char) or unicodedata.name(char, "a control character").lower()
    return (f"holds an invisible character, U+{ord(char):04X} ({name}), at position "
            f"{found.start() + 1}; remove it")


def id_problem(value: str) -> str | None:
    """Why this is not an id, or None."""
    if ID_PATTERN.fullmatch(value):
        return None
    return f'"{value}" is not an id: use {ID_RULE}'
