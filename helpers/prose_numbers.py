"""Numbers typed into a notebook's prose that repeat one of its computed outputs.

nbval checks outputs, not markdown: a sentence that quotes "45 paragraphs" goes silently wrong
when the corpus or the analysis changes. `typed_numbers(nb)` lists every number in a markdown
cell that also occurs in the notebook's outputs, unless an `assert` in an adjacent code cell
guards that value or it is one of the explicit `ALLOWED` phrases. Interpretation that quotes a
number should be printed (or displayed as Markdown) from the values instead.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

# Phrases whose numbers are not results, removed before scanning; each with why.
ALLOWED = [
    # A rate's unit: the denominator is the definition of the measure, not something measured.
    (r"per 1,000 (?:tokens|words)", "the unit of a rate"),
    # Reading time in the first cell is an estimate for the reader, not an output.
    (r"\*\*Time\.\*\*[^\n]*", "the reading time of the first cell"),
    # The first cell states the collection the notebook was written for (its years, its
    # question); it is the brief, not an interpretation of outputs, and says CORPUS_DIR swaps it.
    (r"\*\*Question\.\*\*.*?(?:\n\s*\n|\Z)", "the question the notebook asks, in its first cell"),
    # References to other parts of the material: numbered notebooks, sections, exercises.
    (r"(?i)\b(?:notebooks?|sections?|exercises?|steps?)\s+\d+(?:\s*(?:,|and|or|–|-|to)\s*\d+)*",
     "a reference to a notebook, section or exercise"),
    (r"(?m)^#+\s*\d+(?:\.\d+)*\.?", "a section heading's number"),
    (r"(?m)^\s*\d+\.(?=\s)", "a numbered list item's marker"),
    # A phrase in double quotes is language being discussed (an example of a form such as
    # "more than 2,000 guests"), not a result; it stays a true example on any corpus.
    # Quotes are paired left to right and may span a line break of the markdown source.
    (r"\"[^\"]{1,300}\"|“[^”]{1,300}”", "a quoted phrase discussed as an example of language"),
]

# Code, formulas and link targets are not prose: `min_df=2`, $\ln(1 + n)$, (02-tfidf-themes.ipynb).
_NOT_PROSE = [r"```.*?```", r"`[^`\n]*`", r"\$\$.*?\$\$", r"\$[^$\n]+\$", r"\]\([^)\s]*\)", r"<[^>\n]+>",
              r"https?://\S+",
              r"\b\d\d-[a-z][a-z0-9-]*"]  # a notebook's or a figure's name: 02-tfidf-themes, 04-robots

# Number words from two up: "one" is left out because in prose it is nearly always an article or a
# pronoun ("one row per document", "one of them"), and a typed count of one is rarely alone.
_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                      "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "hundred": 100, "thousand": 1000})
for _w in ("zero", "one"):
    del _WORDS[_w]

# Digits with thousands separators; not part of a word or a code ("UTF-8", "log2", "sha256").
_DIGITS = r"(?<![\w.\-−/])(?:[-−](?=\d))?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = re.compile(_DIGITS + r"%?(?![\w])|\b(" + "|".join(_WORDS) + r")\b", re.I)
# 0 and 1 are the ends of the scales the notebooks define (cosine, ARI, silhouette, Jaccard:
# "1 when identical, about 0 ..."), not results; a count of 0 or 1 typed as a result comes with a
# total ("0 of 5"), which is checked.
_SCALE_ENDS = {0.0, 1.0}


@dataclass(frozen=True)
class TypedNumber:
    cell: int          # index of the markdown cell in the notebook
    text: str          # the number as typed
    context: str       # the words around it

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.text!r} in \"…{self.context}…\""


def _value(token: str) -> tuple[float, int, bool] | None:
    """(value, decimals, is_percent) of a number token, or None."""
    word = _WORDS.get(token.lower())
    if word is not None:
        return float(word), 0, False
    t = token.replace("−", "-").replace(",", "")
    percent = t.endswith("%")
    t = t.rstrip("%")
    try:
        v = float(t)
    except ValueError:
        return None
    return v, len(t.split(".")[1]) if "." in t else 0, percent


def output_text(nb) -> str:
    """Every text a reader sees in the outputs: streams, plain text, Markdown and HTML results."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            for kind in ("text/plain", "text/markdown", "text/html"):
                if kind in out.get("data", {}):
                    data = out["data"][kind]
                    parts.append(data if isinstance(data, str) else "".join(data))
    return "\n".join(parts)


def output_numbers(nb) -> list[float]:
    """The values of every digit-written number in the outputs."""
    text = re.sub(r"<[^>\n]+>", " ", output_text(nb))
    found = []
    for m in re.finditer(_DIGITS + r"(?:e[-+]?\d+)?", text):
        try:
            found.append(float(m.group(0).replace(",", "").replace("−", "-")))
        except ValueError:
            continue
    return found


def _guarded(nb, index: int) -> set[float]:
    """Numeric constants in `assert` statements of the code cells just before and after a cell."""
    values = set()
    for j in (index - 1, index + 1):
        if 0 <= j < len(nb.cells) and nb.cells[j].cell_type == "code":
            try:
                tree = ast.parse(nb.cells[j].source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Assert):
                    values |= {float(c.value) for c in ast.walk(node)
                               if isinstance(c, ast.Constant) and isinstance(c.value, (int, float))
                               and not isinstance(c.value, bool)}
    return values


def _matches(value: float, decimals: int, percent: bool, outputs: list[float]) -> bool:
    """Does a typed number repeat an output: equal, or an output rounded to the digits typed
    (only when decimals are typed: "2" does not stand for every output from 1.5 to 2.5)?"""
    for out in outputs:
        if math.isclose(out, value, rel_tol=1e-9, abs_tol=1e-12):
            return True
        if decimals and round(out, decimals) == round(value, decimals):
            return True
        # "51%" for an output share of 0.5113: a percent stands for a fraction rounded to its digits
        if percent and round(out, decimals + 2) == round(value / 100, decimals + 2):
            return True
    return False


def prose(source: str) -> str:
    """A markdown cell's text with code, formulas, link targets and the ALLOWED phrases blanked."""
    for pattern in _NOT_PROSE + [p for p, _ in ALLOWED]:
        source = re.sub(pattern, " ", source, flags=re.S)
    return source


def typed_numbers(nb) -> list[TypedNumber]:
    """Every number in the notebook's markdown that repeats one of its outputs, unguarded."""
    outputs = output_numbers(nb)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        guarded = None
        for m in _NUMBER.finditer(text):
            parsed = _value(m.group(0))
            if parsed is None or (parsed[0] in _SCALE_ENDS and not parsed[1] and not parsed[2]):
                continue
            if not _matches(*parsed, outputs):
                continue
            guarded = _guarded(nb, i) if guarded is None else guarded
            if parsed[0] in guarded or (parsed[2] and parsed[0] / 100 in guarded):
                continue
            context = " ".join(text[max(0, m.start() - 40):m.end() + 40].split())
            found.append(TypedNumber(i, m.group(0), context))
    return found
