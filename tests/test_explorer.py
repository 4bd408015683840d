"""The explorer: counts of words and phrases of one to three words agree with keyword in context;
a term that cannot be counted gets a message, not a table of zeros; the rate chart and the widget."""
from collections import Counter

import pandas as pd
import pytest

from helpers.corpus import load_corpus, split_paragraphs
from helpers.explorer import DESCRIPTION, TermNotFound, explorer, paragraph_runs, rate_chart, term_by_year
from helpers.text import TextPolicy, kwic, ngrams
from helpers.themes import select_paragraphs

POLICY = TextPolicy(ngram_range=(1, 2), min_df=2, lemmatize=True)


@pytest.fixture(scope="module")
def paras():
    return select_paragraphs(split_paragraphs(load_corpus()))


def _most_frequent(paras, n: int) -> str:
    """The corpus's most frequent n-gram (ties by alphabet): picked from the data, not typed."""
    counts = Counter(g for r in paragraph_runs(paras, POLICY) for g in ngrams(r, (n, n)))
    return min(counts, key=lambda g: (-counts[g], g))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_counts_of_phrases_of_one_to_three_words_equal_the_keyword_in_context_lines(paras, n):
    term = _most_frequent(paras, n)
    table = term_by_year(paras, term, POLICY)
    lines = kwic(paras, term, policy=POLICY)
    assert table["occurrences"].sum() == len(lines) > 0
    per_year = lines.groupby("event_year").size()
    assert dict(zip(table["event_year"], table["occurrences"])) == {
        y: int(per_year.get(y, 0)) for y in table["event_year"]}
    assert dict(zip(table["event_year"], table["paragraphs"])) == {
        y: lines[lines["event_year"] == y][["doc_id", "para"]].drop_duplicates().shape[0] for y in table["event_year"]}


def test_a_three_word_phrase_is_counted_only_where_its_words_are_adjacent():
    paras = pd.DataFrame({"doc_id": ["a", "a", "b"], "event_year": [2015, 2015, 2016], "para": [0, 1, 0],
                          "speaker": ["", "", ""],
                          "text": ["Digital economy cooperation grows; digital economy cooperation again.",
                                   "Digital economy, cooperation: not adjacent in one clause.",
                                   "Cooperation on the digital economy."]})
    table = term_by_year(paras, "digital economy cooperation", POLICY).set_index("event_year")
    assert table.loc[2015, "occurrences"] == 2 and table.loc[2015, "paragraphs"] == 1
    assert table.loc[2016, "occurrences"] == 0 and table.loc[2016, "per_1000_tokens"] == 0
    assert len(kwic(paras, "digital economy cooperation", policy=POLICY)) == 2
    # the rate: 2 occurrences over the 2015 paragraphs' kept tokens: 7 ("again" is a stop
    # word) + 5 ("not", "in", "one" are)
    assert table.loc[2015, "per_1000_tokens"] == round(1000 * 2 / 12, 2)


@pytest.mark.parametrize("term, says", [
    ("", "Type a word"),
    ("   ", "Type a word"),
    ("the of and", "only words the text policy drops"),
    ("qqqzzz", "does not occur"),
    ("internet governanc", "Close terms that do occur: internet governance"),
    ("rule of law", "looked up as 'rule law'"),
    ("digital economy cooperation forum summit", "at most 3"),
])
def test_a_term_that_cannot_be_counted_gets_a_message_not_a_table_of_zeros(paras, term, says):
    with pytest.raises(TermNotFound, match=says):
        term_by_year(paras, term, POLICY)


def test_the_rate_chart_has_one_bar_per_year_at_the_table_rate(paras):
    table = term_by_year(paras, "governance", POLICY)
    fig = rate_chart(table, "governance")
    bars = fig.axes[0].patches
    assert [round(b.get_height(), 2) for b in bars] == list(table["per_1000_tokens"])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [str(y) for y in table["event_year"]]


def test_the_widget_says_what_it_does_and_answers_an_unknown_term_with_a_message(paras):
    widget = explorer(paras, POLICY, term="governance", year=2021)
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == DESCRIPTION and "VBox" not in bundle["text/plain"]
    term_box = widget.children[1]
    table_out, chart_out = widget.children[2].children
    assert "text/html" in table_out.outputs[0]["data"] and "image/png" in chart_out.outputs[0]["data"]
    term_box.value = "qqqzzz"
    assert "does not occur" in table_out.outputs[0]["data"]["text/html"]
    assert chart_out.outputs == () and widget.children[3].outputs == ()
    term_box.value = "digital economy cooperation"
    assert "text/html" in table_out.outputs[0]["data"]
    assert len(widget.children[3].outputs) == 1
