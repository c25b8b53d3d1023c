"""Every document the repository's files name is in the repository, and no file reads a
folder beside it (docs/style.md, "Habits"; tests/data/README.md for the test data)."""

from __future__ import annotations

import posixpath
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Folders that are not the project's own files: tools, the instance, caches.
NOT_OURS = {".git", ".venv", "instance", "node_modules", "__pycache__", ".ruff_cache",
            ".pytest_cache", ".hypothesis"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".toml", ".txt", ".sh", ".ini", ".cfg", ".mako"}
# A document's name as text cites it (`docs/model.md`, `README.md`, or a name relative to
# the citing file). A name that continues a path or a template expression
# (`/runs/<id>/memo.md`, `{x}/memo.md`) is part of an address, not a document: left alone.
DOCUMENT = re.compile(r"(?<![\w./{}<>~-])((?:\.\./)*\w[\w./-]*\.md)(?![\w-])")
# Routes whose address ends in a `.md` name: that name, alone, is a page of the app.
ROUTE = re.compile(r"@\w+\.(?:get|post|route)\(\s*[\"']([^\"']+\.md)[\"']")
# Where a name is looked for, besides the citing file's own folder: the repository's root,
# docs/, and templates/ (render_template's names).
BASES = ("", "docs", "templates")


def _tracked() -> list[str]:
    """The repository's files: git's list, or, without git, every file but NOT_OURS."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode("utf-8").split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = []
    if listed := [name for name in listed if name]:
        return listed
    return sorted(path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*")
                  if path.is_file()
                  and not NOT_OURS.intersection(path.relative_to(ROOT).parts))


FILES = _tracked()
TRACKED = set(FILES)


def _is_text(name: str) -> bool:
    return (Path(name).suffix in TEXT_SUFFIXES or name.startswith("scripts/")
            or name == ".ci/run")


def _lines() -> list[tuple[str, int, str]]:
    """(file, line number, line) of every line of every text file of the repository."""
    found = []
    for name in FILES:
        path = ROOT / name
        if not _is_text(name) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [(name, number, line)
                  for number, line in enumerate(text.splitlines(), start=1)]
    return found


LINES = _lines()
PAGES = {posixpath.basename(match.group(1)) for name, _, line in LINES if name.endswith(".py")
         for match in ROUTE.finditer(line)}


def _citations() -> dict[str, list[tuple[str, int]]]:
    """Every document name mentioned, with where: {name: [(file, line number)]}."""
    cited: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, number, line in LINES:
        for match in DOCUMENT.finditer(line):
            if match.group(1) not in PAGES:
                cited[match.group(1)].append((name, number))
    return dict(sorted(cited.items()))


CITED = _citations()


def resolves(document: str, citing: str) -> bool:
    """Whether `document`, as written in the file `citing`, names a file of the repository:
    relative to the citing file's folder, the root, docs/ or templates/."""
    folders = (posixpath.dirname(citing), *BASES)
    return any(posixpath.normpath(posixpath.join(folder, document)) in TRACKED
               for folder in folders)


def test_documents_are_found_in_the_files():
    assert {"README.md", "docs/model.md", "docs/plan-format.md"} <= set(CITED)
    assert all(resolves("model.md", name) for name in ("docs/plan-format.md", "README.md"))
    assert not resolves("no-such-document" + ".md", "docs/model.md")
    assert "memo.md" in PAGES, "the say-no memo is a page of the app, not a document"


@pytest.mark.parametrize("document", sorted(CITED))
def test_every_document_named_is_in_the_repository(document: str):
    missing = [f"{name}:{number}" for name, number in CITED[document]
               if not resolves(document, name)]
    assert not missing, f"{document} is not a file of the repository, yet named at " + (
        ", ".join(missing))


# Ways of reaching past the repository's root: a folder beside the checkout by name, and a
# module climbing from its own place above the root.
BESIDE = {
    "a relative path to a folder beside the checkout": re.compile(r"\.\./+" + "shared"),
    "a setting naming such a folder": re.compile("SHARED" + "_DIR"),
}
CLIMB = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent\b)+|\.parents\[(\d+)\])")


def _climbs_out(name: str, line: str) -> bool:
    """Whether `Path(__file__)...parent` on this line of `name` goes above the root: the
    root is as many parents up as the path has parts."""
    for match in CLIMB.finditer(line):
        up = int(match.group(2)) + 1 if match.group(2) else match.group(1).count(".parent")
        if up > len(Path(name).parts):
            return True
    return False


def test_climbing_is_measured_from_the_file():
    here = "Path(__file__)"  # written apart, so that this file's own lines do not climb
    assert not _climbs_out("tests/conftest.py", here + ".resolve()" + ".parent" * 2)
    assert _climbs_out("tests/conftest.py", here + ".resolve()" + ".parent" * 3)
    assert not _climbs_out("tests/planner/cli/test_serve.py", here + ".parents[3]")
    assert _climbs_out("tests/planner/cli/test_serve.py", here + ".parents[4]")


@pytest.mark.parametrize("kind", sorted(BESIDE))
def test_no_file_reads_a_folder_beside_the_repository(kind: str):
    found = [f"{name}:{number}: {line.strip()}" for name, number, line in LINES
             if BESIDE[kind].search(line)]
    assert not found, f"{kind}:\n" + "\n".join(found)


def test_no_module_climbs_above_the_repository():
    found = [f"{name}:{number}: {line.strip()}" for name, number, line in LINES
             if name.endswith(".py") and _climbs_out(name, line)]
    assert not found, "\n".join(found)
