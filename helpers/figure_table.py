"""The corpus's figures as one tidy table, with provenance, category, status and period.

Built on helpers.quantities (figure_rows), run on each document's cleaned text, so `start` and
`end` are offsets into `docs.text` and every row can be traced to its sentence.
"""
from __future__ import annotations

import re

import pandas as pd

from .quantities import TIME_UNITS, figure_rows

CURRENCIES = {"yuan", "US dollars", "euros", "yen", "pounds", "HK dollars", "rupees", "won"}
_GROWTH = re.compile(r"\b(increas\w*|grow\w*|grew|rise|rose|risen|up|down|fell|fall\w*|declin\w*|"
                     r"year-on-year|year on year|expand\w*|contract\w*)\b", re.I)
_EVENT = re.compile(r"\b(conference|summit|forum|exhibition|expo|attend\w*|guests?|participants?|"
                    r"delegates?|visitors?|present|occasion|journalists?|reported the)\b", re.I)
_ECONOMY = re.compile(r"\b(econom\w*|industr\w*|robots?|manufactur\w*|enterprises?|compan\w*|"
                      r"invest\w*|gdp|product|output|sales|revenue|market|digital)\b", re.I)
# Words that make a figure a projection rather than a stated fact (its `status`).
FUTURE_MARKERS = re.compile(r"\b(will|would|shall|expect(?:s|ed)?|forecasts?|predict(?:s|ed)?|plans?|planned|"
                            r"aims?|targets?|projected|is to be|are to be|to reach)\b", re.IGNORECASE)
# What a conference-scale unit measures, for charts: the first matching pattern names it.
SCALE_MEASURES = [
    ("attendees", r"\b(guests?|people|participants?|attendees?|delegates?|visitors?)\b"),
    ("countries and regions", r"\bcountr"),
    ("officials", r"\b(officials?|ministers?|state leaders|heads of state)\b"),
    ("international organizations", r"organi[sz]ations\b"),
    ("industry leaders and experts", r"\b(experts?|giants|industrial leaders|business leaders)\b"),
    ("media", r"\b(journalists?|reporters?|media outlets?)\b"),
    ("exhibitors", r"\b(enterprises?|exhibitors?|companies)\b"),
]


def _segments(text: str, rows: list[dict]) -> list[tuple[int, int, int, int]]:
    """For each figure: its segment (the stretch of its clause between the neighbouring figures,
    where its own verb, tense and time expression are) and its clause (sentence split at ';')."""
    out = []
    for i, r in enumerate(rows):
        q_start, q_end = r["quote_start"], r["quote_start"] + len(r["quote"])
        clause_start = max(q_start, text.rfind(";", q_start, r["start"]) + 1)
        semi = text.find(";", r["end"], q_end)
        clause_end = semi if semi != -1 else q_end
        prev_end = rows[i - 1]["end"] if i > 0 else -1
        next_start = rows[i + 1]["start"] if i + 1 < len(rows) else len(text)
        out.append((max(clause_start, prev_end), min(clause_end, next_start), clause_start, clause_end))
    return out


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b(this|next|last) year\b", re.I)


def _period(before: str, after: str, clause: str, published_year: int):
    """The year a figure refers to: the time expression nearest before it in its segment, else
    after it, else anywhere in its clause; "this/next/last year" relative to publication."""
    def resolve(m):
        if m.group(1):
            return int(m.group(1))
        return published_year + {"this": 0, "next": 1, "last": -1}[m.group(2).lower()]
    found = list(_YEAR.finditer(before))
    if found:
        return resolve(found[-1])
    for part in (after, clause):
        m = _YEAR.search(part)
        if m:
            return resolve(m)
    return pd.NA


def _category(unit: str, local: str, sentence: str) -> str:
    """A rough category from the unit and the words around the figure (checked by a reader)."""
    if unit in CURRENCIES:
        return "investment"
    if unit in ("percent", "percentage points"):
        if _GROWTH.search(local):
            return "growth"
        return "conference scale" if _EVENT.search(sentence) and not _ECONOMY.search(local) else "industry"
    if unit in TIME_UNITS:
        return "duration"
    if _EVENT.search(sentence):
        return "conference scale"
    return "industry" if _ECONOMY.search(sentence) or _ECONOMY.search(unit) else "other"


COLUMNS = ["doc_id", "event", "event_year", "value", "unit", "qualifier", "category", "status", "period",
           "of_figure", "phrase", "context", "quote", "start", "end", "mention"]
_CHAIN_LINK = re.compile(r"\s*(from|of|in|across)\s*")


def figures_table(docs: pd.DataFrame) -> pd.DataFrame:
    """One row per figure in the corpus: doc_id, event, event_year, value, unit, qualifier,
    category (conference scale / industry / investment / growth / duration / other), status
    (stated / projected), period (the year it refers to, when the text says), of_figure (the
    figure a chained one describes: "110 media outlets" of "730 journalists"), phrase (between
    the commas around it), context (its clause, up to the neighbouring figures), quote, start,
    end (offsets into the document's cleaned text), mention, and an empty `checked` column for
    a researcher to mark rows verified against the source."""
    out = []
    for doc in docs.itertuples(index=False):
        text, rows = doc.text, figure_rows(doc.text)
        for i, (r, (s, e, cs, ce)) in enumerate(zip(rows, _segments(text, rows))):
            segment, clause = text[s:e], text[cs:ce]
            before, after = text[s:r["start"]], text[r["end"]:e]
            # the phrase the figure sits in: from the last comma before it to the next one after
            local = before.rsplit(",", 1)[-1] + r["mention"] + after.split(",", 1)[0]
            # "730 journalists from 110 media outlets of 14 countries": later links of a chain
            # describe the first figure, not the event
            chained = i > 0 and _CHAIN_LINK.fullmatch(text, rows[i - 1]["end"], r["start"])
            r.update(doc_id=doc.id, event=doc.event, event_year=doc.event_year,
                     of_figure=rows[i - 1]["mention"] if chained else "",
                     category=_category(r["unit"], local, r["quote"]),
                     status="projected" if FUTURE_MARKERS.search(segment) else "stated",
                     period=_period(before, after, clause, doc.published.year),
                     context=" ".join(segment.split()).strip(" ,.;"),
                     phrase=" ".join(local.split()).strip(" ,.;"))
        # a duration belongs with the figure it qualifies ("100 billion yuan ... in five years")
        for r in rows:
            if r["category"] == "duration":
                same = [o["category"] for o in rows if o["quote_start"] == r["quote_start"] and o["category"] != "duration"]
                r["category"] = same[0] if same else "other"
        out += rows
    table = pd.DataFrame(out, columns=COLUMNS)
    table["period"] = table["period"].astype("Int64")
    table["checked"] = ""
    return table


def scale_measure(unit: str) -> str | None:
    """The conference-scale measure a unit belongs to (see SCALE_MEASURES), or None."""
    for name, pattern in SCALE_MEASURES:
        if re.search(pattern, unit):
            return name
    return None


_SHARE_OF_TOTAL = re.compile(r"\bof (?:the |china's |the country's |the province's )?(?:national |whole )?total\b", re.I)


def derived_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers the texts imply but do not state, each with its arithmetic and sources:
    - a count stated with its share of a total ("24,000 robots, 15 percent of the national total")
      implies the total: count / share;
    - an amount stated over a duration ("100 billion yuan ... in the next five years") implies an
      amount per year: amount / years."""
    rows = []
    for quote, part in table.groupby("quote", sort=False):
        counts = part[~part["unit"].isin(CURRENCIES | {"percent", "percentage points"} | TIME_UNITS)]
        shares = part[(part["unit"] == "percent") & part["context"].str.contains(_SHARE_OF_TOTAL)]
        for c in counts.itertuples():
            for s in shares[shares["start"] > c.end].head(1).itertuples():
                rows.append({"doc_id": c.doc_id, "event_year": c.event_year, "derived": f"implied total of {c.unit}",
                             "value": c.value / (s.value / 100), "unit": c.unit,
                             "arithmetic": f"{c.value:,.0f} / {s.value:g}% = {c.value / (s.value / 100):,.0f}",
                             "from": f"{c.mention} | {s.mention}", "quote": quote})
        money = part[part["unit"].isin(CURRENCIES)]
        years = part[part["unit"] == "years"]
        for m in money.itertuples():
            for y in years.head(1).itertuples():
                rows.append({"doc_id": m.doc_id, "event_year": m.event_year, "derived": f"{m.unit} per year",
                             "value": m.value / y.value, "unit": f"{m.unit} per year",
                             "arithmetic": f"{m.value:,.0f} / {y.value:g} years = {m.value / y.value:,.0f}",
                             "from": f"{m.mention} | {y.mention}", "quote": quote})
    return pd.DataFrame(rows, columns=["doc_id", "event_year", "derived", "value", "unit", "arithmetic", "from", "quote"])
