"""The matching package itself: its word lists are data files that load whole, and its stage modules import
each other without cycles (imports inside functions count too)."""

import ast
import json
import re
from pathlib import Path

import pytest

from opportunities.matching import glossary, text

PACKAGE = Path(glossary.__file__).parent
CONCEPT_WORDS = re.compile(r"[a-z0-9]+( [a-z0-9]+)*")


@pytest.mark.parametrize("lang", ["en", "nl", "de"])
def test_each_language_file_holds_its_glossary_and_word_lists(lang):
    data = json.loads((PACKAGE / "data" / f"glossary.{lang}.json").read_text(encoding="utf-8"))
    sections = data["glossary"]
    assert sections and all(sections.values())
    words = [word for entries in sections.values() for word in entries]
    assert len(words) == len(set(words)), "a word is listed in two sections"
    merged = {word: value for entries in sections.values() for word, value in entries.items()}
    assert glossary.GLOSSARIES[lang] == merged
    assert all(word == word.lower() for word in words)
    assert all(CONCEPT_WORDS.fullmatch(value) for value in glossary.GLOSSARIES[lang].values())
    assert data["markers"] and data["generic"]
    assert text.MARKERS[lang] <= glossary.MARKER_WORDS[lang]
    assert glossary.GENERIC_WORDS[lang] <= text.stop_words(lang)
    assert ("linking" in data) == (lang != "en")


def test_labels_are_data_and_name_every_slug_the_engine_explains():
    labels = json.loads((PACKAGE / "data" / "labels.json").read_text(encoding="utf-8"))
    assert labels["disciplines"] == glossary.DISCIPLINE_LABELS
    assert labels["themes"] == glossary.THEME_LABELS
    assert glossary.country_name("nl") == "the Netherlands"
    assert glossary.language_name("DE") == "German"
    assert not [path.name for path in PACKAGE.glob("*.py") if "_LABELS: dict[str, str] = {" in path.read_text()]


def _imports_within_package() -> dict[str, set[str]]:
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    graph = {}
    for name in modules:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):  # every import, also one inside a function
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module} if node.module else {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("opportunities.matching"):
                rest = node.module.removeprefix("opportunities.matching").lstrip(".")
                found |= {rest.split(".")[0]} if rest else {alias.name for alias in node.names}
        graph[name] = (found & modules) - {name}
    return graph


def test_the_stage_modules_import_each_other_without_cycles():
    graph = _imports_within_package()
    state: dict[str, str] = {}

    def visit(name, path):
        state[name] = "open"
        for imported in sorted(graph[name]):
            assert state.get(imported) != "open", f"import cycle: {' -> '.join([*path, imported])}"
            if imported not in state:
                visit(imported, [*path, imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # The stages take the index as an argument: none of them imports it, only the front does.
    assert {name for name, imported in graph.items() if "index" in imported} == {"engine"}


def test_no_python_file_in_the_package_is_long():
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.glob("*.py")}
    assert max(lengths.values()) <= 800, lengths
