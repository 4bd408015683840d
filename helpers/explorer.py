"""An interactive explorer for JupyterLab: pick a term, see its rate by year (a table and a small bar
chart) and every occurrence in context; pick a year, see the terms it over- and under-uses. The
tables and the chart come from plain functions, usable without widgets."""
from __future__ import annotations

import difflib
import html

import numpy as np
import pandas as pd

from .plotting import year_colors
from .text import DEFAULT_POLICY, TextPolicy, kwic, ngrams, runs, tokenize
from .themes import distinctive_terms

# Phrases of one to three words: the longest n-gram any analysis here uses (notebook 02 counts
# up to two; three covers names such as "digital economy cooperation").
MAX_WORDS = 3

DESCRIPTION = ("Explorer (live in JupyterLab: run this cell there). A term box: type a word or a phrase "
               f"of up to {MAX_WORDS} words to see how often each year uses it (a table and a bar chart "
               "of the rate per 1,000 tokens) and every occurrence in context. A year menu: pick a year to "
               "see the terms it over- and under-uses against the other years.")


class TermNotFound(ValueError):
    """The term cannot be counted: empty, only dropped words, too long, or absent from the texts.
    Its message says which, and what to try."""


def paragraph_runs(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY) -> list[list[list[str]]]:
    """Each paragraph's kept tokens in runs of adjacent words (helpers.text.runs): computed once,
    then any term is counted from them."""
    return [runs(t, policy.lemmatize) for t in paras["text"]]


def term_tokens(term: str, tokens: list, policy: TextPolicy = DEFAULT_POLICY) -> list[str]:
    """The tokens `term` is looked up as, or TermNotFound saying why it cannot be counted."""
    words = term.split()
    if not words:
        raise TermNotFound(f"Type a word or a phrase of up to {MAX_WORDS} words.")
    want = tokenize(term, policy.lemmatize)
    if not want:
        raise TermNotFound(f"'{term.strip()}' has only words the text policy drops (stop words, numbers, "
                           "one-letter words), so it is never counted: try a content word.")
    if len(want) > MAX_WORDS:
        raise TermNotFound(f"'{term.strip()}' has {len(want)} counted words; phrases have at most {MAX_WORDS}.")
    key = " ".join(want)
    if not any(key in ngrams(r, (len(want), len(want))) for r in tokens):
        dropped = f" (looked up as '{key}': stop words are dropped and break a phrase)" if len(want) < len(words) else ""
        vocabulary = sorted({g for r in tokens for g in ngrams(r, (len(want), len(want)))})
        close = difflib.get_close_matches(key, vocabulary, n=3)
        hint = f" Close terms that do occur: {', '.join(close)}." if close else ""
        raise TermNotFound(f"'{term.strip()}' does not occur in these {len(tokens)} paragraphs{dropped}.{hint}")
    return want


def term_by_year(paras: pd.DataFrame, term: str, policy: TextPolicy = DEFAULT_POLICY,
                 tokens: list | None = None) -> pd.DataFrame:
    """Per event year: occurrences of `term` (a word or a phrase of up to MAX_WORDS words, matched
    on the policy's tokens as adjacent words, exactly as kwic() finds them), per 1,000 tokens, and
    the number of paragraphs and documents that use it. `tokens` is paragraph_runs(paras, policy),
    when already computed. TermNotFound for a term that is empty or does not occur."""
    tokens = paragraph_runs(paras, policy) if tokens is None else tokens
    want = term_tokens(term, tokens, policy)
    key, n = " ".join(want), len(want)
    counts = np.array([ngrams(r, (n, n)).count(key) for r in tokens], dtype=int)
    sizes = np.array([sum(map(len, r)) for r in tokens], dtype=int)
    frame = paras[["event_year", "doc_id"]].assign(n=counts, tokens=sizes)
    out = frame.groupby("event_year").agg(occurrences=("n", "sum"), tokens=("tokens", "sum"),
                                          paragraphs=("n", lambda s: int((s > 0).sum())),
                                          documents=("doc_id", lambda d: d[frame.loc[d.index, "n"] > 0].nunique()))
    out["per_1000_tokens"] = (1000 * out["occurrences"] / out["tokens"]).round(2)
    return out.drop(columns="tokens").reset_index()


def rate_chart(table: pd.DataFrame, term: str):
    """A small bar chart of term_by_year's rate per 1,000 tokens, one bar per year in the year's
    colour, each labelled with its number of documents."""
    import matplotlib.pyplot as plt

    colors = year_colors(table["event_year"])
    fig, ax = plt.subplots(figsize=(3.4, 2.4))
    x = np.arange(len(table))
    ax.bar(x, table["per_1000_tokens"], color=[colors[int(y)] for y in table["event_year"]])
    for i, (rate, docs) in enumerate(zip(table["per_1000_tokens"], table["documents"])):
        ax.annotate(f"{docs} doc{'s' if docs != 1 else ''}", (i, rate), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(x, [str(int(y)) for y in table["event_year"]])
    ax.set_ylabel("per 1,000 tokens")
    ax.set_title(f"'{term.strip()}' per year", fontsize=10)
    ax.margins(y=0.2)
    fig.tight_layout()
    return fig


def explorer(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, term: str = "governance", year=None,
             n: int = 10):
    """A widget: a term box with the term's table and rate chart side by side and its keyword in
    context below; a year menu with that year's distinctive terms. Needs ipywidgets. Its text
    form (what a static view shows) is DESCRIPTION."""
    import ipywidgets as w
    from IPython.display import HTML, Image

    class Explorer(w.VBox):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = DESCRIPTION  # not "VBox(children=...": say what it does
            return bundle

    tokens = paragraph_runs(paras, policy)
    years = sorted(int(y) for y in paras["event_year"].unique())
    words = sorted({t for r in tokens for part in r for t in part})
    term_box = w.Combobox(value=term, options=tuple(words), description="term", ensure_option=False,
                          placeholder=f"a word or a phrase of up to {MAX_WORDS} words")
    year_menu = w.Dropdown(options=years, value=year if year in years else years[-1], description="year")
    table_out, chart_out, context_out, year_out = w.Output(), w.Output(), w.Output(), w.Output()

    def show(out, *objects):
        out.outputs = ()
        for obj in objects:
            out.append_display_data(obj)

    def on_term(_=None):
        try:
            table = term_by_year(paras, term_box.value, policy, tokens)
        except TermNotFound as e:
            show(table_out, HTML(f"<p>{html.escape(str(e))}</p>"))
            show(chart_out)
            show(context_out)
            return
        show(table_out, table)
        show(chart_out, Image(_png(rate_chart(table, term_box.value))))
        show(context_out, kwic(paras, term_box.value, width=50, policy=policy))

    top = distinctive_terms(paras, policy, n=n)  # every year's list at once; the menu only filters it

    def on_year(_=None):
        show(year_out, top[top["group"] == year_menu.value][["direction", "rank", "term", "freq_target", "freq_ref",
                                                             "G2", "p_fisher", "log_ratio", "paras", "flag"]])

    term_box.observe(on_term, names="value")
    year_menu.observe(on_year, names="value")
    on_term()
    on_year()
    return Explorer([w.HTML("<b>Term by year, and in context</b>"), term_box, w.HBox([table_out, chart_out]),
                     context_out, w.HTML("<b>Terms a year over- and under-uses (vs the others)</b>"), year_menu,
                     year_out])


def _png(fig) -> bytes:
    """The figure as PNG bytes: an image any front end shows, whatever matplotlib backend it has."""
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)  # shown once, as this image, not again by the inline backend
    return buf.getvalue()
