"""Figure extraction measured against hand-labelled gold, and the figures table and charts keep
every number traceable to its sentence."""
import json
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import figure_charts as C  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402
from helpers.figure_table import derived_figures, figures_table  # noqa: E402
from helpers.paths import PROJECT_ROOT  # noqa: E402
from helpers.quantities import evaluate, extract_figures, quantulum_figures  # noqa: E402

GOLD = PROJECT_ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def docs():
    return load_corpus()


@pytest.fixture(scope="module")
def table(docs):
    return figures_table(docs)


def _sentences(name):
    rows = [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines()]
    pred = pd.concat([extract_figures(r["text"]).assign(doc_id=i) for i, r in enumerate(rows)])
    gold = pd.DataFrame([{"doc_id": i, "value": v, "unit": u, "qualifier": q}
                         for i, r in enumerate(rows) for v, u, q in r["figures"]])
    return pred, gold


def test_seed_gold_precision_and_recall(docs):
    pred = pd.concat([extract_figures(d.text).assign(doc_id=d.id) for d in docs.itertuples()])
    gold = pd.read_csv(GOLD / "seed_figures.csv")
    score = evaluate(pred, gold)
    assert score["precision"] >= 0.95 and score["recall"] >= 0.95, score


@pytest.mark.parametrize("name", sorted(p.name for p in GOLD.glob("heldout_sentences*.jsonl")))
def test_sentences_not_from_the_corpus(name):
    # Sentences written in the style of other news articles; each set was scored blind once
    # before any rule was changed for it (see notebook 04), and is kept as a regression test.
    score = evaluate(*_sentences(name))
    assert score["precision"] >= 0.95 and score["recall"] >= 0.95, score


def test_offsets_and_quotes_point_into_the_text(docs):
    for d in docs.itertuples():
        for r in extract_figures(d.text).itertuples():
            assert d.text[r.start:r.end] == r.mention
            assert r.mention in r.quote and r.quote in d.text


@pytest.mark.parametrize("text, expected", [
    ("about 50 officials", ("about", 50)), ("around 50 officials", ("about", 50)),
    ("roughly 50 officials", ("about", 50)), ("some 50 officials", ("about", 50)),
    ("nearly 50 officials", ("about", 50)), ("approximately 50 officials", ("about", 50)),
    ("more than 50 officials", ("more than", 50)), ("over 50 officials", ("more than", 50)),
    ("above 50 officials", ("more than", 50)), ("less than 50 officials", ("less than", 50)),
    ("under 50 officials", ("less than", 50)), ("up to 50 officials", ("less than", 50)),
    ("fewer than 50 officials", ("less than", 50)), ("50 officials", ("exact", 50)),
])
def test_qualifiers_normalised(text, expected):
    row = extract_figures(text).iloc[0]
    assert (row["qualifier"], row["value"], row["unit"]) == (*expected, "officials")
    assert row["mention"] == text


@pytest.mark.parametrize("text, value, unit", [
    ("It had 24,000 robots.", 24000, "robots"), ("GDP rose 7.6% last year.", 7.6, "percent"),
    ("a share of 15 percent", 15, "percent"), ("100 billion yuan was pledged", 1e11, "yuan"),
    ("a trillion yuan economy", 1e12, "yuan"), ("ten sub-forums opened", 10, "sub-forums"),
    ("Eight state leaders came", 8, "state leaders"), ("twenty-two topics", 22, "topics"),
    ("in the next five years", 5, "years"), ("$3.5 million in grants", 3.5e6, "US dollars"),
    ("Up to 300 start-ups may join.", 300, "start-ups"), ("Some 2,000 workers march today.", 2000, "workers"),
    ("It paid 100 million U.S. dollars.", 1e8, "US dollars"), ("About 800,000 people work there.", 800000, "people"),
])
def test_number_forms(text, value, unit):
    row = extract_figures(text).iloc[0]
    assert (row["value"], row["unit"]) == (value, unit)


@pytest.mark.parametrize("text, value, unit", [
    ("Two hundred and fifty delegates attended.", 250, "delegates"),
    ("One hundred twenty countries joined.", 120, "countries"),
    ("A hundred and twenty exhibitors came.", 120, "exhibitors"),
    ("Three hundred thousand households were connected.", 300000, "households"),
    ("Twenty-one new data centres will open.", 21, "data centres"),
    ("A dozen start-ups pitched.", 12, "start-ups"), ("Two dozen firms signed.", 24, "firms"),
    ("The app has 1.2 million users.", 1.2e6, "users"), ("It cost seven hundred million yuan.", 7e8, "yuan"),
    ("Ninety-nine percent of villages have broadband.", 99, "percent"),
])
def test_compound_number_words(text, value, unit):
    rows = extract_figures(text)
    assert rows[["value", "unit"]].values.tolist() == [[value, unit]]


def test_a_list_of_number_words_gives_one_row_each():
    rows = extract_figures("Six hundred students and twelve universities took part.")
    assert rows[["value", "unit"]].values.tolist() == [[600, "students"], [12, "universities"]]


@pytest.mark.parametrize("text", [
    "Tens of thousands of visitors came.", "Hundreds of millions of yuan were lost.", "Dozens of firms came.",
    "It is one of the seven industries' leaders.", "The two of them met.", "one two three",
])
def test_vague_amounts_and_pronouns_are_not_figures(text):
    # an order of magnitude states no number to chart; "one" alone is a pronoun
    assert not any(v in (1, 10, 12, 100, 1000, 1e6) for v in extract_figures(text)["value"])


def test_chains_give_one_row_per_figure():
    rows = extract_figures("More than 730 journalists from 110 media outlets of 14 countries and regions came.")
    assert rows[["value", "unit", "qualifier"]].values.tolist() == [
        [730, "journalists", "more than"], [110, "media outlets", "exact"], [14, "countries and regions", "exact"]]


@pytest.mark.parametrize("text", [
    "The summit opened on Dec 16, 2015 in Wuzhen.", "It was held on November 16-18.",
    "The meeting starts at 09:30 on Monday.", "The 2nd World Internet Conference opened.",
    "The third conference closed.", "Digital economy is the No. 1 project.", "5G and COVID-19 were discussed.",
    'The "152" projects were launched.', "By the end of 2014 the plan was done.", "First, we will build.",
    "In the first half of this year growth was strong.", "The G20 met in Hangzhou.",
    "The hall opens at 9 am.", "In the first three quarters growth was strong.",
])
def test_things_that_are_not_figures(text):
    assert extract_figures(text).empty


def test_page_furniture_numbers_never_reach_the_table(docs, table):
    # the raw briefing page has pagination and comment counters; the table is built on cleaned text
    raw = extract_figures(docs.set_index("id").loc["2021-scio-briefing", "raw_text"])
    assert len(raw) > 1 + 8  # the real figure plus pagination digits and counters
    removed = [r["text"] for rm in docs["removed"] for r in rm]
    assert not any(m in line for m in table["mention"] for line in removed)


def test_figures_table_status_period_category(table):
    robots = table[table["unit"].str.contains("robot")].set_index("value")
    assert robots.loc[24000, ["status", "period"]].tolist() == ["stated", 2014]
    assert robots.loc[10000, ["status", "period"]].tolist() == ["projected", 2015]  # "this year", published 2015
    assert robots.loc[55000, ["status", "period"]].tolist() == ["projected", 2020]
    assert set(table["category"]) <= {"conference scale", "industry", "investment", "growth", "duration", "other"}
    assert table.loc[table["unit"] == "yuan", "category"].tolist() == ["investment"]
    assert (table["checked"] == "").all()
    media = table[table["of_figure"] == "More than 730 journalists"]
    assert media["mention"].tolist() == ["110 media outlets"]


def test_derived_figures_show_their_arithmetic(table):
    derived = derived_figures(table).set_index("derived")
    assert derived.loc["implied national total of industrial robots", "value"] == pytest.approx(160000)
    assert derived.loc["implied national total of industrial robots", "arithmetic"] == "24,000 / 15% = 160,000"
    assert derived.loc["yuan per year", "value"] == pytest.approx(2e10)


def test_every_plotted_value_has_its_quote_in_the_corpus(docs, table):
    texts = docs.set_index("id")["text"]
    derived = derived_figures(table)
    plotted = [C.robots_chart(table[table["unit"].str.contains("robot")], derived)[1],
               C.percent_chart(table[table["unit"] == "percent"], "t")[1],
               C.scale_chart(C.scale_rows(table))[1],
               C.investment_chart(table[table["unit"] == "yuan"], derived[derived["unit"] == "yuan per year"])[1]]
    for rows in plotted:
        assert len(rows)
        for r in rows.to_dict("records"):
            assert r["quote"] in texts[r["doc_id"]]
            if r.get("kind") != "derived":
                assert texts[r["doc_id"]][int(r["start"]):int(r["end"])] == r["mention"]
                assert r["value"] in set(table["value"])


def test_quantulum_comparison_runs_offline():
    rows = quantulum_figures("More than 2,000 guests and 100 billion yuan.")
    assert rows["value"].tolist() == [2000, 1e11]
    assert rows["unit"].tolist() == ["", "yuan"]


QUANTULUM_IMPORTS = """
import sys
{before}
from helpers.quantities import quantulum_figures
rows = quantulum_figures("About 1,500 guests from 70 countries and regions; 100 billion yuan.")
from quantulum3 import classifier
print(rows["value"].tolist(), rows["unit"].tolist(), classifier.USE_CLF, "sklearn" in sys.modules, "joblib" in sys.modules)
import joblib, sklearn.linear_model  # still importable afterwards
print(sys.modules["joblib"] is not None, sys.modules["sklearn"] is not None)
"""


@pytest.mark.parametrize("before", ["", "import joblib, sklearn.linear_model"])
def test_quantulum_is_loaded_without_its_classifier_dependencies(before):
    """quantulum3 imports scikit-learn and joblib only for its classifier, which is switched off:
    they stay unloaded when nothing else loaded them, the same figures come out whether or not
    they were loaded first, and both still import afterwards."""
    out = subprocess.run([sys.executable, "-c", QUANTULUM_IMPORTS.format(before=before)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    loaded = "True" if before else "False"
    assert out == [f"[1500.0, 70.0, 100000000000.0] ['', '', 'yuan'] False {loaded} {loaded}",
                   "True True"]


def _one_doc(text, published="2021-09-16"):
    return pd.DataFrame([{"id": "d", "title": "t", "source": "s", "published": pd.Timestamp(published),
                          "event": "e", "event_year": 2021, "text": text}])


def test_scale_in_a_text_published_before_its_event_is_projected():
    ahead = figures_table(_one_doc("The conference will be convened in a few days. "
                                   "Our guests come from more than 80 countries and regions."))
    assert ahead.set_index("value").loc[80, ["category", "status"]].tolist() == ["conference scale", "projected"]
    after = figures_table(_one_doc("The conference was convened on Monday. "
                                   "Our guests came from more than 80 countries and regions."))
    assert after.set_index("value").loc[80, "status"] == "stated"
    # a past edition's count in a text announcing the next one stays reported
    past = figures_table(_one_doc("The summit will be held next week. In 2019, 1,500 guests attended the summit."))
    assert past.set_index("value").loc[1500, "status"] == "stated"


def test_an_implied_total_is_named_as_the_text_names_it():
    t = figures_table(_one_doc("The city had 2,000 robots, 10 percent of the total."))
    assert derived_figures(t)["derived"].tolist() == ["implied total of robots"]
    t = figures_table(_one_doc("The city had 2,000 robots, 10 percent of the province's total."))
    assert derived_figures(t)["derived"].tolist() == ["implied province's total of robots"]


def test_only_the_documents_the_gold_was_written_for_are_scored(docs, tmp_path):
    from helpers.figure_table import gold_documents

    meta = PROJECT_ROOT / "corpus" / "metadata.csv"
    assert gold_documents(docs, meta)["id"].tolist() == docs["id"].tolist()
    edited = docs.assign(sha256=["0" * 64] + docs["sha256"].tolist()[1:])  # the first text changed since
    assert gold_documents(edited, meta)["id"].tolist() == docs["id"].tolist()[1:]
    other = docs.assign(id=[f"new-{i}" for i in docs["id"]])
    assert gold_documents(other, meta).empty


def test_every_held_out_set_has_its_blind_scores_recorded():
    record = json.loads((GOLD / "figures_blind_scores.json").read_text(encoding="utf-8"))
    assert sorted(s["set"] for s in record["sets"]) == sorted(p.name for p in GOLD.glob("heldout_sentences*.jsonl"))
    assert all(0 <= s[m] <= 1 for s in record["sets"] for m in ("precision", "recall"))


def test_a_span_ahead_is_the_period_of_its_statement():
    t = figures_table(_one_doc("The fund will invest 3 billion yuan over the coming 4 years.", published="2020-01-01"))
    row = t.set_index("unit").loc["yuan"]
    assert (row["period"], row["period_text"]) == (2024, "the coming 4 years (from 2020)")
    t = figures_table(_one_doc("100 billion yuan is to be invested in the next five years.", published="2018-09-20"))
    assert t.set_index("unit").loc["yuan", "period_text"] == "the next five years (from 2018)"


def test_the_parties_to_an_agreement_are_not_an_industry_figure():
    t = figures_table(_one_doc("And the two sides will promote the development of the digital economy."))
    assert t.set_index("unit").loc["sides", "category"] == "other"
