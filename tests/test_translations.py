"""English and Dutch ship complete: every string in the code has a Dutch translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "creativelabs" / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def entries(po_text: str) -> list[dict]:
    """A small .po reader: msgid, msgstr(s) and flags of each entry but the header."""
    found = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            found.append({"flags": flags, **fields})
    return found


def test_dutch_catalogue_is_complete_and_not_fuzzy():
    problems = []
    for entry in entries(CATALOGUE.read_text(encoding="utf-8")):
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if "fuzzy" in entry["flags"] or not translations or not all(translations):
            problems.append(entry["msgid"])
    assert not problems, f"{len(problems)} Dutch translations missing or fuzzy: {problems[:10]}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext) to extract strings")
def test_catalogue_holds_every_translatable_string(tmp_path):
    """Extract the strings afresh and compare: a new string without a Dutch entry fails here."""
    saved = tmp_path / "django.po"
    shutil.copy(CATALOGUE, saved)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "nl", "--ignore=.venv", "--ignore=var", "-v0"],
            cwd=ROOT,
            check=True,
            timeout=120,
        )
        fresh = {e["msgid"] for e in entries(CATALOGUE.read_text(encoding="utf-8"))}
    finally:
        shutil.copy(saved, CATALOGUE)
    known = {e["msgid"] for e in entries(saved.read_text(encoding="utf-8"))}
    assert not fresh - known, f"Strings missing from the catalogue (run makemessages): {sorted(fresh - known)[:10]}"
