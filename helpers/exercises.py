"""Checked exercises for the notebooks.

Each exercise is four cells: the question (markdown, "**Exercise N.**"), an answer cell for the
student (`answer_N = ...`), a worked solution tagged `solution` and collapsed in JupyterLab
(`metadata.jupyter.source_hidden`), and a check tagged `check`. The solution fills in the answer
only while it is still `...`, so the committed notebook runs top to bottom (nbval) and a student
who types an answer and runs the check sees their own result:

    answer_1 = ...                                  # answer cell: replace ... with your answer

    # Worked solution: open it after trying. ...   # solution cell (collapsed; JupyterLab
    if answer_1 is ...:                             # still shows the first line: a comment)
        answer_1 = worked(<the worked answer>)

    # Check: compares your answer with ...          # check cell (collapsed too)
    check(answer_1, <computed another way>, 1, "the id of the document")

`check` never prints the expected value, so the committed outputs do not give the answer away.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence, Set

import numpy as np


class ExerciseFailed(AssertionError):
    """An answer that is missing or does not match; its message says what to do."""


class Worked:
    """An answer filled in by a hidden worked solution, so `check` can say it was not yours."""

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        return "Worked(...)"  # never shows the answer


def worked(value) -> Worked:
    """Mark `value` as the worked solution's answer (used in solution cells)."""
    return Worked(value)


def _plain(value):
    """numpy scalars and arrays as Python values, so 0.5 == np.float64(0.5) and tuples compare."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def same(answer, expected, tol: float = 1e-6) -> bool:
    """Whether `answer` matches `expected`: numbers within `tol` (absolute), text ignoring case and
    surrounding or repeated spaces, sequences and mappings item by item, sets as sets."""
    answer, expected = _plain(answer), _plain(expected)
    if expected is None or answer is None:
        return answer is expected
    if isinstance(expected, bool) or isinstance(answer, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    if isinstance(expected, (int, float)):
        # a hair over tol: 0.375 rounded to 0.38 is 0.005 away only up to float error
        return isinstance(answer, (int, float)) and math.isclose(answer, expected, rel_tol=0, abs_tol=tol * (1 + 1e-9))
    if isinstance(expected, str):
        return isinstance(answer, str) and " ".join(answer.split()).casefold() == " ".join(expected.split()).casefold()
    if isinstance(expected, Mapping):
        return (isinstance(answer, Mapping) and set(map(str, answer)) == set(map(str, expected))
                and all(same(answer[k], expected[k], tol) for k in expected))
    if isinstance(expected, Set):
        return isinstance(answer, (Set, list, tuple)) and len(answer) == len(expected) and \
            all(any(same(a, e, tol) for e in expected) for a in answer)
    if isinstance(expected, Sequence):
        return (isinstance(answer, Sequence) and not isinstance(answer, str) and len(answer) == len(expected)
                and all(same(a, e, tol) for a, e in zip(answer, expected)))
    return answer == expected


def check(answer, expected, exercise: int, what: str, hint: str = "", tol: float = 1e-6,
          one_of: bool = False, transform=None) -> None:
    """Compare a student's `answer` with `expected`, computed independently of the solution.

    `what` describes the answer asked for ("the id of the document"); `hint` is shown when it is
    wrong; `tol` is the absolute tolerance on numbers (0.005 for a share asked to two decimals);
    with `one_of`, `expected` is a collection of equally right answers (ties); `transform`, if
    given, is applied to the answer first (a sentence -> the qualifiers read in it). Raises
    ExerciseFailed for a blank or wrong answer; prints a confirmation otherwise."""
    label = f"Exercise {exercise}"
    if answer is ...:
        raise ExerciseFailed(f"{label}: no answer yet. Replace the `...` in the answer cell with {what}, "
                             "run that cell, then run this check again.")
    mine = not isinstance(answer, Worked)
    value = answer.value if isinstance(answer, Worked) else answer
    compared = transform(value) if transform else value
    ok = any(same(compared, e, tol) for e in expected) if one_of else same(compared, expected, tol)
    if not ok:
        who = "your answer" if mine else "the worked solution"
        gives = f" (it gives {_plain(compared)!r})" if transform else ""
        raise ExerciseFailed(f"{label}: {who} {_plain(value)!r}{gives} is not {what}." + (f" Hint: {hint}" if hint else ""))
    if mine:
        print(f"{label}: right, {_plain(value)!r} is {what}.")
    else:
        print(f"{label}: the hidden worked solution passes this check. Type your own answer in the answer "
              "cell, run it and this check; open the solution (the collapsed cell above) only afterwards.")


def exercise_cells(nb) -> list[dict]:
    """The exercises of a notebook, in order: for each, its number, question (markdown), and the
    answer, solution and check cells, found by their tags."""
    found, current = [], None
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown" and "exercise" in tags:
            m = re.match(r"\*\*Exercise (\d+)\.\*\*\s*(.*)", cell.source, re.S)
            current = {"n": int(m.group(1)) if m else None, "question": cell, "answer": None,
                       "solution": None, "check": None}
            found.append(current)
        elif current is not None and cell.cell_type == "code":
            for role in ("answer", "solution", "check"):
                if role in tags and current[role] is None:
                    current[role] = cell
    return found
