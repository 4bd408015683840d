"""No number typed into a notebook's markdown repeats one of its outputs (helpers.prose_numbers):
interpretation that quotes a result is printed from the values, or guarded by an assert."""
import nbformat
import pytest

from helpers.notebooks import notebook_paths
from helpers.prose_numbers import prose, typed_numbers

# Notebooks owned by other issues that still type numbers; the lead fixes them at merge. strict:
# once one passes, its entry must go.
PENDING = {
}


def _notebook(markdown: str, outputs: list[str], code_before: str = "x = 1") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code_before)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    nb.cells = [cell, nbformat.v4.new_markdown_cell(markdown)]
    return nb


@pytest.mark.parametrize("markdown, output", [
    ("The corpus is small: 45 paragraphs.", "0 of 45 paragraphs flagged"),
    ("Only two clusters pass.", "2 of 5 clusters are stable"),
    ("He speaks 51% of the words.", "share 0.5113"),                    # a percent typed for a fraction
    ("Agreement with other seeds is 0.27.", "mean ARI 0.2689"),          # rounded to the digits typed
    ("The corpus holds about 2,200 words.", "2200 words of article text"),
    ("Precision 0.80–0.92 on held-out sets.", "precision 0.92"),
    ("The 2015 conference has the most reports.", "2015: 2 document(s)"),  # a year outside the first cell
    ("Growth of 16.4% against 7.6%.", "16.4\n7.6"),
])
def test_a_typed_number_that_repeats_an_output_is_found(markdown, output):
    found = typed_numbers(_notebook(markdown, [output]))
    assert found and all(f.cell == 1 for f in found), markdown


@pytest.mark.parametrize("markdown", [
    "The corpus is small; the count is printed above.",                 # no number
    "Rates are per 1,000 tokens.",                                      # the unit of a rate
    "As in section 2 and notebook 02, see exercise 2.",                 # references
    "## 2. Setting things up",                                          # a heading's number
    "Checks:\n\n1. leave one out;\n2. sensitivity.",                      # a numbered list's markers
    "Use `min_df=2` and $s = (b - a) / 2$.",                            # code and formula
    '"More than 2,000 guests" is a lower bound.',                       # a quoted example of language
    "Cosine is 1 for the same direction and 0 for none.",               # the ends of a scale
    "Only 7 of them.",                                                  # a number no output holds
    "[← 02-tfidf-themes](02-tfidf-themes.ipynb)",                       # a notebook's name
])
def test_what_is_not_a_typed_result_passes(markdown):
    assert typed_numbers(_notebook(markdown, ["2 of 45 paragraphs, 2015: 2000 guests, 0 1 1000 tokens"])) == []


def test_a_number_guarded_by_an_adjacent_assert_passes_and_an_unguarded_one_does_not():
    guarded = _notebook("Two axes are drawn.", ["2 axes"], code_before="xy = [[0, 1]]\nassert len(xy[0]) == 2")
    assert typed_numbers(guarded) == []
    other_value = _notebook("Two axes are drawn.", ["2 axes"], code_before="n = 3\nassert n == 3")
    assert [f.text for f in typed_numbers(other_value)] == ["Two"]


def test_the_question_of_the_first_cell_may_name_the_corpus_years_but_other_fields_may_not():
    first = "**Question.** What did 2015 and 2016 talk about?\n\n**Inputs.** The 2016 page."
    assert prose(first).count("2015") == 0
    assert [f.text for f in typed_numbers(_notebook(first, ["2015 2016"]))] == ["2016"]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_no_markdown_number_repeats_an_output(path, request):
    if path.name in PENDING:
        request.applymarker(pytest.mark.xfail(reason=PENDING[path.name], strict=True))
    found = typed_numbers(nbformat.read(path, as_version=4))
    assert not found, (f"{path.name}: numbers typed in markdown that repeat an output (print them from the values, "
                       "or guard them with an assert in the next code cell):\n  " + "\n  ".join(map(str, found)))
