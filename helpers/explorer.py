"""An interactive explorer for JupyterLab: pick a term, see its use by year and in context; pick
a year, see the terms it over- and under-uses. The tables come from plain functions, usable without widgets."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .text import DEFAULT_POLICY, TermMatrix, TextPolicy, kwic, tokenize
from .themes import distinctive_terms


def term_by_year(paras: pd.DataFrame, term: str, policy: TextPolicy = DEFAULT_POLICY,
                 matrix: TermMatrix | None = None) -> pd.DataFrame:
    """Per event year: occurrences of `term` (a word or phrase, matched on the policy's tokens),
    per 1,000 tokens, and the number of paragraphs and documents that use it."""
    matrix = matrix or TermMatrix(paras["text"], policy.with_(min_df=1))
    key = " ".join(tokenize(term, policy.lemmatize))
    where = np.flatnonzero(matrix.terms == key)
    counts = np.asarray(matrix.counts[:, where[0]].todense()).ravel() if len(where) else np.zeros(len(paras))
    frame = paras[["event_year", "doc_id"]].assign(n=counts, tokens=matrix.sizes)
    out = frame.groupby("event_year").agg(occurrences=("n", "sum"), tokens=("tokens", "sum"),
                                          paragraphs=("n", lambda s: int((s > 0).sum())),
                                          documents=("doc_id", lambda d: d[frame.loc[d.index, "n"] > 0].nunique()))
    out["per_1000_tokens"] = (1000 * out["occurrences"] / out["tokens"]).round(2)
    return out.drop(columns="tokens").reset_index()


def explorer(paras: pd.DataFrame, policy: TextPolicy = DEFAULT_POLICY, term: str = "governance", year=None,
             n: int = 10):
    """A widget: a term box and a year menu, each with its tables below. Needs ipywidgets."""
    import ipywidgets as w

    matrix = TermMatrix(paras["text"], policy.with_(min_df=1))
    years = sorted(int(y) for y in paras["event_year"].unique())
    term_box = w.Combobox(value=term, options=tuple(sorted(t for t in matrix.terms if " " not in t)),
                          description="term", ensure_option=False)
    year_menu = w.Dropdown(options=years, value=year if year in years else years[-1], description="year")
    term_out, year_out = w.Output(), w.Output()

    def show(out, *objects):
        out.outputs = ()
        for obj in objects:
            out.append_display_data(obj)

    def on_term(_=None):
        show(term_out, term_by_year(paras, term_box.value, policy, matrix),
             kwic(paras, term_box.value, width=50, policy=policy))

    top = distinctive_terms(paras, policy, n=n)  # every year's list at once; the menu only filters it

    def on_year(_=None):
        show(year_out, top[top["group"] == year_menu.value][["direction", "rank", "term", "freq_target", "freq_ref",
                                                             "G2", "p_fisher", "log_ratio", "paras", "flag"]])

    term_box.observe(on_term, names="value")
    year_menu.observe(on_year, names="value")
    on_term()
    on_year()
    return w.VBox([w.HTML("<b>Term by year, and in context</b>"), term_box, term_out,
                   w.HTML("<b>Terms a year over- and under-uses (vs the others)</b>"), year_menu, year_out])
