"""The glossary's pointers into the notebooks ("notebook 03, section 5", "notebook 04, exercise 1")
name sections and exercises that exist, so they cannot drift when a notebook is reorganised."""
import re

import nbformat

from helpers.exercises import exercise_cells
from helpers.notebooks import NOTEBOOKS_DIR, notebook_paths

REF = re.compile(r"(?i)\bnotebook (\d\d)(?:,? (section|exercise) (\d+))?")


def _notebook(number: str):
    paths = [p for p in notebook_paths() if p.name.startswith(number + "-")]
    return nbformat.read(paths[0], as_version=4) if paths else None


def test_every_glossary_reference_points_to_an_existing_section_or_exercise():
    text = (NOTEBOOKS_DIR / "GLOSSARY.md").read_text(encoding="utf-8")
    refs = REF.findall(" ".join(text.split()))
    assert refs, "the glossary says where each term is explained"
    broken = []
    for number, kind, n in refs:
        nb = _notebook(number)
        if nb is None:
            broken.append(f"notebook {number}")
        elif kind.lower() == "section":
            headings = {m.group(1) for c in nb.cells if c.cell_type == "markdown"
                        for m in re.finditer(r"^## (\d+)\.", c.source, re.M)}
            if n not in headings:
                broken.append(f"notebook {number}, section {n}")
        elif kind.lower() == "exercise":
            numbers = {str(e["n"]) for e in exercise_cells(nb)} | {
                m.group(1) for c in nb.cells if c.cell_type == "markdown"
                for m in re.finditer(r"\*\*Exercise (\d+)\.\*\*", c.source)}
            if n not in numbers:
                broken.append(f"notebook {number}, exercise {n}")
    assert not broken, f"GLOSSARY.md points to what does not exist: {broken}"
