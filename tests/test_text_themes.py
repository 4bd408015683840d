"""The text policy, TF-IDF against the formula, keyness against hand-computed tables, robustness
helpers, and a new event year flowing through with no code change."""
import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from helpers import themes as T
from helpers.corpus import load_corpus, split_paragraphs
from helpers.text import DEFAULT_POLICY, TermMatrix, clear_caches, kwic, lemma, tokenize


def test_tokenize_policy():
    text = "China's e-commerce companies said 2,000 guests met on Dec 16 in 2015; COVID-19 and the cyber-community."
    assert tokenize(text) == ["china", "e-commerce", "company", "guest", "meet", "covid-19", "cyber-community"]
    assert tokenize(text, lemmatize=False) == ["china", "e-commerce", "companies", "guests", "met", "covid-19",
                                               "cyber-community"]


def test_each_distinct_token_lemmatised_once():
    clear_caches()
    assert tokenize("countries countries countries leaders leaders countries " * 50).count("country") == 200
    info = lemma.cache_info()
    assert info.misses == 2 and info.hits == 0  # the lemmatiser is asked once per distinct token


def test_term_matrix_equals_the_vectorizer_policy():
    texts = ["Cyber sovereignty and the digital economy.", "The digital economy grew; cyber security too.",
             "Internet governance and cyber sovereignty."]
    m = TermMatrix(texts, DEFAULT_POLICY.with_(min_df=1))
    vec = DEFAULT_POLICY.tfidf(min_df=1)
    X = vec.fit_transform(texts)
    assert list(m.terms) == list(vec.get_feature_names_out())
    assert abs(m.tfidf - X).max() < 1e-12
    assert m.sizes.tolist() == [4, 5, 4]


def test_bigrams_survive_as_terms():
    vec = DEFAULT_POLICY.tfidf(min_df=1).fit(["cyber sovereignty and the digital economy",
                                              "internet governance and a common destiny"])
    terms = set(vec.get_feature_names_out())
    assert {"cyber sovereignty", "digital economy", "internet governance", "common destiny"} <= terms


ISSUE_SENTENCES = ('"It shows the high profile of the conference," said Ren Xianliang.',
                   "The town welcomed more than 2,000 guests. The conference opened on Wednesday.",
                   "It was signed with the Cyberspace Administration of China and the digital economy grew.")


def test_ngrams_only_from_words_adjacent_in_one_clause():
    terms = set(TermMatrix(ISSUE_SENTENCES, DEFAULT_POLICY.with_(min_df=1, ngram_range=(1, 3))).terms)
    assert {"conference ren", "guest conference", "administration china"}.isdisjoint(terms)
    assert {"high profile", "ren xianliang", "cyberspace administration", "digital economy"} <= terms
    assert not any(t.startswith("profile conference") or t.endswith("china digital") for t in terms)
    # the vectoriser built from the policy agrees, and so does keyword in context
    vec = DEFAULT_POLICY.tfidf(min_df=1).fit(ISSUE_SENTENCES)
    assert set(vec.get_feature_names_out()) == {t for t in terms if t.count(" ") < 2}
    paras = pd.DataFrame([{"doc_id": "d", "event_year": 2015, "para": i, "speaker": "", "text": t}
                          for i, t in enumerate(ISSUE_SENTENCES)])
    assert kwic(paras, "conference ren").empty and kwic(paras, "administration china").empty
    assert kwic(paras, "Cyberspace Administration")["match"].tolist() == ["Cyberspace Administration"]


def test_runs_break_at_dropped_words_and_punctuation():
    from helpers.text import runs
    assert runs("Liu Yunshan, the official, said: cyber security (and data) matter in 2016 e-commerce") == [
        ["liu", "yunshan"], ["official"], ["cyber", "security"], ["data"], ["matter"], ["e-commerce"]]
    assert runs("") == [] and runs("the of and") == []


def test_every_csv_term_of_notebook_02_is_in_the_cleaned_texts():
    """No term in figures/02-*.csv is a phrase absent from the texts: each occurs as adjacent
    words (on the policy's tokens) in at least one cleaned paragraph."""
    from pathlib import Path

    from helpers.paths import PROJECT_ROOT
    paras = split_paragraphs(load_corpus(PROJECT_ROOT / "corpus"))
    checked, forms_checked = 0, 0
    lower = "\n".join(paras["text"]).lower()
    for path in sorted(Path(PROJECT_ROOT / "figures").glob("02-*.csv")):
        table = pd.read_csv(path, keep_default_na=False)
        for col in ("term", "collocate"):
            for term in sorted(set(table[col]) if col in table else ()):
                assert len(kwic(paras, term)) > 0, f"{path.name}: {term!r} is not in the texts"
                checked += 1
        # terms are lemmas; the forms listed beside them must be verbatim text (case aside)
        for forms in (table["forms"] if "forms" in table else ()):
            assert forms, f"{path.name}: a term without forms"
            for form in forms.split(", "):
                word = form.rsplit(" (", 1)[0]
                assert word in lower, f"{path.name}: the form {word!r} is not in the texts"
                forms_checked += 1
    assert checked >= 20 and forms_checked >= 20


def test_tfidf_matches_the_formula_by_hand():
    docs = ["robot robot economy", "economy growth", "robot growth growth"]
    X = DEFAULT_POLICY.tfidf(min_df=1, ngram_range=(1, 1)).fit(docs)
    terms = list(X.get_feature_names_out())
    got = X.transform(docs).toarray()
    n, df = 3, {"economy": 2, "growth": 2, "robot": 2}
    idf = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in terms}  # smoothed idf
    tf = [{"robot": 2, "economy": 1}, {"economy": 1, "growth": 1}, {"robot": 1, "growth": 2}]
    for row, counts in zip(got, tf):
        raw = np.array([counts.get(t, 0) * idf[t] for t in terms])
        assert np.allclose(row, raw / np.linalg.norm(raw))


def test_log_likelihood_against_a_contingency_table_by_hand():
    a, b, c, d = 30, 10, 1000, 2000
    table = np.array([[a, b], [c - a, d - b]], float)
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    by_hand = 2 * (table * np.log(table / expected)).sum()
    assert T.log_likelihood(a, b, c, d) == pytest.approx(by_hand)
    g2, *_ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert T.log_likelihood(a, b, c, d) == pytest.approx(g2)


def test_log_likelihood_zero_count_and_log_ratio():
    assert T.log_likelihood(0, 5, 100, 100) > 0
    assert T.log_ratio(20, 10, 1000, 1000) == pytest.approx(1.0)
    assert T.log_ratio(0, 4, 100, 100) == pytest.approx(math.log2(0.5 / 4))


def _synthetic():
    rows = []
    for year, word in [(2001, "alpha"), (2002, "beta"), (2003, "gamma")]:
        for i in range(6):
            rows.append({"doc_id": f"d{year}-{i % 2}", "event_year": year, "para": i, "speaker": "",
                         "text": f"{word} {word} network policy growth market {'delta' if i % 3 == 0 else 'omega'}"})
    return pd.DataFrame(rows)


def test_distinctive_terms_recover_planted_words_with_intervals():
    paras = _synthetic()
    # each planted word also occurs once in another year, so its ratio is estimable
    for i, (year, other) in enumerate([(2001, "beta"), (2002, "gamma"), (2003, "alpha")]):
        row = paras.index[(paras["event_year"] == year)][i + 1]
        paras.loc[row, "text"] += f" {other}"
    top = T.distinctive_terms(paras, n=1, min_freq=3, n_boot=200, min_boot_units=6)
    top = top[top["direction"] == "over"]
    assert top[["group", "term"]].values.tolist() == [[2001, "alpha"], [2002, "beta"], [2003, "gamma"]]
    assert (top["freq_ref"] == 1).all()
    assert (top["lr_low"] > 0).all() and (top["lr_low"] <= top["log_ratio"]).all()
    assert (top["p_chi2"] < 0.001).all()
    # absent from the other years: the ratio rests on a pseudo-count, so no interval is given
    alone = T.distinctive_terms(_synthetic(), n=1, min_freq=3, n_boot=200, min_boot_units=6)
    alone = alone[alone["direction"] == "over"]
    assert (alone["freq_ref"] == 0).all() and alone[["lr_low", "lr_high"]].isna().all().all()


def test_shared_words_are_not_distinctive():
    k = T.KeynessData(_synthetic())
    labels = k.paras["event_year"].to_numpy()
    table = k.compare(labels == 2001, labels != 2001, min_freq=1).set_index("term")
    assert table.loc["network", "G2"] == pytest.approx(0, abs=1e-9)
    assert table.loc["alpha", "G2"] > 20


def test_top_terms_mean_and_class_agree_on_planted_words():
    paras = _synthetic()
    for top in (T.top_terms_mean(paras, n=1), T.top_terms_class(paras, n=1)):
        assert top["term"].tolist() == ["alpha", "beta", "gamma"]


def test_similarity_of_groups():
    sim = T.centroid_similarity(_synthetic(), "event_year")
    assert np.allclose(np.diag(sim), 1) and (sim.values <= 1.0001).all()
    assert sim.loc[2001, 2002] < 1


def test_small_group_warning():
    warnings = T.small_group_warnings(_synthetic(), min_docs=3, min_tokens=10)
    assert len(warnings) == 3 and "2 document(s)" in warnings[0]
    assert T.small_group_warnings(_synthetic(), min_docs=2, min_tokens=10) == []


def test_leave_one_document_out_marks_missing_groups():
    paras = _synthetic()
    paras.loc[paras["event_year"] == 2003, "doc_id"] = "only-2003"
    base = T.distinctive_terms(paras, n=1)
    loo = T.leave_one_document_out(paras, base, n=1)
    loo = loo[loo["direction"] == "over"].set_index("group")  # each year's one top over-used term
    assert loo.loc[2003, "only-2003"] is None
    assert loo.loc[2001, "only-2003"] and loo.loc[2001, "d2001-0"]


def test_kwic_matches_lemmas_and_phrases():
    paras = pd.DataFrame([{"doc_id": "d", "event_year": 2016, "para": 0, "speaker": "",
                           "text": "Guests from 80 countries discussed cyber sovereignty and country rules."}])
    assert kwic(paras, "country")["match"].tolist() == ["countries", "country"]
    hit = kwic(paras, "Cyber Sovereignty", width=10).iloc[0]
    assert (hit["left"], hit["match"], hit["right"]) == ("discussed ", "cyber sovereignty", " and count")


def test_new_event_year_flows_through(corpus_copy, monkeypatch):
    text = ("Quantum networks and quantum computing dominated the 2019 summit.\n\n"
            "Delegates discussed quantum encryption and quantum standards for networks.\n\n"
            "The quantum exhibition drew crowds to the quantum pavilion.").encode()
    (corpus_copy / "raw" / "2019-test.txt").write_bytes(text)
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    row = {c: "" for c in meta.columns} | {
        "id": "2019-test", "file": "2019-test.txt", "title": "t", "source": "s", "published": "2019-10-20",
        "event": "6th World Internet Conference, Wuzhen", "event_year": "2019", "series": T.WIC_SERIES,
        "sha256": hashlib.sha256(text).hexdigest()}
    pd.concat([meta, pd.DataFrame([row])]).to_csv(corpus_copy / "metadata.csv", index=False)
    monkeypatch.setenv("CORPUS_DIR", str(corpus_copy))
    paras = T.select_paragraphs(split_paragraphs(load_corpus()))
    assert sorted(paras["event_year"].unique()) == [2015, 2016, 2019, 2021]
    top = T.distinctive_terms(paras, n=3)
    assert top.loc[(top["group"] == 2019) & (top["direction"] == "over"), "term"].iloc[0] == "quantum"
    assert 2019 in T.centroid_similarity(paras, "event_year").index
    assert 2019 in set(T.pairwise_keyness(paras)["versus"])


def test_a_corpus_without_the_series_compares_every_paragraph():
    paras = _synthetic().assign(series="Some other conference", duplicate="")
    assert len(T.select_paragraphs(paras)) == len(paras)
    mixed = paras.assign(series=["World Internet Conference"] * 6 + ["Other"] * 12)
    assert len(T.select_paragraphs(mixed)) == 6


def test_one_year_only_gives_a_clear_error_and_empty_keyness():
    one = _synthetic().assign(event_year=2015)
    with pytest.raises(ValueError, match="needs at least 2 values of event_year; the selected paragraphs have 1 .2015."):
        T.require_groups(one)
    top = T.distinctive_terms(one, n=3, n_boot=10)
    assert top.empty and {"group", "term", "lr_low"} <= set(top.columns)


# --- keyness both ways, dispersion, ties, nested terms, inference -------------------------------

def _paras(rows):
    return pd.DataFrame([{"doc_id": d, "event_year": y, "para": i, "speaker": "", "text": t}
                         for i, (d, y, t) in enumerate(rows)])


def test_log_ratio_sign_follows_the_raw_rates_whatever_the_sizes():
    # absent from a small target, rare in a large reference: under-use (a fixed 0.5 said over-use)
    assert T.log_ratio(0, 3, 300, 10_000) < 0
    assert T.log_ratio(3, 0, 10_000, 100) > 0
    a, b = np.array([0, 1, 5, 0, 7]), np.array([4, 0, 5, 9, 2])
    c, d = 500, 20_000
    assert (np.sign(T.log_ratio(a, b, c, d)) == np.sign(a / c - b / d)).all()


def test_keyness_both_ways_with_signed_g2_and_dispersion():
    paras = _paras([("a", 2001, "alpha alpha network market"), ("a", 2001, "alpha network growth market"),
                    ("b", 2002, "beta network market growth"), ("b", 2002, "beta beta network growth"),
                    ("c", 2002, "beta growth market network"), ("c", 2002, "growth market network beta")])
    k = T.KeynessData(paras)
    labels = k.paras["event_year"].to_numpy()
    table = k.compare(labels == 2001, labels != 2001, min_freq=2).set_index("term")
    assert table.loc["alpha", "direction"] == "over" and table.loc["alpha", "signed_G2"] > 0
    assert table.loc["beta", "direction"] == "under" and table.loc["beta", "signed_G2"] == -table.loc["beta", "G2"]
    # dispersion on the side the term is over-represented in: beta in 2002, 4 paragraphs of 2 documents
    assert table.loc["beta", ["docs", "paras"]].tolist() == [2, 4]
    assert table.loc["beta", "top_para_share"] == pytest.approx(2 / 5)
    assert table.loc["alpha", ["docs", "paras"]].tolist() == [1, 2]
    assert (table["tested"] == len(table)).all()


def test_ties_at_the_cut_off_are_all_shown_and_nested_terms_folded():
    text = "liu yunshan met guests. cyber security, data, trade and cloud matter"
    paras = _paras([("a", 2001, text), ("a", 2001, text), ("b", 2002, "growth market network"),
                    ("b", 2002, "market network growth")])
    top = T.distinctive_terms(paras, n=2, min_freq=2)
    over = top[(top["group"] == 2001) & (top["direction"] == "over")]
    # "liu" and "yunshan" occur only inside "liu yunshan": shown once, as the phrase
    assert "liu" not in set(over["term"]) and "yunshan" not in set(over["term"])
    assert over.loc[over["term"] == "liu yunshan", "includes"].item() == "liu, yunshan"
    # every term has the same counts, so all tie at rank 1: none dropped alphabetically
    assert len(over) > 2 and set(over["rank"]) == {1}


def test_a_term_living_in_one_paragraph_is_flagged_not_ranked():
    paras = _paras([("a", 2001, "reform reform reform reform reform growth"), ("a", 2001, "market growth reform"),
                    ("a", 2001, "policy growth market"), ("b", 2002, "growth market reform"),
                    ("b", 2002, "market growth policy")])
    top = T.distinctive_terms(paras, n=5, min_freq=2)
    row = top[(top["group"] == 2001) & (top["term"] == "reform")].iloc[0]
    assert row["flag"] == "mostly one paragraph" and pd.isna(row["rank"]) and row["top_para_share"] == pytest.approx(5 / 6)


def test_fisher_p_and_the_presence_test_is_not_fooled_by_paragraph_length():
    """The reviewer's case: a term in 3 short paragraphs of a 15-paragraph target, none of 26 long
    reference paragraphs. The permutation distribution of 'target paragraphs containing the term'
    is hypergeometric: P(all 3 in a random 15 of 41) = C(15,3)/C(41,3) = 0.0427. A permuted G²
    gave 0.0003 here, because random 15-paragraph sets holding the term carry more tokens."""
    from math import comb
    from scipy.stats import fisher_exact
    rows = [("t", 2001, "liu yunshan spoke" if i < 3 else "network market") for i in range(15)]
    rows += [("r", 2002, "network market growth policy trade data cloud rules law " * 3) for _ in range(26)]
    paras = _paras(rows)
    top = T.distinctive_terms(paras, n=1, min_freq=3)
    row = top[(top["group"] == 2001) & (top["term"] == "liu yunshan")].iloc[0]
    assert row["p_presence"] == pytest.approx(comb(15, 3) / comb(41, 3)) and row["presence_unit"] == "paragraphs"
    assert row["presence"] == "3/15 vs 0/26"
    table = [[row["freq_target"], row["freq_ref"]],
             [row["tokens_target"] - row["freq_target"], row["tokens_ref"] - row["freq_ref"]]]
    assert row["p_fisher"] == pytest.approx(fisher_exact(table)[1])
    assert row["p_presence"] > row["p_fisher"]  # fewer units than tokens: more cautious, not less


def test_the_family_covers_every_comparison_and_every_year():
    top = T.distinctive_terms(_synthetic(), n=1, min_freq=3)
    k = T.KeynessData(_synthetic())
    labels = k.paras["event_year"].to_numpy()
    tested = {g: len(k.compare(labels == g, labels != g, 3)) for g in (2001, 2002, 2003)}
    # each row: the terms tested in its own comparison, corrected over all three comparisons
    assert (top["tested"] == top["group"].map(tested)).all() and (top["family"] == sum(tested.values())).all()
    assert np.allclose(top["p_bonferroni"], np.minimum(1, top["p_presence"] * sum(tested.values())))
    assert (top["holds"] == (top["p_bonferroni"] < 0.05)).all()
    fam = T.keyness_family(k, min_freq=3)
    assert fam["kind"].tolist() == ["one vs rest"] * 3 + ["pair"] * 3
    assert fam.loc[fam["kind"] == "pair", "tested"].tolist() == [len(k.compare(labels == a, labels == b, 3))
                                                                 for a, b in [(2001, 2002), (2001, 2003), (2002, 2003)]]
    total = int(fam["tested"].sum())
    pw = T.pairwise_keyness(_synthetic(), n=1, min_freq=3, family=total)
    assert (pw["family"] == total).all() and {"p_presence", "p_bonferroni", "holds"} <= set(pw)
    assert np.allclose(pw["p_bonferroni"], np.minimum(1, pw["p_presence"] * total))


def test_presence_over_documents_when_both_sides_have_three_and_bootstrap_needs_enough_units():
    rows = [(f"d{y}-{i}", y, f"{w} {w} network market growth policy") for y, w in [(2001, "alpha"), (2002, "beta")]
            for i in range(3)] + [("d2003-0", 2003, "gamma gamma network market")]
    paras = _paras(rows)
    top = T.distinctive_terms(paras, n=1, min_freq=2, n_boot=50, min_boot_units=3)
    units = top.groupby("group")[["boot_unit", "presence_unit"]].first()
    assert units.loc[2001].tolist() == ["3 documents / 4 documents", "documents"]
    assert units.loc[2003].tolist() == ["unavailable (1 documents, 1 paragraphs) / 6 documents", "paragraphs"]
    assert top.loc[top["group"] == 2003, ["lr_low", "lr_high"]].isna().all().all()
    # the default minimum (8 units): 3 documents give only 10 distinct resamples, so no interval
    top8 = T.distinctive_terms(paras, n=1, min_freq=2, n_boot=50)
    assert top8["lr_low"].isna().all() and top8["boot_unit"].str.contains("unavailable").all()


def test_bootstrap_drops_resamples_where_the_term_is_absent_on_both_sides():
    # "rare" in one paragraph of 8 on each side: many resamples miss it on both sides
    rows = [("a", 2001, "rare network" if i == 0 else "network market") for i in range(8)]
    rows += [("b", 2002, "rare growth" if i == 0 else "growth market") for i in range(8)]
    k = T.KeynessData(_paras(rows), DEFAULT_POLICY.with_(min_df=1))
    labels = k.paras["event_year"].to_numpy()
    boot = k.bootstrap(labels == 2001, labels == 2002, ["rare"], n_boot=400, seed=0).iloc[0]
    assert boot["boot_unit"] == "8 paragraphs / 8 paragraphs"
    # P(absent from both resamples) = (7/8)^16 = 0.118: about 47 of 400 dropped, none counted as 0
    assert 300 < boot["boot_kept"] < 390


def test_charts_wrap_into_a_grid_for_many_years():
    """Eleven years: the keyness and framing charts wrap into rows of three panels instead of one
    unreadable row, and every year has its panel."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import framing
    from helpers.plotting import framing_chart, keyness_chart, similarity_heatmaps
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "lambda", "zeta", "rho"]
    rows = []
    for k, (year, word) in enumerate(zip(range(2014, 2025), words)):
        for i in range(4):
            rows.append((f"d{year}-{i % 2}", year, f"global {word} {word} governance network {words[(k + 1) % 11]}. "
                                                   f"Digital governance policy {word} market growth"))
    paras = _paras(rows)
    top = T.distinctive_terms(paras, n=3, min_freq=2, n_boot=20, min_boot_units=4)
    fig = keyness_chart(top)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 11 and fig.get_size_inches()[0] <= 3 * 4.6 + 0.01
    assert {ax.get_title().split(":")[0] for ax in visible} == {str(y) for y in range(2014, 2025)}
    plt.close(fig)
    table, lines = framing.collocates(paras, "governance", min_count=2)
    fig = framing_chart(table, framing.node_summary(paras, "governance"), "governance", 5, 2)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 11 and fig.get_size_inches()[0] <= 3 * 3.6 + 0.01
    plt.close(fig)
    sim = T.centroid_similarity(paras, "event_year")
    fig = similarity_heatmaps({"years": sim}, baseline=[2014])
    assert any("(baseline)" in t.get_text() for t in fig.axes[0].get_yticklabels())
    plt.close(fig)


def test_collocates_trace_to_their_sentences():
    from helpers import framing
    paras = _paras([("a", 2015, "Global internet governance matters. Cyber security too."),
                    ("a", 2015, "They promote global internet governance."),
                    ("b", 2021, "Digital governance in the province; data-driven governance and digital reform.")])
    table, lines = framing.collocates(paras, "governance", window=2, min_count=2)
    assert table[["group", "collocate", "cooccurrences"]].values.tolist() == [
        [2015, "global", 2], [2015, "internet", 2], [2021, "digital", 2]]
    assert (table["log_dice"] <= 14).all()  # "data-driven" sits in both windows but is one token
    assert "cyber" not in set(lines["collocate"])  # the next sentence is not the term's company
    for g, c, n in table[["group", "collocate", "cooccurrences"]].itertuples(index=False):
        hit = lines[(lines["group"] == g) & (lines["collocate"] == c)]
        assert len(hit) == n and all(c in s.lower() for s in hit["sentence"])
    assert table.loc[table["collocate"] == "digital", "log_dice"].item() == pytest.approx(14 + math.log2(2 * 2 / (2 + 2)))


def test_top_terms_keep_ties_at_the_cut_off_and_class_idf_has_one_value_per_group_count():
    paras = _paras([("a", 2001, "alpha beta gamma delta"), ("b", 2002, "alpha omega"), ("c", 2003, "alpha sigma")])
    top = T.top_terms_class(paras, DEFAULT_POLICY.with_(min_df=1, ngram_range=(1, 1)), n=2)
    first = top[top["group"] == 2001]
    # beta, delta, gamma tie behind nothing: all three kept at rank 1, none cut alphabetically
    assert first["term"].tolist() == ["beta", "delta", "gamma"] and set(first["rank"]) == {1} and first["tied_at_cut"].all()
    m = TermMatrix(paras["text"], DEFAULT_POLICY.with_(min_df=1, ngram_range=(1, 1)))
    idf = T.class_idf(m.counts, paras["event_year"], m.terms).set_index("term")
    assert idf.loc["alpha", "groups_with_term"] == 3 and idf.loc["beta", "groups_with_term"] == 1
    assert idf["idf"].nunique() == idf["groups_with_term"].nunique() <= 3
    assert idf.loc["alpha", "idf"] == pytest.approx(1.0)


def test_surface_forms_show_what_the_text_says_and_labels_are_searchable():
    from helpers.text import display_label, surface_forms
    texts = ["New internet technologies spread.", "Internet technologies, and one internet technology.", "Reform; reforms."]
    forms = surface_forms(texts, ["internet technology", "reform", "absent word"])
    assert forms == {"internet technology": "internet technologies (2), internet technology (1)",
                     "reform": "reform (1), reforms (1)", "absent word": ""}
    assert display_label("internet technology", "internet technologies (3)") == "internet technologies"
    assert display_label("reform", forms["reform"]) == "reform"  # the lemma is itself a form the text uses
    # a phrase split by punctuation is no form of the phrase (as in the counts)
    assert surface_forms(["internet. Technologies"], ["internet technology"]) == {"internet technology": ""}


def test_collocation_window_stops_at_quotation_marks_and_sharing_ignores_the_minimum():
    from helpers import framing
    paras = _paras([("a", 2015, '"We want global governance," said Ren.'),
                    ("a", 2015, '"Fair governance for all," said Ren on Monday.'),
                    ("a", 2015, "Global governance matters; global governance again."),
                    ("b", 2016, "Ren praised cyber governance; global governance too.")])
    table, lines = framing.collocates(paras, "governance", window=3, min_count=2)
    # the reporter's "said Ren" is outside the quotation: never the company of the quoted word
    assert "ren" not in set(lines.loc[lines["group"] == 2015, "collocate"])
    row = table[(table["group"] == 2015) & (table["collocate"] == "global")].iloc[0]
    # 2016 has "global" with the term once, below the minimum: still named, with its count
    assert row["other_groups"] == "2016 (1)" and row["forms"] == "global (3)"
    assert table[table["group"] == 2016].empty or (table.loc[table["group"] == 2016, "cooccurrences"] >= 2).all()


def test_sensitivity_does_not_count_an_impossible_check_as_a_failure():
    paras = _paras([("a", 2001, "cyber security matters. cyber security rules. cyber security first"),
                    ("b", 2001, "cyber security again and cyber security"),
                    ("c", 2002, "digital economy grows. digital economy booms"),
                    ("d", 2002, "digital economy again, digital trade")])
    policy = DEFAULT_POLICY.with_(min_df=1)
    top = T.distinctive_terms(paras, policy, n=3, min_freq=2)
    base = top[top["rank"].notna()]
    sens = T.sensitivity(paras, base, {"unigrams": policy.with_(ngram_range=(1, 1)),
                                       "min_df=1": policy}, n=3, min_freq=2)
    bigram = sens[sens["term"].str.contains(" ")]
    assert len(bigram) and bigram["unigrams"].isna().all() and bigram["min_df=1"].notna().all()
    # a term in 2 paragraphs cannot exist under min_df=3: not applicable, not failed
    six = _paras([("a", 2001, "cyber security matters. cyber security rules. network"),
                  ("b", 2001, "cyber security again and cyber security network"), ("e", 2001, "network policy network"),
                  ("c", 2002, "digital economy grows. digital economy booms"),
                  ("d", 2002, "digital economy again, digital trade"), ("f", 2002, "digital trade market")])
    top6 = T.distinctive_terms(six, policy, n=5, min_freq=2)
    strict = T.sensitivity(six, top6[top6["rank"].notna()], {"min_df=3": policy.with_(min_df=3)}, n=5, min_freq=2)
    cells = dict(zip(strict["term"], strict["min_df=3"]))
    assert cells["cyber security"] is None and cells["digital economy"] is None  # 2 paragraphs each
    assert cells["network"] is not None and cells["digital"] is not None  # 3 paragraphs: a real check
    loo = T.leave_one_document_out(paras, base, policy, n=3, min_freq=2)
    robust = T.robustness_summary(loo, sens, {"a": 2001, "b": 2001, "c": 2002, "d": 2002})
    two_words = robust[robust["term"].str.contains(" ")]
    assert len(two_words) and (two_words["checks_settings"] == 1).all()
    # each term: the two documents of its own year are own-document checks, the other two reference checks
    assert (robust["checks_own_docs"] == 2).all() and (robust["checks_reference_docs"] == 2).all()
    every = T.surviving_terms(robust, [2001, 2002])
    assert set(every["group"]) == {2001, 2002} and every["terms"].ne("").all()
