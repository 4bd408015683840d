"""Status (stated / projected) and period are decided per statement, not per figure: a list
governed by one verb shares its status, and a period stated once governs the figures in its scope.
Sentences from the corpus and sentences written in other news styles."""
import pandas as pd
import pytest

from helpers.figure_table import figures_table


def _table(text, published="2024-03-01"):
    docs = pd.DataFrame([{"id": "d", "title": "t", "source": "s", "published": pd.Timestamp(published),
                          "event": "e", "event_year": int(published[:4]), "text": text}])
    return figures_table(docs)


def _by_value(table):
    return {r.value: (r.status, None if pd.isna(r.period) else int(r.period), r.period_text)
            for r in table.itertuples()}


def test_a_list_governed_by_will_shares_its_status():
    # from the corpus: only the last figure stands next to "will grace", all four are a forecast
    t = _table("Eight state leaders, including Russian Prime Minister Dmitry Medvedev and Prime Minister of "
               "Pakistan Nawaz Sharif, about 50 ministerial-ranked officials, leaders of over 20 important "
               "international organizations, more than 600 Internet giants and experts will grace the occasion.",
               "2015-12-18")
    assert t["value"].tolist() == [8, 50, 20, 600] and set(t["status"]) == {"projected"}


@pytest.mark.parametrize("text, status", [
    ("Organisers expect 3,000 delegates, 120 ministers and some 40 heads of state at next week's summit.", "projected"),
    ("Three ministers, 45 ambassadors and more than 1,000 entrepreneurs were at the opening ceremony.", "stated"),
    ("The ministry said 1,500 companies, 90 universities and 12 research institutes would take part.", "projected"),
    ("Some 2,000 guests, 300 journalists and 60 exhibitors are set to arrive; they will stay four days.", "projected"),
])
def test_lists_in_other_styles_share_their_status(text, status):
    t = _table(text)
    assert len(t) >= 3 and set(t["status"]) == {status}, t[["mention", "status"]]


def test_a_period_stated_once_governs_the_paragraph_that_follows():
    # from the corpus: the frame "In the first half of this year" opens the paragraph's first sentence
    text = ("In the first half of this year, the gross regional product of this province increased by 7.6% "
            "year-on-year. It is striking that the added value of the core industries in the digital economy "
            "increased by 16.4% year-on-year, accounting for 9.1% of the gross regional product.")
    t = _table(text, "2018-09-14")
    assert set(_by_value(t).values()) == {("stated", 2018, "first half of 2018")}
    assert t["period_scope"].tolist() == ["figure", "paragraph", "paragraph"]


def test_a_frame_in_another_style_and_where_it_stops():
    text = ("In the first quarter of 2023, online retail sales grew 8.7 percent year on year. Sales of physical "
            "goods rose 7.3 percent, accounting for 26 percent of retail sales.\n\nSome 300 shops closed.")
    got = _by_value(_table(text))
    assert got[8.7] == got[7.3] == got[26] == ("stated", 2023, "first quarter of 2023")
    assert got[300] == ("stated", None, "")  # a blank line ends the paragraph, and the frame with it


def test_a_past_frame_does_not_date_a_forecast():
    got = _by_value(_table("Last year, the port handled 30 million containers. It will handle 35 million "
                           "containers, the operator said."))
    assert got[30e6] == ("stated", 2023, "2023") and got[35e6] == ("projected", None, "")


def test_a_new_predicate_starts_a_new_statement():
    got = _by_value(_table("Exports rose 12 percent to 80 billion dollars last year and are expected to reach "
                           "95 billion dollars in 2024."))
    assert got[12] == ("stated", 2023, "2023") and got[80e9] == ("stated", 2023, "2023")
    assert got[95e9] == ("projected", 2024, "2024")
    got = _by_value(_table("Visitors are forecast to top 50,000, while exhibitors numbered 1,200."))
    assert got[50000][0] == "projected" and got[1200][0] == "stated"


def test_a_baseline_or_a_past_period_inside_a_forecast_is_reported():
    got = _by_value(_table("The company is expected to hire 500 engineers in 2025, up from 320 in 2023."))
    assert got[500] == ("projected", 2025, "2025") and got[320] == ("stated", 2023, "2023")
